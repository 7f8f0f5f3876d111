import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  activeJobStates,
  finishedJobStates,
  jobLimits,
  type Job,
  type JobProgress,
  type JobState,
  type QueueStatus,
} from '../../shared/api/jobs.ts';
import {
  drawSeed,
  getModel,
  imageCountParamOf,
  seedParamOf,
  withDrawnSeed,
  type ModelId,
  type ModelParams,
} from '../../shared/models/index.ts';
import { resultRetentionMs, retryRefetches } from '../../shared/retry-charge.ts';
import { AppError } from '../../shared/rpc.ts';
import type { SegmindClient } from '../segmind/index.ts';
import { createDurationEstimator } from './duration-estimator.ts';
import type { JobLibrary } from './job-fetcher.ts';
import { createJobEvents, progressOf, type EmitJobsEvent } from './job-events.ts';
import { estimateKeyFor, seedMsOf } from './job-keys.ts';
import { createRecovery } from './job-recovery.ts';
import { createJobRunner } from './job-runner.ts';
import { createJobStore, endPatch, jobFromRow, queuedRow, type JobRow, type NewJobRow } from './job-store.ts';
import { inFlightStates, type SubmitCheck } from './job-submitter.ts';
import { pauseRules } from './pause-rules.ts';
import { plannedPollPolicy, type PollPolicy } from './poll-policy.ts';
import { createRequestBudget, type RateLimitSetting, type TokenForecast } from './request-budget.ts';
import { createQueueGate, type NetworkWatch } from './queue-gate.ts';
import { createSharedTimer, realTimers, type Timers } from './shared-timer.ts';
import { storageMessage, storageProblemOf } from './storage-errors.ts';
import { consoleLogger, type Logger } from '../logging/logger.ts';
import { budgetCheck, createBudgetGuard } from './budget-guard.ts';
import { createLedger } from './ledger.ts';
import { createQueueOrder, type QueueMove } from './queue-order.ts';
import { newJobId } from './job-ids.ts';
import { createUserPause } from './user-pause.ts';

export type { JobLibrary } from './job-fetcher.ts';
export type { PendingSubmit, SubmitCheck } from './job-submitter.ts';
export type { NetworkWatch } from './queue-gate.ts';
export type { QueueMove } from './queue-order.ts';

/** One job of a batch, its parameters already parsed by the model's schema. */
export interface BatchJobInput {
  model: ModelId;
  params: ModelParams;
}

/** What a finish-time forecast needs from the engine (batches/finish-forecast.ts). */
export interface ForecastInputs {
  now: number;
  maxInFlight: number;
  /** The account's limit as the request budget applies it. */
  tokens: TokenForecast;
  /** Expected time from submit to COMPLETED for a kind of job, learned (duration-estimator.ts). */
  expectedMs(estimateKey: string, seedMs: number): number;
  /** Jobs on the wire now: their batch and when each should end. */
  inFlight: { batchId: string; endsAt: number }[];
}

export interface JobEngineDeps {
  db: Database.Database;
  library: JobLibrary;
  /** null = no key yet: the queue pauses (no_key) until clientChanged() finds one. */
  getClient: () => SegmindClient | null;
  emit: EmitJobsEvent;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
  maxInFlight?: number;
  network?: NetworkWatch | undefined;
  /** How long Segmind keeps a result. */
  retentionMs?: number;
  pollPolicy?: PollPolicy;
  /** How long stop() lets a submit already on the wire finish before cutting it off. */
  submitGraceMs?: number;
  logger?: Logger;
  /**
   * Asked before each submit whether this job may be sent now (see SubmitCheck). Without one, the
   * budget check with no caps runs (budget-guard.ts), so every job keeps the estimate it was sent with.
   */
  maySubmit?: SubmitCheck;
  /** The account's request limit; without one, only 429s slow the queue down. */
  rateLimit?: RateLimitSetting;
}

