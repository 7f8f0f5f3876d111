import type { JobError } from '../../shared/api/jobs.ts';
import { SegmindError } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import { diagnose, tellGate, type Stage } from './error-pauses.ts';
import { describeError, jobError, jobErrorFrom } from './job-errors.ts';
import type { JobRow } from './job-store.ts';
import type { Parking } from './parking.ts';
import { RATE_LIMIT_STEP_MAX_MS } from './queue-gate.ts';
import type { Finish, StepDeps } from './step-deps.ts';
import { storageJobNote } from './storage-errors.ts';

/** Failures in a row on an answer the app cannot use before the job fails for good. */
const MAX_REMOTE_RETRIES = 6;
/** The closest the last tries come to each other as the hour runs out. */
const MIN_RETRY_GAP_MS = 1000;

export interface RemoteFailureDeps extends StepDeps {
  parking: Parking;
  /** How long Segmind keeps a result. */
  retentionMs: number;
  schedule(id: string, at: number): void;
  finish: Finish;
}

/**
 * What happens to a submitted job whose poll, result or download failed. Segmind has been paid, so
 * anything transient is retried for as long as it keeps the result (one hour), never past it; only a
 * real answer (FAILED, a refused request, an unusable image) or the hour itself ends the job.
 */
export function createRemoteFailures(deps: RemoteFailureDeps) {
  const { store, now, random, gate, book } = deps;

  const deadlineOf = (row: JobRow) => (row.submitted_at ?? row.created_at) + deps.retentionMs;

  function expire(row: JobRow): void {
    const last = book.lastFailure(row.id);
    const gone =
      'Segmind keeps results for one hour; this result was not fetched in time and is gone.' +
      (last ? ` The last try failed: ${last}` : '');
    deps.finish(row.id, [row.state], 'expired', jobError('expired', gone));
  }

  /** The delay before the next try: backoff, Retry-After up to a step, and never past the hour. */
  function retryDelay(row: JobRow, tries: number, error: unknown, t: number): number {
    let wait = jitteredBackoff(tries, random);
    if (error instanceof SegmindError && error.retryAfterMs !== undefined)
      wait = Math.max(wait, Math.min(error.retryAfterMs, RATE_LIMIT_STEP_MAX_MS));
    return Math.min(wait, Math.max(MIN_RETRY_GAP_MS, (deadlineOf(row) - t) / 2));
  }

  /** Best effort: the waiting job says why (a full disk may refuse this write too). */
  function note(row: JobRow, error: JobError): void {
    try {
      const patch = { error_kind: error.kind, error_message: error.message, error_action: error.action };
      if (store.transition(row.id, [row.state], patch, now())) deps.events.changed(row.id);
    } catch {
      // The pause banner says the same.
    }
  }

  function failed(id: string, stage: Stage, error: unknown): void {
    // stop() aborts requests; the row stays as it is and the next start picks it up.
    if (deps.isStopped()) return;
    const segmind = error instanceof SegmindError ? error : null;
    if (segmind?.kind === 'aborted') return;
    const row = store.get(id);
    if (!row || (row.state !== 'submitted' && row.state !== 'downloading')) return;
    const t = now();
    const diagnosis = diagnose(error, stage);
    const detail = diagnosis.storage ? storageJobNote(diagnosis.storage, deps.dataDir) : describeError(error);
    try {
      store.logAttempt(id, stage, segmind?.kind ?? diagnosis.remedy.kind, t, segmind?.httpStatus, detail);
    } catch {
      // A diagnostic row; the disk that refused it is being handled below.
    }
    tellGate(gate, error, diagnosis, deps.dataDir);
    const { remote, kind } = diagnosis.remedy;
    const fail = () => deps.finish(id, [row.state], 'failed', jobErrorFrom(error, kind));
    if (remote === 'fail') return void fail();
    const tries = book.failed(id, detail);
    if (t > deadlineOf(row)) return expire(row);
    if (remote === 'budget' && tries > MAX_REMOTE_RETRIES) return void fail();
    if (diagnosis.storage) note(row, jobError('storage', detail));
    if (!gate.mayPoll()) return deps.parking.park(id);
    deps.schedule(id, t + retryDelay(row, tries, error, t));
  }

  return {
    failed,
    expire,
    isExpired: (row: JobRow) => now() > deadlineOf(row),
  };
}
