import type Database from 'better-sqlite3';
import type { JobError, JobState, PauseReason } from '../../shared/api/jobs.ts';
import { libraryLimits } from '../../shared/api/library.ts';
import type { Recipe } from '../library/image-rows.ts';
import type { PreparedImage } from '../library/prepare-image.ts';
import { SegmindError, type ResultBody, type SegmindClient } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import type { DurationEstimator } from './duration-estimator.ts';
import type { JobEvents } from './job-events.ts';
import { isNetworkTrouble, jobError, jobErrorFrom, submitMayHaveReached } from './job-errors.ts';
import { seedMsFor } from './job-keys.ts';
import type { JobRow, JobStore } from './job-store.ts';
import type { PollPolicy } from './poll-policy.ts';
import type { QueueGate } from './queue-gate.ts';
import type { SharedTimer } from './shared-timer.ts';

/** What the queue needs from the library: the two halves of storing a generated image. */
export interface JobLibrary {
  prepareImage(bytes: Uint8Array): Promise<PreparedImage>;
  insertGenerated(prepared: PreparedImage, recipe: Recipe): { id: string };
}

export interface RunnerContext {
  db: Database.Database;
  store: JobStore;
  library: JobLibrary;
  getClient: () => SegmindClient | null;
  now: () => number;
  random: () => number;
  timer: SharedTimer;
  gate: QueueGate;
  events: JobEvents;
  estimator: DurationEstimator;
  pollPolicy: PollPolicy;
  retentionMs: number;
  maxInFlight: () => number;
  /** A job reached an end state (for progress bookkeeping). */
  onFinished: () => void;
}

/** Failures in a row on one job's polls or downloads before it fails for good. */
const MAX_REMOTE_RETRIES = 6;
/** Submits answered 5xx (so not taken) resent before the job fails. */
const MAX_SUBMIT_RETRIES = 4;
/** Work released after a pause starts over this long, not all in the same millisecond. */
const RESUME_SPREAD_MS = 400;

export const inFlightStates = ['submitting', 'submitted', 'downloading'] as const satisfies JobState[];

const pauseMessages: Record<Exclude<PauseReason, 'offline' | 'rate_limited'>, string> = {
  no_key: 'No Segmind API key is set. Jobs wait until you add one.',
  unauthorized: 'Segmind refused the API key. Set a valid key; the queue resumes then.',
  forbidden: 'Segmind refused this account access to a model. Check the account, then resume the queue.',
  out_of_credits: 'The Segmind account is out of credits. Top up, then resume the queue.',
};

/**
 * The moving parts of the queue: submits within the in-flight limit, polls on the shared timer,
 * downloads, and what each kind of failure does. Every step writes the job's new state before the
 * request that state announces, so a crash at any point leaves a row that says what may have happened.
 */