/** Parameters already parsed by the contract (jobs:create's union of model schemas): never parsed again. */
export interface CreateJobInput {
  model: ModelId;
  params: ModelParams;
}

export interface CreateJobOptions {
  parentId?: string;
  afterInsert?: (jobId: string) => void;
}

export interface JobEngine {
  /** Recovers from the last run (see job-recovery.ts), then starts sending and polling. */
  start(): void;
  /** Stops timers and requests; every row is left in a state the next start() understands. */
  stop(): Promise<void>;
  clientChanged(): void;
  setMaxInFlight(n: number): void;
  setRateLimit(setting: RateLimitSetting): void;
  /** Budgets or prices changed: jobs held back by a cap are asked about again. */
  budgetChanged(): void;
  /**
   * Queues one job. `afterInsert` runs in the transaction that inserts it (the caller's own rows about
   * the job: they and the job are written together or not at all); `parentId` links it to the job it
   * repeats, as variations are linked.
   */
  create(input: CreateJobInput, options?: CreateJobOptions): Job;
  variations(
    input: CreateJobInput & { count: number; parentId?: string | undefined; imagesEach?: number | undefined },
  ): Job[];
  list(input: {
    states?: JobState[] | undefined;
    limit: number;
    excludeBatches?: boolean | undefined;
  }): Job[];
  get(id: string): Job;
  cancel(id: string): { job: Job; mayBeCharged: boolean };
  retry(id: string): Job;
  remove(id: string): { id: string };
  status(): QueueStatus;
  resume(): QueueStatus;
  /** The user's pause of the whole queue (kept across restarts); only resume() ends it. */
  pause(): QueueStatus;
  progress(): JobProgress;
  /** Waiting jobs in send order, held ones included. */
  waiting(limit: number, offset: number): Job[];
  move(move: QueueMove): void;
  /**
   * Queues a batch's jobs in one transaction (callers pass a few hundred at a time), behind everything
   * waiting, with no event per job. `held` jobs keep their place but are not sent (a paused batch).
   * `staged`: the batch's row is still in phase 'queuing', which keeps all its jobs from the
   * submitter (job-store nextQueued) with nothing written per job; no pump until batchReady().
   * Returns the ids in order; `afterInsert` runs in the same transaction with them (the batch's rows).
   */
  enqueue(
    batchId: string,
    jobs: readonly BatchJobInput[],
    options: { held: boolean; staged?: boolean; afterInsert?: (ids: string[]) => void },
  ): string[];
  /** A staged batch's row became ready: its jobs may go now. */
  batchReady(): void;
  /** Holds or releases a batch's jobs that are not sent yet; the submitter skips held ones. */
  holdBatch(batchId: string, held: boolean): void;
  /** Cancels a batch's jobs not sent yet (jobs already sent finish: they are paid for). */
  cancelQueued(batchId: string): number;
  forecastInputs(): ForecastInputs;
}

