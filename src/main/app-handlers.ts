import type { appApi, AppInfo } from '../shared/api/app.ts';
import type { HandlerMap } from './rpc/handler-map.ts';
import type { KeyManager } from './settings/key-store.ts';
import type { SettingsStore } from './settings/settings-store.ts';

export interface AppHandlerDeps {
  info(): AppInfo;
  settings: SettingsStore;
  keys: KeyManager;
  /** Called after the key or the simulator setting changed, so the app can switch live/simulator. */
  onConnectionChanged(): void;
  testKey(): Promise<{ ok: boolean; message: string }>;
  onSettingsChanged(settings: ReturnType<SettingsStore['get']>): void;
}

export function createAppHandlers(deps: AppHandlerDeps): HandlerMap<typeof appApi> {
  return {
    'app:info': () => deps.info(),
    'settings:get': () => deps.settings.get(),
    'settings:update': (patch) => {
      const before = deps.settings.get();
      const next = deps.settings.update(patch);
      deps.onSettingsChanged(next);
      if (before.simulator !== next.simulator) deps.onConnectionChanged();
      return next;
    },
    'key:status': () => deps.keys.status(),
    'key:set': ({ key }) => {
      const status = deps.keys.set(key);
      deps.onConnectionChanged();
      return status;
    },
    'key:clear': () => {
      const status = deps.keys.clear();
      deps.onConnectionChanged();
      return status;
    },
    'key:test': () => deps.testKey(),
  };
}
