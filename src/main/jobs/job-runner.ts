import type Database from 'better-sqlite3';
import type { JobError, JobState, PauseReason } from '../../shared/api/jobs.ts';
import type { Recipe } from '../library/image-rows.ts';
import type { PreparedImage } from '../library/prepare-image.ts';
import type { SegmindClient } from '../segmind/index.ts';
import { jitteredBackoff } from './backoff.ts';
import type { DurationEstimator } from './duration-estimator.ts';
import type { JobEvents } from './job-events.ts';
import { createPoller } from './job-poller.ts';
import { endPatch, type JobStore } from './job-store.ts';
import { createSubmitter } from './job-submitter.ts';
import type { PollPolicy } from './poll-policy.ts';
import { pauseMessages, type QueueGate } from './queue-gate.ts';
import type { SharedTimer } from './shared-timer.ts';
import type { ThumbnailKind } from '../library/thumbnails.ts';
import type { Logger } from '../logging/logger.ts';
import type { BudgetGuard } from './budget-guard.ts';

/** What the queue needs from the library: the two halves of storing a generated image. */
export interface JobLibrary {
  tempFile(name: string): Promise<string>;
  prepareImageFile(
    file: string,
    options: { sha256: string; thumbnails?: readonly ThumbnailKind[] },
  ): Promise<PreparedImage>;
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
  logger: Logger;
  /** Money: whether a queued job's estimate fits the daily and monthly caps (budget-guard.ts). */
  budget: BudgetGuard;
}

/** The runner's in-memory state and helpers, shared by the submitter and the poller. */
export interface RunnerShared extends RunnerContext {
  isStopped(): boolean;
  /** Submits on the wire, for stop()'s grace period. */
  submitting: Set<string>;
  /** Queued jobs whose submit was refused for now (5xx, no connection) wait until then. */
  notBefore: Map<string, number>;
  /** Failures in a row, per job, for the retry budgets. */
  streaks: Map<string, number>;
  /** Jobs waiting for the gate to open. */
  parked: Set<string>;
  /** Runs one step of a job; the job counts as busy until it settles. */
  track(id: string, work: Promise<void>): void;
  isBusy(id: string): boolean;
  signalFor(id: string): AbortSignal;
  clientOrPause(): SegmindClient | null;
  pause(
    reason: Exclude<PauseReason, 'offline' | 'rate_limited' | 'no_key' | 'budget'>,
    detail?: string,
  ): void;
  /** Waits for the gate; if it is already open again, tries later instead. */
  park(id: string): void;
  schedule(id: string, at: number): void;
  finish(id: string, from: readonly JobState[], state: JobState, error: JobError | null): boolean;
  finished(id: string): void;
  pump(): void;
}

/** Work released after a pause starts over this long, not all in the same millisecond. */
const RESUME_SPREAD_MS = 400;

/**
 * The moving parts of the queue: submits within the in-flight limit (job-submitter.ts), polls and
 * downloads on the shared timer (job-poller.ts). Every step writes the job's new state before the
 * request that state announces, so a crash at any point leaves a row that says what may have happened.
 */
export function createJobRunner(ctx: RunnerContext) {
  const { store, now, random, timer, gate, events } = ctx;
  const busy = new Map<string, Promise<void>>();
  const controllers = new Map<string, AbortController>();
  let stopped = true;

  const shared: RunnerShared = {
    ...ctx,
    isStopped: () => stopped,
    submitting: new Set(),
    notBefore: new Map(),
    streaks: new Map(),
    parked: new Set(),
    track(id, work) {
      busy.set(
        id,
        work
          .catch((error: unknown) => ctx.logger.error(`[jobs] job ${id} step failed:`, error))
          .finally(() => {
            busy.delete(id);
            controllers.delete(id);
          }),
      );
    },
    isBusy: (id) => busy.has(id),
    signalFor(id) {
      const controller = new AbortController();
      controllers.set(id, controller);
      return controller.signal;
    },
    clientOrPause() {
      const client = ctx.getClient();
      if (!client) gate.pause('no_key', pauseMessages.no_key);
      return client;
    },
    pause(reason, detail) {
      const credits = gate.remainingCredits();
      let message = pauseMessages[reason];
      if (reason === 'out_of_credits' && credits !== null) {
        message = `The Segmind account is out of credits (balance ${credits}). Top up, then resume the queue.`;
      }
      gate.pause(reason, detail ? `${message} Segmind said: ${detail}` : message);
    },
    park(id) {
      if (gate.isOpen()) shared.schedule(id, now() + jitteredBackoff(1, random));
      else shared.parked.add(id);
    },
    schedule(id, at) {
      timer.at(`job:${id}`, at, () => poller.step(id));
    },
    finish(id, from, state, error) {
      const t = now();
      const moved = store.transition(id, from, endPatch(state, error, t), t);
      if (moved) shared.finished(id);
      return moved;
    },
    finished(id) {
      forget(id);
      ctx.onFinished();
      events.changed(id, true);
      const row = store.get(id);
      if (row) events.finished(row.batch_id);
      submitter.pump();
    },
    pump: () => submitter.pump(),
  };
  const submitter = createSubmitter(shared, (id, at, estimate) => poller.schedulePoll(id, at, estimate));
  const poller = createPoller(shared);

  function forget(id: string): void {
    timer.cancel(`job:${id}`);
    for (const map of [shared.streaks, shared.notBefore]) map.delete(id);
    poller.forget(id);
    submitter.forget(id);
    shared.parked.delete(id);
  }

  return {
    start() {
      stopped = false;
    },
    pump: submitter.pump,
    schedule: shared.schedule,
    forget,
    /** Releases work that waited for the gate, spread out so it does not arrive as one burst. */
    release() {
      const t = now();
      for (const id of shared.parked) shared.schedule(id, t + random() * RESUME_SPREAD_MS);
      shared.parked.clear();
      submitter.pump();
    },
    /** Offline: send one request to learn whether the connection is back. */
    probe() {
      const candidate = [...shared.parked].find((id) => {
        const state = store.get(id)?.state;
        return state === 'submitted' || state === 'downloading';
      });
      if (candidate) poller.step(candidate, true);
      // Nothing went out (no job to ask about, or it expired): let queued work try instead.
      if (!candidate || !busy.has(candidate)) gate.clear('offline');
    },
    abort(id: string) {
      controllers.get(id)?.abort();
    },
    async stop(graceMs: number, wait: (ms: number) => Promise<void>) {
      stopped = true;
      // A submit cut off mid-flight becomes "interrupted"; give it a moment to land cleanly instead.
      const inSubmit = [...shared.submitting].flatMap((id) => busy.get(id) ?? []);
      if (inSubmit.length > 0) await Promise.race([Promise.allSettled(inSubmit), wait(graceMs)]);
      for (const controller of controllers.values()) controller.abort();
      await Promise.allSettled(busy.values());
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
