import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { deleteTrashed, type TrashEmptied } from './library-actions.ts';

/**
 * Deleting an image at a million is ~0.3 ms (its words leave the FTS index, counters and indexes
 * follow): emptying a trash of 10,000 in one transaction held the loop for 3 s, and the retention
 * purge did that at every start. Slices are sized from the last one's time to stay near this.
 */
const sliceMs = 8;
/** How often the page hears about the rows gone: each change event makes it patch or reload. */
const reportEveryMs = 250;

export interface TrashSlices {
  db: Database.Database;
  /** Deletes the files of a slice's orphaned blobs; returns how many were on disk. */
  removeFiles(emptied: TrashEmptied): Promise<number>;
  /** Told the ids deleted so far, at most every reportEveryMs and once at the end. */
  report(ids: string[]): void;
  /** True once the library is closing: the rest stays in the trash for next time. */
  stopped(): boolean;
}

/** deleteTrashed a slice at a time, yielding to the loop between slices. */
export async function deleteTrashedInSlices(
  deps: TrashSlices,
  which: { ids?: string[]; trashedBefore?: number },
): Promise<{ removed: number; filesRemoved: number }> {
  let rows = 16;
  let next = 0;
  let removed = 0;
  let filesRemoved = 0;
  let unreported: string[] = [];
  let reportedAt = performance.now();
  for (;;) {
    const started = performance.now();
    let slice: TrashEmptied;
    try {
      slice =
        which.ids === undefined
          ? deleteTrashed(deps.db, { trashedBefore: which.trashedBefore, limit: rows })
          : deleteTrashed(deps.db, { ids: which.ids.slice(next, next + rows) });
    } catch (error) {
      // A full disk stops the rest; the slices already deleted are gone, and the page hears of them.
      if (unreported.length > 0) deps.report(unreported);
      throw error;
    }
    const elapsed = performance.now() - started;
    next += rows;
    const done = which.ids === undefined ? slice.ids.length < rows : next >= which.ids.length;
    removed += slice.ids.length;
    unreported.push(...slice.ids);
    filesRemoved += await deps.removeFiles(slice);
    const stop = done || deps.stopped();
    if (unreported.length > 0 && (stop || performance.now() - reportedAt >= reportEveryMs)) {
      deps.report(unreported);
      unreported = [];
      reportedAt = performance.now();
    }
    if (stop) return { removed, filesRemoved };
    rows = Math.max(1, Math.min(1_000, Math.round((rows * sliceMs) / Math.max(elapsed, 0.1))));
    await new Promise((resolve) => setImmediate(resolve));
  }
}