export function createJobRunner(ctx: RunnerContext) {
  const { db, store, now, random, timer, gate, events } = ctx;
  const busy = new Map<string, Promise<void>>();
  const submitting = new Set<string>();
  const controllers = new Map<string, AbortController>();
  const streaks = new Map<string, number>();
  const submitRetries = new Map<string, number>();
  const lastPending = new Map<string, number>();
  const notBefore = new Map<string, number>();
  const parked = new Set<string>();
  let stopped = true;

  function track(id: string, work: Promise<void>): void {
    busy.set(
      id,
      work
        .catch((error: unknown) => console.error(`[jobs] job ${id} step failed:`, error))
        .finally(() => {
          busy.delete(id);
          controllers.delete(id);
        }),
    );
  }

  function signalFor(id: string): AbortSignal {
    const controller = new AbortController();
    controllers.set(id, controller);
    return controller.signal;
  }

  function forget(id: string): void {
    timer.cancel(`job:${id}`);
    for (const map of [streaks, submitRetries, lastPending, notBefore]) map.delete(id);
    parked.delete(id);
  }

  function clientOrPause(): SegmindClient | null {
    const client = ctx.getClient();
    if (!client) gate.pause('no_key', pauseMessages.no_key);
    return client;
  }

  function pause(reason: Exclude<PauseReason, 'offline' | 'rate_limited' | 'no_key'>, detail?: string): void {
    let message = pauseMessages[reason];
    if (reason === 'out_of_credits' && gate.remainingCredits() !== null) {
      message = `The Segmind account is out of credits (balance ${gate.remainingCredits()}). Top up, then resume the queue.`;
    }
    gate.pause(reason, detail ? `${message} Segmind said: ${detail}` : message);
  }

  function schedule(id: string, at: number): void {
    timer.at(`job:${id}`, at, () => step(id));
  }

  /** Waits for the gate; if it is already open again, tries later instead. */
  function park(id: string, attempt = 1): void {
    if (gate.isOpen()) schedule(id, now() + jitteredBackoff(attempt, random));
    else parked.add(id);
  }

  function finish(id: string, from: readonly JobState[], state: JobState, error: JobError | null): boolean {
    const t = now();
    const moved = store.transition(
      id,
      from,
      {
        state,
        finished_at: t,
        remote_status: null,
        error_kind: error?.kind ?? null,
        error_message: error?.message ?? null,
        error_action: error?.action ?? null,
      },
      t,
    );
    if (moved) finished(id);
    return moved;
  }

  function finished(id: string): void {
    forget(id);
    ctx.onFinished();
    events.changed(id, true);
    const row = store.get(id);
    if (row) events.finished(row.batch_id);
    pump();
  }

  function pump(): void {
    if (stopped || !gate.isOpen()) return;
    const client = clientOrPause();
    if (!client) return;
    let free = ctx.maxInFlight() - store.countInStates(inFlightStates);
    if (free <= 0) return;
    const t = now();
    let wakeAt = Number.POSITIVE_INFINITY;
    for (const row of store.inStates(['queued'])) {
      if (free <= 0) break;
      const wait = notBefore.get(row.id) ?? 0;
      if (wait > t) {
        wakeAt = Math.min(wakeAt, wait);
        continue;
      }
      free--;
      submit(row, client);
    }
    if (wakeAt < Number.POSITIVE_INFINITY) timer.at('pump', wakeAt, pump);
  }

  function submit(row: JobRow, client: SegmindClient): void {
    const t = now();
    if (!store.transition(row.id, ['queued'], { state: 'submitting', attempts: row.attempts + 1 }, t)) return;
    notBefore.delete(row.id);
    events.changed(row.id);
    submitting.add(row.id);
    const signal = signalFor(row.id);
    track(
      row.id,
      client
        .submit(row.model, JSON.parse(row.params), { signal })
        .then(
          (answer) => {
            const at = now();
            store.logAttempt(row.id, 'submit', 'accepted', at);
            gate.succeeded(answer.usage.remainingCredits);
            const estimate = ctx.estimator.estimate(row.estimate_key, seedMsFor(row));
            const recorded = {
              request_id: answer.requestId,
              status_url: answer.statusUrl,
              response_url: answer.responseUrl,
              submitted_at: at,
              credits_spent: answer.usage.creditsConsumed ?? null,
            };
            const patch = {
              ...recorded,
              state: 'submitted' as const,
              remote_status: 'QUEUED' as const,
              expected_ms: Math.round(estimate.meanMs),
            };
            if (store.transition(row.id, ['submitting'], patch, at)) {
              events.changed(row.id);
              schedulePoll(row.id, at, estimate.meanMs, estimate.deviationMs);
            } else {
              // Canceled while the request was out: keep what Segmind answered, for the record.
              store.transition(row.id, ['canceled'], recorded, at);
            }
          },
          (error: unknown) => submitFailed(row, error),
        )
        .finally(() => {
          submitting.delete(row.id);
          pump();
        }),
    );
  }

  function submitFailed(row: JobRow, error: unknown): void {
    const t = now();
    const segmind = error instanceof SegmindError ? error : null;
    store.logAttempt(
      row.id,
      'submit',
      segmind?.kind ?? 'error',
      t,
      segmind?.httpStatus,
      String(error instanceof Error ? error.message : error),
    );
    if (isNetworkTrouble(error)) gate.networkFailed();
    if (submitMayHaveReached(error)) {
      // Never resent on our own: a second send may be a second charge.
      const detail = error instanceof Error ? error.message : String(error);
      finish(
        row.id,
        ['submitting'],
        'interrupted',
        jobError(
          'interrupted',
          `The answer to the submit was lost (${detail}); Segmind may have received it.`,
        ),
      );
      return;
    }
    const requeue = (waitMs = 0) => {
      if (waitMs > 0) notBefore.set(row.id, t + waitMs);
      if (store.transition(row.id, ['submitting'], { state: 'queued' }, t)) events.changed(row.id);
    };
    switch (segmind?.kind) {
      case 'rate_limited':
        gate.rateLimited(segmind.retryAfterMs);
        return requeue();
      case 'unauthorized':
        pause('unauthorized');
        return requeue();
      case 'forbidden':
        pause('forbidden', segmind.serverMessage);
        return requeue();
      case 'insufficient_credits':
        pause('out_of_credits');
        return requeue();
      case 'network':
        return requeue(jitteredBackoff(1, random));
      case 'server': {
        const tries = (submitRetries.get(row.id) ?? 0) + 1;
        submitRetries.set(row.id, tries);
        if (tries <= MAX_SUBMIT_RETRIES) return requeue(jitteredBackoff(tries, random));
        break;
      }
    }
    finish(row.id, ['submitting'], 'failed', jobErrorFrom(error, 'bad_request'));
  }

  function schedulePoll(id: string, submittedAt: number, expectedMs: number, deviationMs: number): void {
    const t = now();
    const delay = ctx.pollPolicy.nextDelayMs({
      sinceSubmitMs: t - submittedAt,
      expectedMs,
      deviationMs,
      random,
    });
    schedule(id, t + delay);
  }

  /** Runs the next remote step of a submitted or downloading job. `probe`: allowed through while offline. */
  function step(id: string, probe = false): void {
    if (stopped || busy.has(id)) return;
    const row = store.get(id);
    if (!row || (row.state !== 'submitted' && row.state !== 'downloading')) return;
    if (!gate.isOpen() && !(probe && gate.onlyOffline())) {
      parked.add(id);
      return;
    }
    const client = clientOrPause();
    if (!client) {
      parked.add(id);
      return;
    }
    parked.delete(id);
    if (now() - (row.submitted_at ?? row.created_at) > ctx.retentionMs) {
      expire(row);
      return;
    }
    track(id, row.state === 'submitted' ? poll(row, client) : fetchResult(row, client));
  }

  function expire(row: JobRow): void {
    finish(
      row.id,
      [row.state],
      'expired',
      jobError(
        'expired',
        'Segmind keeps results for one hour; this result was not fetched in time and is gone.',
      ),
    );
  }

  async function poll(row: JobRow, client: SegmindClient): Promise<void> {
    let answer;
    try {
      answer = await client.status(row.status_url ?? '', { signal: signalFor(row.id) });
    } catch (error) {
      return remoteFailed(row, 'status', error);
    }
    gate.succeeded();
    streaks.delete(row.id);
    const t = now();
    if (answer.status === 'FAILED') {
      store.logAttempt(row.id, 'status', 'FAILED', t, undefined, answer.error);
      finish(
        row.id,
        ['submitted'],
        'failed',
        jobError('failed', answer.error ?? 'Segmind reported that the generation failed.'),
      );
      return;
    }
    const submittedAt = row.submitted_at ?? row.created_at;
    if (answer.status === 'COMPLETED') {
      const pendingAt = lastPending.get(row.id) ?? submittedAt;
      const observed = (pendingAt + t) / 2 - submittedAt;
      const moved = db.transaction(() => {
        // A bracket wider than a third of the duration (a long pause, a restart) would teach noise.
        if (t - pendingAt <= observed * 0.6)
          ctx.estimator.observe(row.estimate_key, seedMsFor(row), observed);
        return store.transition(row.id, ['submitted'], { state: 'downloading', remote_status: null }, t);
      })();
      if (!moved) return;
      events.changed(row.id);
      const downloading = store.get(row.id);
      if (downloading) await fetchResult(downloading, client);
      return;
    }
    lastPending.set(row.id, t);
    if (
      answer.status !== row.remote_status &&
      store.transition(row.id, ['submitted'], { remote_status: answer.status }, t)
    ) {
      events.changed(row.id);
    }
    const estimate = ctx.estimator.estimate(row.estimate_key, seedMsFor(row));
    schedulePoll(row.id, submittedAt, estimate.meanMs, estimate.deviationMs);
  }

  async function fetchResult(row: JobRow, client: SegmindClient): Promise<void> {
    const signal = signalFor(row.id);
    let result: ResultBody;
    const prepared: PreparedImage[] = [];
    try {
      result = await client.result(row.response_url ?? '', { signal });
      for (const source of result.outputs) {
        const { bytes } = await client.download(source, { signal, maxBytes: libraryLimits.maxImageBytes });
        prepared.push(await ctx.library.prepareImage(bytes));
      }
    } catch (error) {
      return remoteFailed(row, 'download', error);
    }
    gate.succeeded(result.usage.remainingCredits);
    const t = now();
    const params = JSON.parse(row.params) as Record<string, unknown>;
    let completed = false;
    try {
      completed = db.transaction(() => {
        if (store.get(row.id)?.state !== 'downloading') return false;
        const imageIds = prepared.map(
          (image, outputIndex) =>
            ctx.library.insertGenerated(image, recipeFor(row, params, result, outputIndex, t)).id,
        );
        store.logAttempt(row.id, 'store', 'ok', t);
        return store.transition(
          row.id,
          ['downloading'],
          {
            state: 'completed',
            finished_at: t,
            image_ids: JSON.stringify(imageIds),
            credits_spent: result.usage.creditsConsumed ?? row.credits_spent,
          },
          t,
        );
      })();
    } catch (error) {
      return remoteFailed(row, 'store', error);
    }
    if (completed) finished(row.id);
  }

  function remoteFailed(row: JobRow, stage: 'status' | 'download' | 'store', error: unknown): void {
    // stop() aborts requests; the row stays as it is and the next start picks it up.
    if (stopped) return;
    const segmind = error instanceof SegmindError ? error : null;
    if (segmind?.kind === 'aborted') return;
    const t = now();
    const message = error instanceof Error ? error.message : String(error);
    store.logAttempt(
      row.id,
      stage === 'status' ? 'status' : stage === 'store' ? 'store' : 'download',
      segmind?.kind ?? 'error',
      t,
      segmind?.httpStatus,
      message,
    );
    const fail = (fallback: JobError['kind']) =>
      finish(row.id, [row.state], 'failed', jobErrorFrom(error, fallback));
    switch (segmind?.kind) {
      case 'rate_limited':
        gate.rateLimited(segmind.retryAfterMs);
        return park(row.id);
      case 'unauthorized':
        pause('unauthorized');
        return park(row.id);
      case 'forbidden':
        pause('forbidden', segmind.serverMessage);
        return park(row.id);
      case 'insufficient_credits':
        pause('out_of_credits');
        return park(row.id);
      case 'failed':
      case 'bad_request':
        return void fail('failed');
      case 'not_found':
        if (t - (row.submitted_at ?? row.created_at) > ctx.retentionMs) return expire(row);
        break;
      case 'network':
      case 'timeout':
        gate.networkFailed();
        // Offline is the queue's problem, not this job's: it waits without using up its retries.
        if (!gate.isOpen()) return park(row.id);
        break;
    }
    const tries = (streaks.get(row.id) ?? 0) + 1;
    streaks.set(row.id, tries);
    if (tries > MAX_REMOTE_RETRIES) {
      fail(segmind ? 'server' : stage === 'store' ? 'storage' : 'invalid_output');
      return;
    }
    schedule(row.id, t + jitteredBackoff(tries, random));
  }

  return {
    start() {
      stopped = false;
    },
    pump,
    step,
    schedule,
    forget,
    /** Releases work that waited for the gate, spread out so it does not arrive as one burst. */
    release() {
      const t = now();
      for (const id of parked) schedule(id, t + random() * RESUME_SPREAD_MS);
      parked.clear();
      pump();
    },
    /** Offline: send one request to learn whether the connection is back. */
    probe() {
      const candidate = [...parked].find((id) => {
        const state = store.get(id)?.state;
        return state === 'submitted' || state === 'downloading';
      });
      if (candidate) step(candidate, true);
      else gate.clear('offline');
    },
    abort(id: string) {
      controllers.get(id)?.abort();
    },
    isSubmitting: (id: string) => submitting.has(id),
    async stop(graceMs: number, wait: (ms: number) => Promise<void>) {
      stopped = true;
      // A submit cut off mid-flight becomes "interrupted"; give it a moment to land cleanly instead.
      const inSubmit = [...submitting].map((id) => busy.get(id)).filter((p) => p !== undefined);
      if (inSubmit.length > 0) await Promise.race([Promise.allSettled(inSubmit), wait(graceMs)]);
      for (const controller of controllers.values()) controller.abort();
      await Promise.allSettled(busy.values());
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;

function recipeFor(
  row: JobRow,
  params: Record<string, unknown>,
  result: ResultBody,
  outputIndex: number,
  createdAt: number,
): Recipe {
  const negative = params.negative_prompt;
  const seed = result.seed ?? (typeof params.seed === 'number' ? params.seed : null);
  return {
    model: row.model,
    prompt: row.prompt,
    expandedPrompt: result.expandedPrompt ?? null,
    negativePrompt: typeof negative === 'string' ? negative : null,
    params,
    seed,
    jobId: row.id,
    outputIndex,
    createdAt,
  };
}