export function createJobEngine(deps: JobEngineDeps): JobEngine {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const timers = deps.timers ?? realTimers;
  const retentionMs = deps.retentionMs ?? resultRetentionMs;
  const { db } = deps;
  let maxInFlight = clampInFlight(deps.maxInFlight ?? 4);
  let runDone = 0;
  let started = false;

  const logger = deps.logger ?? consoleLogger;
  // Money: the check before each submit; the default has no caps but still books each job's estimate.
  const maySubmit = deps.maySubmit ?? budgetCheck(createBudgetGuard({ ledger: createLedger(db), now }));
  const store = createJobStore(db);
  const order = createQueueOrder(db);
  const userPause = createUserPause(db);
  const timer = createSharedTimer(now, timers, logger);
  const estimator = createDurationEstimator(db, now);
  const budget = createRequestBudget({
    now,
    timer,
    setting: deps.rateLimit ?? { perMinute: null, pollsCount: false },
  });
  const events = createJobEvents({ store, timer, now, emit: deps.emit, status: () => status() });
  const gate = createQueueGate({
    now,
    random,
    timer,
    network: deps.network,
    logger,
    onChange: () => events.statusChanged(),
    onOpen: () => {
      if (started) finishRecovery();
      runner.release();
    },
    probeNetwork: async () => (await deps.getClient()?.probe()) ?? false,
    onRateLimited: () => budget.refused(),
    // The files and the database: either may be the one that refuses (a quota, a read-only file).
    probeStorage: async () => {
      try {
        await deps.library.checkWritable();
        store.checkWritable();
        return true;
      } catch {
        return false;
      }
    },
  });
  const runner = createJobRunner({
    db,
    store,
    library: deps.library,
    getClient: deps.getClient,
    now,
    random,
    timer,
    gate,
    events,
    estimator,
    pollPolicy: deps.pollPolicy ?? plannedPollPolicy,
    budget,
    retentionMs,
    maxInFlight: () => maxInFlight,
    maySubmit,
    onFinished: () => runDone++,
    logger,
  });
  const recovery = createRecovery({ db, store, now, random, retentionMs, schedule: runner.schedule });

  /**
   * Runs a write the user asked for. On a full or read-only disk the queue pauses and the user gets
   * a message that says so and names the data folder, instead of "something went wrong".
   */
  function writing<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      const problem = storageProblemOf(error);
      if (!problem) throw error;
      const message = storageMessage(problem, deps.library.dataDir);
      gate.storageFailed(message);
      throw new AppError('unavailable', message);
    }
  }

  function finishRecovery(): void {
    try {
      writing(() => recovery.finishLeftovers());
    } catch (error) {
      // The disk-full pause is on; its check calls this again when a write succeeds.
      if (!(error instanceof AppError)) throw error;
    }
  }

  function mustGet(id: string): JobRow {
    const row = store.get(id);
    if (!row) throw new AppError('not_found', 'There is no such job (it may have been removed).');
    return row;
  }

  const view = (row: JobRow): Job => jobFromRow(row, now());

  /** Only jobs on the wire are read: a batch of 10,000 waiting must not be parsed at every status. */
  function progress(): JobProgress {
    const running = store.inStates(inFlightStates).map(view);
    return progressOf(running, runDone, store.countInStates(['queued']));
  }

  function status(): QueueStatus {
    return { ...gate.status(), counts: store.counts(), maxInFlight, progress: progress() };
  }

  function newRow(
    model: ModelId,
    params: Record<string, unknown>,
    batchId: string | null,
    parentId: string | null,
    queuePos: number,
    held = false,
    expectedOf: (key: string, seedMs: number) => number = (key, seedMs) =>
      estimator.beliefs(key, seedMs).meanMs,
  ): NewJobRow {
    const id = newJobId();
    const estimateKey = estimateKeyFor(model, params);
    const expectedMs = expectedOf(estimateKey, seedMsOf(model, params));
    return queuedRow({
      id,
      model,
      params: JSON.stringify(params),
      createdAt: now(),
      estimateKey,
      expectedMs: Math.round(expectedMs),
      batchId: batchId ?? id,
      parentId,
      queuePos,
      held,
    });
  }

  function insert(...args: Parameters<typeof newRow>): string {
    const row = newRow(...args);
    store.insert(row);
    return row.id;
  }

  /** A new run of work starts when the queue was idle: the taskbar bar counts from zero again. */
  function beginWork(): void {
    // Asked for every chunk a batch queues: a count of the jobs already queued would make queueing
    // a 10,000-row file quadratic.
    if (!store.anyInStates(activeJobStates)) runDone = 0;
  }

  function added(ids: string[]): Job[] {
    for (const id of ids) events.changed(id);
    if (started) runner.pump();
    return ids.map((id) => view(mustGet(id)));
  }

  const engine: JobEngine = {
    start() {
      if (started) return;
      started = true;
      runner.start();
      recovery.start();
      finishRecovery();
      if (!deps.getClient()) gate.pause('no_key', pauseRules.no_key.message);
      if (userPause.isPaused()) gate.pause('user', pauseRules.user.message);
      runner.pump();
      events.statusChanged();
    },

    async stop() {
      if (!started) return;
      started = false;
      const wait = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
      await runner.stop(deps.submitGraceMs ?? 3000, wait);
      gate.dispose();
      budget.dispose();
      timer.clear();
    },

    clientChanged() {
      if (!deps.getClient()) {
        gate.pause('no_key', pauseRules.no_key.message);
        return;
      }
      // A new key deserves a fresh try at everything the old one was refused.
      for (const reason of ['unauthorized', 'forbidden', 'out_of_credits', 'no_key'] as const)
        gate.clear(reason);
      runner.pump();
    },

    setMaxInFlight(n) {
      maxInFlight = clampInFlight(n);
      events.statusChanged();
      runner.pump();
    },

    setRateLimit(setting) {
      budget.setLimit(setting);
      runner.pump();
    },

    budgetChanged() {
      runner.pump();
    },

    create({ model, params }, options = {}) {
      beginWork();
      const sent = withDrawnSeed(getModel(model), params, random);
      const id = writing(() =>
        db.transaction(() => {
          const inserted = insert(model, sent, null, options.parentId ?? null, order.backPosition(now()));
          options.afterInsert?.(inserted);
          return inserted;
        })(),
      );
      return added([id])[0] as Job;
    },

    variations({ model, params, count, parentId, imagesEach }) {
      if (parentId !== undefined) mustGet(parentId);
      const spec = getModel(model);
      // One image per variation unless asked: copying num_images made "4 variations" of an 8-image
      // request 32 paid images.
      const imageCount = imageCountParamOf(spec);
      const each = imageCount ? { ...params, [imageCount.name]: imagesEach ?? 1 } : params;
      const seed = seedParamOf(spec);
      const drawn = new Set<number>();
      if (seed) while (drawn.size < count) drawn.add(drawSeed(seed.rule, random));
      const seeds = [...drawn];
      const batchId = randomUUID();
      beginWork();
      const ids = writing(() =>
        db.transaction(() => {
          const first = order.backPosition(now());
          return Array.from({ length: count }, (_, i) =>
            insert(
              model,
              seed ? { ...each, [seed.name]: seeds[i] } : each,
              batchId,
              parentId ?? null,
              first + i,
            ),
          );
        })(),
      );
      return added(ids);
    },

    list({ states, limit, excludeBatches }) {
      return store.list(states, limit, excludeBatches).map(view);
    },

    get: (id) => view(mustGet(id)),

    cancel(id) {
      for (;;) {
        const row = mustGet(id);
        if (!activeJobStates.includes(row.state as (typeof activeJobStates)[number])) {
          throw new AppError(
            'conflict',
            `This job has already ended (${row.state}); there is nothing to cancel.`,
          );
        }
        const t = now();
        if (!writing(() => store.transition(id, [row.state], endPatch('canceled', null, t), t))) continue;
        // A submit already on the wire is left to land: its answer is recorded on the canceled row.
        if (row.state !== 'submitting') runner.abort(id);
        runner.forget(id);
        runDone++;
        events.changed(id, true);
        events.finished(row.batch_id);
        runner.pump();
        return { job: view(mustGet(id)), mayBeCharged: row.state !== 'queued' };
      }
    },

    retry(id) {
      const row = mustGet(id);
      if (!(finishedJobStates as readonly JobState[]).includes(row.state) || row.state === 'completed') {
        throw new AppError(
          'conflict',
          `Only a job that failed, was canceled, expired or was interrupted can be retried (this one is ${row.state}).`,
        );
      }
      const t = now();
      beginWork();
      // A request Segmind still holds (canceled, or failed while fetching) is asked again instead
      // of paying for a new one.
      const refetch = retryRefetches(
        {
          state: row.state,
          requestId: row.request_id,
          submittedAt: row.submitted_at,
          createdAt: row.created_at,
          error: row.error_kind ? { kind: row.error_kind } : null,
        },
        t,
        retentionMs,
      );
      const cleared = {
        finished_at: null,
        error_kind: null,
        error_message: null,
        error_action: null,
        remote_status: null,
      };
      if (refetch) {
        writing(() => store.transition(id, [row.state], { ...cleared, state: 'submitted' }, t));
        if (started) runner.schedule(id, t);
      } else {
        const fresh = {
          ...cleared,
          state: 'queued' as const,
          request_id: null,
          status_url: null,
          response_url: null,
          submitted_at: null,
          image_ids: '[]',
          credits_spent: null,
        };
        writing(() => store.transition(id, [row.state], fresh, t));
      }
      return added([id])[0] as Job;
    },

    remove(id) {
      const row = mustGet(id);
      if (!writing(() => store.remove(id, ['queued', ...finishedJobStates]))) {
        throw new AppError('conflict', `This job is ${row.state}; cancel it before removing it.`);
      }
      runner.forget(id);
      events.statusChanged();
      if (row.state === 'queued') events.finished(row.batch_id);
      return { id };
    },

    status,

    resume() {
      writing(() => userPause.set(false, now()));
      gate.userResume();
      if (deps.getClient()) gate.clear('no_key');
      runner.pump();
      return status();
    },

    pause() {
      writing(() => userPause.set(true, now()));
      gate.pause('user', pauseRules.user.message);
      return status();
    },

    progress,

    waiting: (limit, offset) => store.waiting(limit, offset).map(view),

    move(move) {
      writing(() => order.move(move));
      events.statusChanged();
      runner.pump();
    },

    enqueue(batchId, jobs, { held, staged = false, afterInsert }) {
      beginWork();
      const ids = writing(() =>
        db.transaction(() => {
          const first = order.backPosition(now());
          // A batch's jobs share a few estimate keys, and no sample arrives inside this transaction:
          // each key's beliefs are fitted once, not once a job.
          const expected = new Map<string, number>();
          const expectedOf = (key: string, seedMs: number) => {
            const memo = `${seedMs} ${key}`;
            let ms = expected.get(memo);
            if (ms === undefined) expected.set(memo, (ms = estimator.beliefs(key, seedMs).meanMs));
            return ms;
          };
          const rows = jobs.map(({ model, params }, i) =>
            newRow(
              model,
              withDrawnSeed(getModel(model), params, random),
              batchId,
              null,
              first + i,
              held,
              expectedOf,
            ),
          );
          store.insertMany(rows);
          const inserted = rows.map((row) => row.id);
          afterInsert?.(inserted);
          return inserted;
        })(),
      );
      events.statusChanged();
      if (started && !held && !staged) runner.pump();
      return ids;
    },

    batchReady() {
      events.statusChanged();
      runner.pump();
    },

    holdBatch(batchId, held) {
      writing(() => store.holdBatch(batchId, held));
      events.statusChanged();
      if (!held) runner.pump();
    },

    cancelQueued(batchId) {
      const ids = writing(() => store.cancelQueuedOfBatch(batchId, now()));
      for (const id of ids) runner.forget(id);
      runDone += ids.length;
      events.statusChanged();
      events.finished(batchId);
      runner.pump();
      return ids.length;
    },

    forecastInputs() {
      const t = now();
      const inFlight = store.inStates(inFlightStates).map((row) => ({
        batchId: row.batch_id,
        endsAt: Math.max(t, (row.submitted_at ?? t) + (row.expected_ms ?? 0)),
      }));
      return {
        now: t,
        maxInFlight,
        tokens: budget.forecast(),
        expectedMs: (key, seedMs) => estimator.beliefs(key, seedMs).meanMs,
        inFlight,
      };
    },
  };
  return engine;
}

function clampInFlight(n: number): number {
  return Math.min(jobLimits.maxInFlight, Math.max(jobLimits.minInFlight, Math.round(n)));
}
