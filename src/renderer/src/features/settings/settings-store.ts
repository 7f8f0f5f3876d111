import { create } from 'zustand';
import type { AppInfo, KeyStatus, Settings } from '../../../../shared/api/app.ts';
import { call, on } from '../../bridge/api.ts';
import { messageOf } from '../../lib/errors.ts';

interface SettingsState {
  info: AppInfo | null;
  settings: Settings | null;
  key: KeyStatus | null;
  loadError: string | null;
  /** Result of the last key action (save, test, remove), shown next to the key field. */
  keyMessage: { ok: boolean; text: string } | null;
  keyBusy: boolean;
  open: boolean;
  setOpen(open: boolean): void;
  load(): Promise<void>;
  update(patch: Partial<Settings>): Promise<void>;
  setKey(key: string): Promise<boolean>;
  clearKey(): Promise<void>;
  testKey(): Promise<void>;
}

export const useSettings = create<SettingsState>()((set, get) => ({
  info: null,
  settings: null,
  key: null,
  loadError: null,
  keyMessage: null,
  keyBusy: false,
  open: false,
  setOpen: (open) => set({ open, keyMessage: open ? get().keyMessage : null }),
  async load() {
    try {
      const [info, settings, key] = await Promise.all([
        call('app:info'),
        call('settings:get'),
        call('key:status'),
      ]);
      set({ info, settings, key, loadError: null });
    } catch (error) {
      set({ loadError: messageOf(error) });
    }
  },
  async update(patch) {
    const before = get().settings;
    // Show the choice at once (a theme, a switch); main's answer, or the old value on failure, follows.
    if (before) set({ settings: { ...before, ...patch } });
    try {
      set({ settings: await call('settings:update', patch) });
    } catch (error) {
      set({ settings: before });
      throw error;
    }
  },
  setKey: (key) =>
    keyAction(async () => {
      const status = await call('key:set', { key });
      const inUse = status.source === 'stored' || status.source === 'session';
      return {
        key: status,
        keyMessage: inUse
          ? {
              ok: true,
              text: `Key saved (ends in ${status.last4 ?? '????'}) and in use${status.source === 'session' ? ' until the app closes' : ''}.`,
            }
          : { ok: false, text: 'The key could not be kept, so it is not in use.' },
      };
    }),
  clearKey: async () => {
    await keyAction(async () => ({
      key: await call('key:clear'),
      keyMessage: { ok: true, text: 'Key removed.' },
    }));
  },
  testKey: async () => {
    await keyAction(async () => {
      const result = await call('key:test');
      return { keyMessage: { ok: result.ok, text: result.message } };
    });
  },
}));

/** Runs one key action with the busy flag up; its outcome (or failure) becomes the key message. */
async function keyAction(action: () => Promise<Partial<SettingsState>>): Promise<boolean> {
  useSettings.setState({ keyBusy: true, keyMessage: null });
  try {
    useSettings.setState(await action());
    return true;
  } catch (error) {
    useSettings.setState({ keyMessage: { ok: false, text: messageOf(error) } });
    return false;
  } finally {
    useSettings.setState({ keyBusy: false });
  }
}

export function subscribeSettings(): () => void {
  const offInfo = on('app:info', (info) => {
    useSettings.setState({ info });
    // The key may have changed in another window (or through the environment): refresh its status.
    void call('key:status').then(
      (key) => useSettings.setState({ key }),
      () => undefined,
    );
  });
  const offSettings = on('settings:changed', (settings) => useSettings.setState({ settings }));
  return () => {
    offInfo();
    offSettings();
  };
}
