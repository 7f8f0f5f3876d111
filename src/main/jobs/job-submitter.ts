import type { JobState, PauseReason } from '../../shared/api/jobs.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { SegmindError, type SegmindClient, type SubmitResult } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import type { DurationEstimator } from './duration-estimator.ts';
import { diagnose, tellGate } from './error-pauses.ts';
import type { InFlight } from './in-flight.ts';
import { describeError, jobError, jobErrorFrom, submitMayHaveReached } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { JobRow } from './job-store.ts';
import type { RequestBudget } from './request-budget.ts';
import type { SharedTimer } from './shared-timer.ts';
import type { Finish, StepDeps } from './step-deps.ts';
import { pauseRules } from './pause-rules.ts';
import { storageMessage, storageProblemOf } from './storage-errors.ts';

/** Jobs that hold one of the in-flight slots. */
export const inFlightStates = ['submitting', 'submitted', 'downloading'] as const satisfies JobState[];

/** Submits answered 5xx (so not taken) resent before the job fails. */
const MAX_SUBMIT_RETRIES = 4;

/** A job about to be sent, as the check before each submit sees it. */
export interface PendingSubmit {
  id: string;
  model: ModelId;
  params: Record<string, unknown>;
  batchId: string;
}

/**
 * Asked right before each submit: may this job be sent now? Null lets it go; a hold pauses the queue
 * with its reason (and leaves the job queued) until whoever owns that reason calls gate.clear. A hold
 * whose reason is held per job (pause-rules.ts) is cleared here, by the first pump that holds nothing,
 * and asked again at `recheckAt`.
 */
export type SubmitCheck = (job: PendingSubmit) => SubmitHold | null;

export interface SubmitHold {
  reason: PauseReason;
  message: string;
  /** Shown: when the hold ends by itself (a budget's next day). */
  resumeAt?: number;
  /** When to ask again although nothing else happened. */
  recheckAt?: number;
}

export interface SubmitterDeps extends StepDeps {
  timer: SharedTimer;
  estimator: DurationEstimator;
  budget: RequestBudget;
  inFlight: InFlight;
  /** The client, or null (then the queue is paused for no key). */
  client: () => SegmindClient | null;
  maxInFlight: () => number;
  maySubmit: SubmitCheck | undefined;
  /** Segmind took the job: it is polled from now on. */
  accepted(id: string, submittedAt: number): void;
  /** Runs the job's next remote step now (it does nothing unless the job is submitted or downloading). */
  repoll(id: string): void;
  finish: Finish;
}

/**
 * Sends queued jobs, oldest first, while fewer than maxInFlight are out. `submitting` is written
 * before the request leaves; only an answer that proves Segmind did not take it puts the job back.
 */
