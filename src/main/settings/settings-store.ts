import type Conf from 'conf';
import { Settings } from '../../shared/api/app.ts';

export const defaultSettings: Settings = {
  concurrency: 2,
  theme: 'system',
  simulator: 'auto',
  lastParams: {},
  promptHistory: [],
  budgets: { dailyUsd: null, monthlyUsd: null },
  askAboveUsd: 1,
  priceOverrides: {},
  trashDays: 30,
  rateLimit: { plan: 'none', customPerMinute: 20, pollsCount: false },
};

/** The name of the settings file in the data folder, shared by electron-store and browser mode. */
export const settingsFileName = 'settings';

export interface SettingsStore {
  get(): Settings;
  update(patch: Partial<Settings>): Settings;
}

/**
 * Settings on top of a Conf store: electron-store in the desktop app (it is a Conf) and plain Conf in
 * browser mode, on the same file. A hand-edited or outdated file never breaks start-up: each field
 * that does not parse falls back to its default.
 */
export function createSettingsStore(store: Conf<Record<string, unknown>>): SettingsStore {
  function get(): Settings {
    const raw = store.store;
    const merged: Record<string, unknown> = {};
    for (const key of Object.keys(defaultSettings) as (keyof Settings)[]) {
      const field = Settings.shape[key].safeParse(raw[key]);
      merged[key] = field.success ? field.data : defaultSettings[key];
    }
    return Settings.parse(merged);
  }
  return {
    get,
    update(patch) {
      const next = Settings.parse({ ...get(), ...patch });
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) store.set(key, next[key as keyof Settings]);
      }
      return next;
    },
  };
}
