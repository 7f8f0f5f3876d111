import type Database from 'better-sqlite3';
import type { JobState } from '../../shared/api/jobs.ts';
import { jobError } from './job-errors.ts';
import { endPatch, type JobStore } from './job-store.ts';

/** Resumed requests start over this long, not all in the same millisecond. */
const RECOVERY_SPREAD_MS = 1000;

export interface RecoveryDeps {
  db: Database.Database;
  store: JobStore;
  now: () => number;
  random: () => number;
  retentionMs: number;
  schedule(id: string, at: number): void;
}

/**
 * After a crash or a quit: a job caught while sending may or may not have reached Segmind, so it
 * becomes `interrupted` (never resent on our own); a job with a request id is polled again unless
 * Segmind has already dropped its result.
 *
 * The rows are read once, at start: a later try (the first failed on a full disk) must never take
 * this run's own submits for leftovers. Resuming needs no write, so paid requests are polled again
 * even while the disk refuses the bookkeeping; `finishLeftovers` throws the disk's error and can be
 * called again until it succeeds.
 */
export function createRecovery(deps: RecoveryDeps) {
  const { db, store, now, retentionMs } = deps;
  const leftovers: { id: string; from: JobState; to: 'interrupted' | 'expired' }[] = [];
  let done = false;

  const lost = jobError(
    'interrupted',
    'The app stopped while this job was being sent; Segmind may have received it.',
  );
  const gone = jobError(
    'expired',
    'The app was closed for longer than Segmind keeps results (one hour); this result is gone.',
  );

  function finishLeftovers(): void {
    if (done) return;
    const t = now();
    db.transaction(() => {
      for (const { id, from, to } of leftovers)
        store.transition(id, [from], endPatch(to, to === 'interrupted' ? lost : gone, t), t);
    })();
    done = true;
  }

  return {
    /** Reads what the last run left and schedules what can still be fetched; finishLeftovers ends the rest. */
    start(): void {
      const t = now();
      for (const row of store.inStates(['submitting', 'submitted', 'downloading'])) {
        if (row.state === 'submitting') leftovers.push({ id: row.id, from: row.state, to: 'interrupted' });
        else if (t - (row.submitted_at ?? row.created_at) > retentionMs)
          leftovers.push({ id: row.id, from: row.state, to: 'expired' });
        else deps.schedule(row.id, t + deps.random() * RECOVERY_SPREAD_MS);
      }
    },
    finishLeftovers,
    isDone: () => done,
  };
}