export function createSubmitter(deps: SubmitterDeps) {
  const { store, now, random, timer, gate, events, book } = deps;
  /**
   * What Segmind answered but the database could not take yet (a full disk). Kept here and written
   * when the disk is back: a request id lost here is a paid result lost.
   */
  const unrecorded = new Map<string, () => void>();
  let lastHeldPerJob: PauseReason | null = null;

  function storageTrouble(error: unknown): boolean {
    const problem = storageProblemOf(error);
    if (!problem) return false;
    gate.storageFailed(storageMessage(problem, deps.dataDir));
    return true;
  }

  /** Runs the writes that follow an answer; on a full disk they wait in memory for the next try. */
  function settle(id: string, write: () => void): void {
    try {
      write();
      unrecorded.delete(id);
    } catch (error) {
      if (!storageTrouble(error)) throw error;
      unrecorded.set(id, write);
      deps.logger.warn(`[jobs] job ${id}: the submit's answer waits to be written:`, describeError(error));
    }
  }

  /** `granted`: the request budget handed this call a token for one submit. */
  function pump(granted = false): void {
    let token = granted;
    try {
      token = sendQueued(token);
    } finally {
      if (token) deps.budget.refund('submit');
    }
  }

  /** Sends what may go now; true if a granted token is still unused. */
  function sendQueued(granted: boolean): boolean {
    let token = granted;
    if (deps.isStopped() || !gate.maySubmit()) return token;
    const client = deps.client();
    if (!client) return token;
    let free = deps.maxInFlight() - store.countInStates(inFlightStates);
    if (free <= 0) return token;
    const t = now();
    let wakeAt = Number.POSITIVE_INFINITY;
    let heldPerJob: PauseReason | null = null;
    for (const row of store.nextQueued(free + book.heldCount())) {
      if (free <= 0) break;
      const wait = book.heldUntil(row.id);
      if (wait > t) {
        wakeAt = Math.min(wakeAt, wait);
        continue;
      }
      // The one place that asks whether this job may be sent now.
      const hold = deps.maySubmit?.(pendingOf(row));
      if (hold) {
        gate.pause(hold.reason, hold.message, hold.resumeAt ?? null);
        if (pauseRules[hold.reason].heldPerJob) heldPerJob = hold.reason;
        if (hold.recheckAt !== undefined) wakeAt = Math.min(wakeAt, hold.recheckAt);
        break;
      }
      // The account's rate limit: no token now, so the next submit waits its turn (and then looks
      // again at what is queued: by then the oldest may be canceled, or held).
      if (!token && !deps.budget.take('submit')) {
        deps.budget.ask(
          'submit',
          'submit',
          () => 0,
          () => pump(true),
        );
        break;
      }
      token = false;
      free--;
      if (!send(row, client)) break;
    }
    // A hold that was for one job at a time ends once a pump holds nothing back.
    if (lastHeldPerJob && lastHeldPerJob !== heldPerJob) gate.clear(lastHeldPerJob);
    lastHeldPerJob = heldPerJob;
    if (wakeAt < Number.POSITIVE_INFINITY) timer.at('pump', wakeAt, () => pump());
    return token;
  }

  /** False when the disk refused the first write: nothing can be sent until it is back. */
  function send(row: JobRow, client: SegmindClient): boolean {
    try {
      const moved = store.transition(
        row.id,
        ['queued'],
        { state: 'submitting', attempts: row.attempts + 1 },
        now(),
      );
      if (!moved) return true;
    } catch (error) {
      if (storageTrouble(error)) return false;
      throw error;
    }
    book.release(row.id);
    events.changed(row.id);
    deps.inFlight.run(row.id, 'submit', async (signal) => {
      let answer: SubmitResult;
      try {
        answer = await client.submit(row.model, JSON.parse(row.params), { signal });
      } catch (error) {
        settle(row.id, () => refused(row, error));
        pump();
        return;
      }
      gate.succeeded(answer.usage.remainingCredits);
      settle(row.id, () => record(row, answer));
      pump();
    });
    return true;
  }

  function record(row: JobRow, answer: SubmitResult): void {
    const at = now();
    store.logAttempt(row.id, 'submit', 'accepted', at);
    const estimate = deps.estimator.beliefs(row.estimate_key, seedMsFor(row));
    const recorded = {
      request_id: answer.requestId,
      status_url: answer.statusUrl,
      response_url: answer.responseUrl,
      submitted_at: at,
      credits_spent: answer.usage.creditsConsumed ?? null,
    };
    const submitted = {
      ...recorded,
      state: 'submitted' as const,
      remote_status: 'QUEUED' as const,
      expected_ms: Math.round(estimate.meanMs),
    };
    book.succeeded(row.id);
    if (store.transition(row.id, ['submitting'], submitted, at)) {
      events.changed(row.id);
      deps.accepted(row.id, at);
    } else {
      // Canceled while the request was out: keep what Segmind answered, for the record.
      store.transition(row.id, ['canceled'], recorded, at);
    }
  }

  function refused(row: JobRow, error: unknown): void {
    const t = now();
    const segmind = error instanceof SegmindError ? error : null;
    const detail = describeError(error);
    store.logAttempt(row.id, 'submit', segmind?.kind ?? 'error', t, segmind?.httpStatus, detail);
    const diagnosis = diagnose(error, 'submit');
    tellGate(gate, error, diagnosis, deps.dataDir);
    if (submitMayHaveReached(error)) {
      // Never resent on our own: a second send may be a second charge.
      const lost = `The answer to the submit was lost (${detail}); Segmind may have received it.`;
      deps.finish(row.id, ['submitting'], 'interrupted', jobError('interrupted', lost));
      return;
    }
    const requeue = (waitMs: number) => {
      if (waitMs > 0) book.holdUntil(row.id, t + waitMs);
      if (store.transition(row.id, ['submitting'], { state: 'queued' }, t)) events.changed(row.id);
    };
    const { submit, kind } = diagnosis.remedy;
    if (submit === 'wait') {
      // A connection that never opened: try this one again a little later, the gate counts toward offline.
      return requeue(segmind?.kind === 'network' ? jitteredBackoff(1, random) : 0);
    }
    if (submit === 'budget') {
      const tries = book.failed(row.id, detail);
      if (tries <= MAX_SUBMIT_RETRIES) return requeue(jitteredBackoff(tries, random));
    }
    deps.finish(row.id, ['submitting'], 'failed', jobErrorFrom(error, kind));
  }

  return {
    pump: () => pump(),
    /** Writes what waited for the disk, oldest first; stops at the first that still cannot be written. */
    flushUnrecorded() {
      for (const [id, write] of unrecorded) {
        settle(id, write);
        if (unrecorded.has(id)) return;
      }
    },
    /**
     * A submit step that threw for no known reason. Still sending: its answer is lost, so it may have
     * been charged. Already recorded: the throw came after, so make sure it is polled.
     */
    lost(id: string, error: unknown) {
      const lost = `The app lost track of this submit (${describeError(error)}); Segmind may have received it.`;
      if (!deps.finish(id, ['submitting'], 'interrupted', jobError('interrupted', lost))) deps.repoll(id);
    },
    forget: (id: string) => void unrecorded.delete(id),
  };
}

function pendingOf(row: JobRow): PendingSubmit {
  return {
    id: row.id,
    model: row.model,
    params: JSON.parse(row.params) as Record<string, unknown>,
    batchId: row.batch_id,
  };
}
