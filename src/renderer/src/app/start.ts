import { subscribeBatches, useBatches } from '../features/batch/batch-store.ts';
import { watchBatchFileDrops, watchBatchProgressTitle } from '../features/batch/batch-page-hooks.ts';
import { restoreLastParams } from '../features/compose/compose-store.ts';
import { scheduleAdded, subscribeLibrary } from '../features/library/library-changes.ts';
import { useLibrary } from '../features/library/library-store.ts';
import { subscribeQueue, useQueue } from '../features/queue/queue-store.ts';
import { subscribeSettings, useSettings } from '../features/settings/settings-store.ts';
import { subscribeSpend, useSpend } from '../features/spend/spend-store.ts';
import { subscribeTextStatus } from '../features/text-check/text-status-sync.ts';
import { subscribeUntilRight } from '../features/text-check/until-right-store.ts';

let started = false;

/**
 * The studio is shown: the first time, subscribe and load; after a spell on the recovery screen (a
 * restored backup, a fresh library), load again, since everything may have changed beneath the page.
 */
export function enterStudio(): void {
  if (started) return loadStudio();
  started = true;
  startStudio();
}

/** Subscribes to every event once, then loads each feature's first state. */
function startStudio(): void {
  subscribeSettings();
  subscribeQueue(() => scheduleAdded());
  subscribeLibrary();
  subscribeSpend();
  subscribeBatches();
  subscribeUntilRight();
  watchBatchFileDrops();
  watchBatchProgressTitle();
  loadStudio();
  // Events sent while the host restarted are not replayed: catch up on focus, without losing the
  // user's place in the grid (only new images at the top are taken in).
  window.addEventListener('focus', () => {
    void useQueue.getState().load();
    void useBatches.getState().load();
    scheduleAdded();
  });
}

function loadStudio(): void {
  void useSpend.getState().load();
  void useBatches.getState().load();
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
}
