import type Database from 'better-sqlite3';
import type { JobError, JobState } from '../../shared/api/jobs.ts';
import type { Logger } from '../logging/logger.ts';
import type { SegmindClient } from '../segmind/index.ts';
import type { DurationEstimator } from './duration-estimator.ts';
import { createInFlight, type StepLane } from './in-flight.ts';
import { createFetcher, type JobLibrary } from './job-fetcher.ts';
import type { JobEvents } from './job-events.ts';
import { createPoller } from './job-poller.ts';
import { endPatch, type JobStore } from './job-store.ts';
import { createSubmitter, type SubmitCheck } from './job-submitter.ts';
import { createParking } from './parking.ts';
import { pauseRules } from './pause-rules.ts';
import type { PollPolicy } from './poll-policy.ts';
import type { QueueGate } from './queue-gate.ts';
import type { RequestBudget } from './request-budget.ts';
import { createRemoteFailures } from './remote-failures.ts';
import { createRetryBook } from './retry-book.ts';
import type { SharedTimer } from './shared-timer.ts';
import { storageProblemOf } from './storage-errors.ts';

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
  budget: RequestBudget;
  retentionMs: number;
  maxInFlight: () => number;
  maySubmit: SubmitCheck | undefined;
  /** A job reached an end state (for progress bookkeeping). */
  onFinished: () => void;
  logger: Logger;
}

/** Work released after a pause starts over this long, not all in the same millisecond. */
const RESUME_SPREAD_MS = 400;

/**
 * The moving parts of the queue, each owning its own state: what is on the wire (in-flight.ts),
 * failures and holds per job (retry-book.ts), jobs waiting for the gate (parking.ts), and the three
 * steps that use them: submits (job-submitter.ts), polls (job-poller.ts) and downloads
 * (job-fetcher.ts). Every step writes the job's new state before the request that state announces,
 * so a crash at any point leaves a row that says what may have happened.
 */
export function createJobRunner(ctx: RunnerContext) {
  const { store, now, random, timer, gate, events, logger } = ctx;
  const dataDir = ctx.library.dataDir;
  let stopped = true;
  const isStopped = () => stopped;
  const book = createRetryBook();
  const parking = createParking();
  const inFlight = createInFlight(stepThrew, logger);

  function clientOrPause(): SegmindClient | null {
    const client = ctx.getClient();
    if (!client) gate.pause('no_key', pauseRules.no_key.message);
    return client;
  }

  function schedule(id: string, at: number): void {
    timer.at(`job:${id}`, at, () => poller.due(id));
  }

  function finish(id: string, from: readonly JobState[], state: JobState, error: JobError | null): boolean {
    const t = now();
    const moved = store.transition(id, from, endPatch(state, error, t), t);
    if (moved) finished(id);
    return moved;
  }

  function finished(id: string): void {
    forget(id);
    ctx.onFinished();
    events.changed(id, true);
    const row = store.get(id);
    if (row) events.finished(row.batch_id);
    submitter.pump();
  }

  /** The one forget: every object that keeps something per job lets go of it here. */
  function forget(id: string): void {
    timer.cancel(`job:${id}`);
    book.forget(id);
    parking.forget(id);
    poller.forget(id);
    submitter.forget(id);
  }

  const common = { store, now, random, gate, events, book, logger, dataDir, isStopped };
  const failures = createRemoteFailures({
    ...common,
    parking,
    retentionMs: ctx.retentionMs,
    schedule,
    finish,
  });
  const fetcher = createFetcher({
    db: ctx.db,
    store,
    library: ctx.library,
    now,
    gate,
    failed: failures.failed,
    finished,
  });
  const poller = createPoller({
    ...common,
    db: ctx.db,
    estimator: ctx.estimator,
    pollPolicy: ctx.pollPolicy,
    budget: ctx.budget,
    parking,
    inFlight,
    failures,
    client: clientOrPause,
    schedule,
    fetchResult: fetcher.fetchResult,
    finish,
  });
  const submitter = createSubmitter({
    ...common,
    timer,
    estimator: ctx.estimator,
    budget: ctx.budget,
    inFlight,
    client: clientOrPause,
    maxInFlight: ctx.maxInFlight,
    maySubmit: ctx.maySubmit,
    accepted: poller.accepted,
    repoll: (id) => schedule(id, now()),
    finish,
  });

  /** A step threw past its own handling (a database write on a full disk, a bug): it still ends somewhere. */
  function stepThrew(id: string, lane: StepLane, error: unknown): void {
    if (stopped) return;
    // A full disk is expected to refuse a write now and then; anything else is a bug worth its stack.
    if (storageProblemOf(error))
      logger.warn(`[jobs] job ${id}: a ${lane} step could not write:`, String(error));
    else logger.error(`[jobs] job ${id} ${lane} step failed:`, error);
    if (lane === 'remote') failures.failed(id, 'store', error);
    else submitter.lost(id, error);
  }

  return {
    start() {
      stopped = false;
    },
    pump: submitter.pump,
    schedule,
    forget,
    /** Releases work that waited for the gate, spread out so it does not arrive as one burst. */
    release() {
      if (stopped) return;
      if (gate.mayPoll()) {
        const t = now();
        for (const id of parking.takeAll()) schedule(id, t + random() * RESUME_SPREAD_MS);
        submitter.flushUnrecorded();
      }
      submitter.pump();
    },
    abort(id: string) {
      inFlight.abort(id);
    },
    async stop(graceMs: number, wait: (ms: number) => Promise<void>) {
      stopped = true;
      // A submit cut off mid-flight becomes "interrupted"; give it a moment to land cleanly instead.
      const submits = inFlight.submits();
      if (submits.length > 0) await Promise.race([Promise.allSettled(submits), wait(graceMs)]);
      inFlight.abortAll();
      await inFlight.settled();
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
