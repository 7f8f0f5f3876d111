import type Conf from 'conf';

/**
 * Settings held in memory, for a session whose settings file cannot be opened at all (no permission,
 * a read-only folder): the app still starts, and says the changes will not last.
 */
export function memorySettingsBackend(): Conf<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  const backend = {
    get store() {
      return { ...values };
    },
    set(key: string, value: unknown) {
      values[key] = value;
    },
    get(key: string) {
      return values[key];
    },
  };
  // createSettingsStore and the window-bounds code use only these three members of Conf.
  return backend as unknown as Conf<Record<string, unknown>>;
}
