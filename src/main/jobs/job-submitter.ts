import type { JobState } from '../../shared/api/jobs.ts';
import { SegmindError, type SegmindClient } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import type { DurationEstimate } from './duration-estimator.ts';
import { isNetworkTrouble, jobError, jobErrorFrom, submitMayHaveReached } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { RunnerShared } from './job-runner.ts';
import type { JobRow } from './job-store.ts';

/** Jobs that hold one of the in-flight slots. */
export const inFlightStates = ['submitting', 'submitted', 'downloading'] as const satisfies JobState[];

/** Submits answered 5xx (so not taken) resent before the job fails. */
const MAX_SUBMIT_RETRIES = 4;

/**
 * Sends queued jobs, oldest first, while fewer than maxInFlight are out. `submitting` is written
 * before the request leaves; only an answer that proves Segmind did not take it puts the job back.
 */
export function createSubmitter(
  shared: RunnerShared,
  schedulePoll: (id: string, submittedAt: number, estimate: DurationEstimate) => void,
) {
  const { store, now, random, timer, gate, events } = shared;
  const serverRefusals = new Map<string, number>();

  function pump(): void {
    if (shared.isStopped() || !gate.isOpen()) return;
    const client = shared.clientOrPause();
    if (!client) return;
    let free = shared.maxInFlight() - store.countInStates(inFlightStates);
    if (free <= 0) return;
    const t = now();
    let wakeAt = Number.POSITIVE_INFINITY;
    let heldBack = false;
    for (const row of store.inStates(['queued'])) {
      if (free <= 0) break;
      const wait = shared.notBefore.get(row.id) ?? 0;
      if (wait > t) {
        wakeAt = Math.min(wakeAt, wait);
        continue;
      }
      // Money (budget-guard.ts): a job whose estimate would cross a cap waits, queued, in order.
      const verdict = shared.budget.admit(row);
      if (!verdict.ok) {
        gate.pause('budget', verdict.message, verdict.resetsAt);
        wakeAt = Math.min(wakeAt, verdict.recheckAt);
        heldBack = true;
        break;
      }
      free--;
      submit(row, client);
    }
    if (!heldBack) gate.clear('budget');
    if (wakeAt < Number.POSITIVE_INFINITY) timer.at('pump', wakeAt, pump);
  }

  function submit(row: JobRow, client: SegmindClient): void {
    const t = now();
    if (!store.transition(row.id, ['queued'], { state: 'submitting', attempts: row.attempts + 1 }, t)) return;
    shared.notBefore.delete(row.id);
    events.changed(row.id);
    shared.submitting.add(row.id);
    const signal = shared.signalFor(row.id);
    shared.track(
      row.id,
      client
        .submit(row.model, JSON.parse(row.params), { signal })
        .then(
          (answer) => {
            const at = now();
            store.logAttempt(row.id, 'submit', 'accepted', at);
            gate.succeeded(answer.usage.remainingCredits);
            const estimate = shared.estimator.estimate(row.estimate_key, seedMsFor(row));
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
            if (store.transition(row.id, ['submitting'], submitted, at)) {
              events.changed(row.id);
              schedulePoll(row.id, at, estimate);
            } else {
              // Canceled while the request was out: keep what Segmind answered, for the record.
              store.transition(row.id, ['canceled'], recorded, at);
            }
          },
          (error: unknown) => submitFailed(row, error),
        )
        .finally(() => {
          shared.submitting.delete(row.id);
          pump();
        }),
    );
  }

  function submitFailed(row: JobRow, error: unknown): void {
    const t = now();
    const segmind = error instanceof SegmindError ? error : null;
    const detail = error instanceof Error ? error.message : String(error);
    store.logAttempt(row.id, 'submit', segmind?.kind ?? 'error', t, segmind?.httpStatus, detail);
    if (isNetworkTrouble(error)) gate.networkFailed();
    if (submitMayHaveReached(error)) {
      // Never resent on our own: a second send may be a second charge.
      const lost = `The answer to the submit was lost (${detail}); Segmind may have received it.`;
      shared.finish(row.id, ['submitting'], 'interrupted', jobError('interrupted', lost));
      return;
    }
    const requeue = (waitMs = 0) => {
      if (waitMs > 0) shared.notBefore.set(row.id, t + waitMs);
      if (store.transition(row.id, ['submitting'], { state: 'queued' }, t)) events.changed(row.id);
    };
    switch (segmind?.kind) {
      case 'rate_limited':
        gate.rateLimited(segmind.retryAfterMs);
        return requeue();
      case 'unauthorized':
        shared.pause('unauthorized');
        return requeue();
      case 'forbidden':
        shared.pause('forbidden', segmind.serverMessage);
        return requeue();
      case 'insufficient_credits':
        shared.pause('out_of_credits');
        return requeue();
      case 'network':
        return requeue(jitteredBackoff(1, random));
      case 'server': {
        const tries = (serverRefusals.get(row.id) ?? 0) + 1;
        serverRefusals.set(row.id, tries);
        if (tries <= MAX_SUBMIT_RETRIES) return requeue(jitteredBackoff(tries, random));
        break;
      }
    }
    shared.finish(row.id, ['submitting'], 'failed', jobErrorFrom(error, 'bad_request'));
  }

  return {
    pump,
    forget: (id: string) => void serverRefusals.delete(id),
  };
}
