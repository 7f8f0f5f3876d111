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
import { AppError } from '../../shared/rpc.ts';
import type { SegmindClient } from '../segmind/index.ts';
import { createDurationEstimator } from './duration-estimator.ts';
import { createJobEvents, progressOf, type EmitJobsEvent } from './job-events.ts';
import { jobError } from './job-errors.ts';
import { estimateKeyFor, seedMsFor } from './job-keys.ts';
import { createJobRunner, type JobLibrary } from './job-runner.ts';
import { createJobStore, endPatch, jobFromRow, queuedRow, type JobRow } from './job-store.ts';
import { adaptivePollPolicy, type PollPolicy } from './poll-policy.ts';
import { createQueueGate, pauseMessages, type NetworkWatch } from './queue-gate.ts';
import { createSharedTimer, realTimers, type Timers } from './shared-timer.ts';
import { consoleLogger, type Logger } from '../logging/logger.ts';
import { createBudgetGuard, type BudgetGuard } from './budget-guard.ts';
import { createLedger } from './ledger.ts';

export type { JobLibrary } from './job-runner.ts';
export type { NetworkWatch } from './queue-gate.ts';

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
  /** Money (budget-guard.ts): asked before each submit; without one, no caps and published prices. */
  budget?: BudgetGuard;
}

/** Parameters already parsed by the contract (jobs:create's union of model schemas): never parsed again. */
export interface CreateJobInput {
  model: ModelId;
  params: ModelParams;
}

export interface JobEngine {
  /** Recovers from the last run (see recover()), then starts sending and polling. */
  start(): void;
  /** Stops timers and requests; every row is left in a state the next start() understands. */
  stop(): Promise<void>;
  clientChanged(): void;
  setMaxInFlight(n: number): void;
  /** Budgets or prices changed: jobs held back by a cap are asked about again. */
  budgetChanged(): void;
  create(input: CreateJobInput): Job;
  variations(
    input: CreateJobInput & { count: number; parentId?: string | undefined; imagesEach?: number | undefined },
  ): Job[];
  list(input: { states?: JobState[] | undefined; limit: number }): Job[];
  get(id: string): Job;
  cancel(id: string): { job: Job; mayBeCharged: boolean };
  retry(id: string): Job;
  remove(id: string): { id: string };
  status(): QueueStatus;
  resume(): QueueStatus;
  progress(): JobProgress;
}

const RECOVERY_SPREAD_MS = 1000;

