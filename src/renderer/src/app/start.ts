import { restoreLastParams } from '../features/compose/compose-store.ts';
import { scheduleReload, subscribeLibrary, useLibrary } from '../features/library/library-store.ts';
import { subscribeQueue, useQueue } from '../features/queue/queue-store.ts';
import { subscribeSettings, useSettings } from '../features/settings/settings-store.ts';

/** Subscribes to every event once, then loads each feature's first state. */
export function startStudio(): void {
  subscribeSettings();
  subscribeQueue(() => scheduleReload());
  subscribeLibrary();
  void useSettings
    .getState()
    .load()
    .then(() => {
      const settings = useSettings.getState().settings;
      if (settings) restoreLastParams(settings.lastParams);
    });
  void useQueue.getState().load();
  void useLibrary.getState().reload();
  // Events sent while the page was hidden or the host restarted are not replayed: catch up on focus.
  window.addEventListener('focus', () => {
    void useQueue.getState().load();
    scheduleReload();
  });
}
