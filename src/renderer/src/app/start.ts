import { restoreLastParams } from '../features/compose/compose-store.ts';
import { scheduleAdded, subscribeLibrary } from '../features/library/library-changes.ts';
import { useLibrary } from '../features/library/library-store.ts';
import { subscribeQueue, useQueue } from '../features/queue/queue-store.ts';
import { subscribeSettings, useSettings } from '../features/settings/settings-store.ts';
import { subscribeSpend, useSpend } from '../features/spend/spend-store.ts';
import { subscribeTextStatus } from '../features/text-check/text-status-sync.ts';

/** Subscribes to every event once, then loads each feature's first state. */
export function startStudio(): void {
  subscribeSettings();
  subscribeQueue(() => scheduleAdded());
  subscribeLibrary();
  subscribeSpend();
  void useSpend.getState().load();
  subscribeTextStatus();
  void useSettings
    .getState()
    .load()
    .then(() => {
      const settings = useSettings.getState().settings;
      if (settings) restoreLastParams(settings.lastParams);
    });
  void useQueue.getState().load();
  void useLibrary.getState().reload();
  // Events sent while the host restarted are not replayed: catch up on focus, without losing the
  // user's place in the grid (only new images at the top are taken in).
  window.addEventListener('focus', () => {
    void useQueue.getState().load();
    scheduleAdded();
  });
}
