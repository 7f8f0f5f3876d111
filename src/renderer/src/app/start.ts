import { subscribeBatches, useBatches } from '../features/batch/batch-store.ts';
import { watchBatchFileDrops, watchBatchProgressTitle } from '../features/batch/batch-page-hooks.ts';
import { restoreLastParams } from '../features/compose/compose-store.ts';
import { scheduleAdded, subscribeLibrary } from '../features/library/library-changes.ts';
import { useLibrary } from '../features/library/library-store.ts';
import { subscribeQueue, useQueue } from '../features/queue/queue-store.ts';
import { subscribeSettings, useSettings } from '../features/settings/settings-store.ts';
import { subscribeSpend, useSpend } from '../features/spend/spend-store.ts';

/** Subscribes to every event once, then loads each feature's first state. */
export function startStudio(): void {
  subscribeSettings();
  subscribeQueue(() => scheduleAdded());
  subscribeLibrary();
  subscribeSpend();
  subscribeBatches();
  watchBatchFileDrops();
  watchBatchProgressTitle();
  void useSpend.getState().load();
  void useBatches.getState().load();
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
    void useBatches.getState().load();
    scheduleAdded();
  });
}