export function createJobEngine(deps: JobEngineDeps): JobEngine {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const timers = deps.timers ?? realTimers;
  const retentionMs = deps.retentionMs ?? 3_600_000;
  const { db } = deps;
  let maxInFlight = clampInFlight(deps.maxInFlight ?? 4);
  let runDone = 0;
  let started = false;

  const logger = deps.logger ?? consoleLogger;
  const budget = deps.budget ?? createBudgetGuard({ ledger: createLedger(db), now });
  const store = createJobStore(db);
  const timer = createSharedTimer(now, timers, logger);
  const estimator = createDurationEstimator(db, now);
  const events = createJobEvents({ store, timer, now, emit: deps.emit, status: () => status() });
  const gate = createQueueGate({
    now,
    random,
    timer,
    network: deps.network,
    onChange: () => events.statusChanged(),
    onOpen: () => runner.release(),
    onProbe: () => runner.probe(),
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
    pollPolicy: deps.pollPolicy ?? adaptivePollPolicy(),
    retentionMs,
    maxInFlight: () => maxInFlight,
    onFinished: () => runDone++,
    logger,
    budget,
  });

  function mustGet(id: string): JobRow {
    const row = store.get(id);
    if (!row) throw new AppError('not_found', 'There is no such job (it may have been removed).');
    return row;
  }

  const view = (row: JobRow): Job => jobFromRow(row, now());

  function progress(): JobProgress {
    const active = store.inStates(activeJobStates).map(view);
    return progressOf(active, runDone);
  }

  function status(): QueueStatus {
    return { ...gate.status(), counts: store.counts(), maxInFlight, progress: progress() };
  }

  function insert(
    model: ModelId,
    params: Record<string, unknown>,
    batchId: string | null,
    parentId: string | null,
  ): JobRow {
    const id = randomUUID();
    const t = now();
    const paramsJson = JSON.stringify(params);
    const estimateKey = estimateKeyFor(model, params);
    const expected = estimator.estimate(estimateKey, seedMsFor({ model, params: paramsJson }));
    const row = queuedRow({
      id,
      model,
      params: paramsJson,
      prompt: typeof params.prompt === 'string' ? params.prompt : '',
      createdAt: t,
      estimateKey,
      expectedMs: Math.round(expected.meanMs),
      batchId: batchId ?? id,
      parentId,
    });
    store.insert(row);
    return { ...row, updated_at: t };
  }

  /** A new run of work starts when the queue was idle: the taskbar bar counts from zero again. */
  function beginWork(): void {
    if (store.countInStates(activeJobStates) === 0) runDone = 0;
  }

  function added(rows: JobRow[]): Job[] {
    for (const row of rows) events.changed(row.id);
    if (started) runner.pump();
    return rows.map((row) => view(mustGet(row.id)));
  }

  /**
   * After a crash or a quit: a job caught while sending may or may not have reached Segmind, so it
   * becomes `interrupted` (never resent on our own); a job with a request id is polled again unless
   * Segmind has already dropped its result.
   */
  function recover(): void {
    const t = now();
    const resumed: string[] = [];
    const lost = jobError(
      'interrupted',
      'The app stopped while this job was being sent; Segmind may have received it.',
    );
    const gone = jobError(
      'expired',
      'The app was closed for longer than Segmind keeps results (one hour); this result is gone.',
    );
    db.transaction(() => {
      for (const row of store.inStates(['submitting'])) {
        store.transition(row.id, ['submitting'], endPatch('interrupted', lost, t), t);
      }
      for (const row of store.inStates(['submitted', 'downloading'])) {
        if (t - (row.submitted_at ?? row.created_at) <= retentionMs) resumed.push(row.id);
        else store.transition(row.id, [row.state], endPatch('expired', gone, t), t);
      }
    })();
    for (const id of resumed) runner.schedule(id, t + random() * RECOVERY_SPREAD_MS);
  }

  const engine: JobEngine = {
    start() {
      if (started) return;
      started = true;
      recover();
      runner.start();
      if (!deps.getClient()) gate.pause('no_key', pauseMessages.no_key);
      runner.pump();
      events.statusChanged();
    },

    async stop() {
      if (!started) return;
      started = false;
      const wait = (ms: number) => new Promise<void>((resolve) => timers.setTimeout(resolve, ms));
      await runner.stop(deps.submitGraceMs ?? 3000, wait);
      gate.dispose();
      timer.clear();
    },

    clientChanged() {
      if (!deps.getClient()) {
        gate.pause('no_key', pauseMessages.no_key);
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

    budgetChanged() {
      runner.pump();
    },

    create({ model, params }) {
      beginWork();
      return added([insert(model, withDrawnSeed(getModel(model), params, random), null, null)])[0] as Job;
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
      const rows = db.transaction(() =>
        Array.from({ length: count }, (_, i) =>
          insert(model, seed ? { ...each, [seed.name]: seeds[i] } : each, batchId, parentId ?? null),
        ),
      )();
      return added(rows);
    },

    list({ states, limit }) {
      return store.list(states, limit).map(view);
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
        if (!store.transition(id, [row.state], endPatch('canceled', null, t), t)) continue;
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
      const refetch =
        (row.state === 'failed' || row.state === 'canceled') &&
        row.request_id !== null &&
        t - (row.submitted_at ?? row.created_at) <= retentionMs &&
        !['failed', 'bad_request', 'not_found', 'expired'].includes(row.error_kind ?? '');
      const cleared = {
        finished_at: null,
        error_kind: null,
        error_message: null,
        error_action: null,
        remote_status: null,
      };
      if (refetch) {
        store.transition(id, [row.state], { ...cleared, state: 'submitted' }, t);
        if (started) runner.schedule(id, t);
      } else {
        store.transition(
          id,
          [row.state],
          {
            ...cleared,
            state: 'queued',
            request_id: null,
            status_url: null,
            response_url: null,
            submitted_at: null,
            image_ids: '[]',
            credits_spent: null,
          },
          t,
        );
      }
      return added([row])[0] as Job;
    },

    remove(id) {
      const row = mustGet(id);
      if (!store.remove(id, ['queued', ...finishedJobStates])) {
        throw new AppError('conflict', `This job is ${row.state}; cancel it before removing it.`);
      }
      runner.forget(id);
      events.statusChanged();
      if (row.state === 'queued') events.finished(row.batch_id);
      return { id };
    },

    status,

    resume() {
      gate.userResume();
      if (deps.getClient()) gate.clear('no_key');
      runner.pump();
      return status();
    },

    progress,
  };
  return engine;
}

function clampInFlight(n: number): number {
  return Math.min(jobLimits.maxInFlight, Math.max(jobLimits.minInFlight, Math.round(n)));
}
