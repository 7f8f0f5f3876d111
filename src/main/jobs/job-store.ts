import type Database from 'better-sqlite3';
import {
  jobStates,
  type Job,
  type JobError,
  type JobState,
  type RemoteStatus,
} from '../../shared/api/jobs.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { multiRowInsert } from '../library/multi-row-insert.ts';

/** One row of `jobs` as SQLite returns it. */
export interface JobRow {
  id: string;
  model: ModelId;
  params: string;
  prompt: string;
  state: JobState;
  remote_status: RemoteStatus | null;
  request_id: string | null;
  status_url: string | null;
  response_url: string | null;
  created_at: number;
  submitted_at: number | null;
  finished_at: number | null;
  updated_at: number;
  estimate_key: string;
  expected_ms: number | null;
  attempts: number;
  error_kind: JobError['kind'] | null;
  error_message: string | null;
  error_action: string | null;
  image_ids: string;
  credits_spent: number | null;
  parent_id: string | null;
  batch_id: string;
  /** The send order among queued jobs (queue-order.ts); lower goes first. */
  queue_pos: number;
  /** 1 while the job's batch is paused: it keeps its place but is not sent. */
  held: 0 | 1;
}

/** Columns a transition may set; the only identifiers that ever reach SQL text. */
const patchable = [
  'state',
  'remote_status',
  'request_id',
  'status_url',
  'response_url',
  'submitted_at',
  'finished_at',
  'expected_ms',
  'attempts',
  'error_kind',
  'error_message',
  'error_action',
  'image_ids',
  'credits_spent',
  'queue_pos',
] as const;
type PatchColumn = (typeof patchable)[number];
export type JobPatch = Partial<Pick<JobRow, PatchColumn>>;

export type AttemptStep = 'submit' | 'status' | 'result' | 'download' | 'store';

/** A row as inserted: updated_at starts as created_at, the prompt is read from params. */
export type NewJobRow = Omit<JobRow, 'updated_at' | 'prompt'>;

/** Every column an insert sets, in the order it binds them: the fixed ones and every patchable one. */
const insertedColumns = [
  'id',
  'model',
  'params',
  'created_at',
  'estimate_key',
  'parent_id',
  'batch_id',
  'held',
  ...patchable,
] as const satisfies readonly (keyof NewJobRow)[];

export interface JobStore {
  insert(row: NewJobRow): void;
  /** Rows inserted a few hundred per statement (a batch's chunk); call inside a transaction. */
  insertMany(rows: readonly NewJobRow[]): void;
  get(id: string): JobRow | undefined;
  /** Newest first; `excludeBatches` leaves out the jobs of batches (ids `batch-…`). */
  list(states: readonly JobState[] | undefined, limit: number, excludeBatches?: boolean): JobRow[];
  /** Oldest first: the order work is done in. */
  inStates(states: readonly JobState[]): JobRow[];
  /**
   * The next `limit` queued jobs in the order they are sent, leaving out held ones and those of a batch
   * still being queued (jobs_send_order: an index walk, however long the queue and however many jobs
   * a paused batch holds).
   */
  nextQueued(limit: number): JobRow[];
  /** Queued jobs in send order, held ones included: what the page lists as waiting. */
  waiting(limit: number, offset: number): JobRow[];
  inBatch(batchId: string): JobRow[];
  /** Whether any job of the batch is still to finish (a few seeks on jobs_batch_state). */
  batchActive(batchId: string): boolean;
  /** Holds or releases every job of a batch; returns how many queued ones that touched. */
  holdBatch(batchId: string, held: boolean): number;
  /** Cancels a batch's jobs not sent yet, in one statement; returns their ids. */
  cancelQueuedOfBatch(batchId: string, at: number): string[];
  countInStates(states: readonly JobState[]): number;
  /** Whether any job is in one of `states`: stops at the first, where a count walks them all. */
  anyInStates(states: readonly JobState[]): boolean;
  counts(): Record<JobState, number>;
  /**
   * Moves a job only if it is still in one of `from`: the check and the write are one statement, so
   * two paths racing for the same job (a cancel and a finished poll) cannot both win.
   */
  transition(id: string, from: readonly JobState[], patch: JobPatch, at: number): boolean;
  remove(id: string, from: readonly JobState[]): boolean;
  /** Throws the database's error (SQLITE_FULL, SQLITE_READONLY...) if it cannot grow by a few pages now. */
  checkWritable(): void;
  logAttempt(
    jobId: string,
    step: AttemptStep,
    outcome: string,
    at: number,
    httpStatus?: number,
    message?: string,
  ): void;
}

export function createJobStore(db: Database.Database): JobStore {
  // No prompt: the column is computed from params (migration 012); updated_at starts as created_at.
  const insertRows = multiRowInsert(db, 'jobs', [...insertedColumns, 'updated_at']);
  const insertMany = (rows: readonly NewJobRow[]) =>
    insertRows(rows, (row, into) => {
      for (const column of insertedColumns) into.push(row[column]);
      into.push(row.created_at);
    });
  const getOne = db.prepare('SELECT * FROM jobs WHERE id = ?');
  const listAll = db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, id DESC LIMIT ?');
  const listStates = db.prepare(
    'SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC LIMIT ?',
  );
  const listLone = db.prepare(
    `SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(?)) AND batch_id NOT GLOB 'batch-*'
     ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  const oldestInStates = db.prepare(
    'SELECT * FROM jobs WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at, id',
  );
  // INDEXED BY: without statistics the planner takes jobs_state_created and sorts every queued row.
  // A batch still being queued (phase 'queuing', migration 010) sends nothing: its jobs are skipped
  // on the index's own batch_id (migration 012), so staging a batch writes nothing per job.
  const queued = db.prepare(
    `SELECT * FROM jobs INDEXED BY jobs_send_order WHERE state = 'queued' AND held = 0
       AND batch_id NOT IN (SELECT id FROM batches WHERE phase = 'queuing')
     ORDER BY queue_pos, id LIMIT ?`,
  );
  const waitingPage = db.prepare(
    `SELECT * FROM jobs INDEXED BY jobs_queue_order WHERE state = 'queued' ORDER BY queue_pos, id LIMIT ? OFFSET ?`,
  );
  const activeInBatch = db
    .prepare(
      `SELECT 1 FROM jobs WHERE batch_id = ? AND state IN ('queued', 'submitting', 'submitted', 'downloading') LIMIT 1`,
    )
    .pluck();
  const hold = db.prepare('UPDATE jobs SET held = ? WHERE batch_id = ? AND held <> ?');
  const countQueuedInBatch = db
    .prepare(`SELECT count(*) FROM jobs WHERE batch_id = ? AND state = 'queued'`)
    .pluck();
  const cancelQueued = db
    .prepare(
      `UPDATE jobs SET state = 'canceled', finished_at = @at, updated_at = @at, remote_status = NULL
       WHERE batch_id = @batch AND state = 'queued' RETURNING id`,
    )
    .pluck();
  const countStates = db
    .prepare('SELECT count(*) FROM jobs WHERE state IN (SELECT value FROM json_each(?))')
    .pluck();
  const anyStates = db
    .prepare('SELECT EXISTS (SELECT 1 FROM jobs WHERE state IN (SELECT value FROM json_each(?)))')
    .pluck();
  const countAll = db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state');
  const batch = db.prepare('SELECT * FROM jobs WHERE batch_id = ? ORDER BY created_at, id');
  const removeOne = db.prepare('DELETE FROM jobs WHERE id = ? AND state IN (SELECT value FROM json_each(?))');
  const attempt = db.prepare(
    'INSERT INTO job_attempts (job_id, at, step, outcome, http_status, message) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const writeCheck = db.prepare(
    `INSERT INTO job_duration_samples (key, total_ms, inference_ms, saw_processing, at) VALUES (?, 1, NULL, 0, 0)`,
  );
  const updates = new Map<string, Database.Statement>();

  function updateFor(columns: PatchColumn[]): Database.Statement {
    const signature = columns.join(',');
    let statement = updates.get(signature);
    if (!statement) {
      const sets = columns.map((column) => `${column} = @${column}`).join(', ');
      statement = db.prepare(
        `UPDATE jobs SET ${sets}, updated_at = @updated_at WHERE id = @id AND state IN (SELECT value FROM json_each(@from))`,
      );
      updates.set(signature, statement);
    }
    return statement;
  }

  return {
    insert: (row) => insertMany([row]),
    insertMany,
    get: (id) => getOne.get(id) as JobRow | undefined,
    list: (states, limit, excludeBatches) =>
      (excludeBatches
        ? listLone.all(JSON.stringify(states ?? jobStates), limit)
        : states
          ? listStates.all(JSON.stringify(states), limit)
          : listAll.all(limit)) as JobRow[],
    inStates: (states) => oldestInStates.all(JSON.stringify(states)) as JobRow[],
    nextQueued: (limit) => queued.all(limit) as JobRow[],
    waiting: (limit, offset) => waitingPage.all(limit, offset) as JobRow[],
    inBatch: (batchId) => batch.all(batchId) as JobRow[],
    batchActive: (batchId) => activeInBatch.get(batchId) !== undefined,
    holdBatch(batchId, held) {
      const flag = held ? 1 : 0;
      hold.run(flag, batchId, flag);
      return countQueuedInBatch.get(batchId) as number;
    },
    cancelQueuedOfBatch: (batchId, at) => cancelQueued.all({ batch: batchId, at }) as string[],
    countInStates: (states) => countStates.get(JSON.stringify(states)) as number,
    anyInStates: (states) => anyStates.get(JSON.stringify(states)) === 1,
    counts() {
      const counts = Object.fromEntries(jobStates.map((state) => [state, 0])) as Record<JobState, number>;
      for (const { state, n } of countAll.all() as { state: JobState; n: number }[]) counts[state] = n;
      return counts;
    },
    transition(id, from, patch, at) {
      const columns = patchable.filter((column) => column in patch);
      const values = Object.fromEntries(columns.map((column) => [column, patch[column] ?? null]));
      return (
        updateFor(columns).run({ ...values, id, from: JSON.stringify(from), updated_at: at }).changes === 1
      );
    },
    remove: (id, from) => removeOne.run(id, JSON.stringify(from)).changes === 1,
    checkWritable() {
      // A row too big for one page, rolled back: nothing is kept, but SQLite must find room for it.
      db.exec('SAVEPOINT write_check');
      try {
        writeCheck.run(`write-check:${'x'.repeat(8192)}`);
      } finally {
        db.exec('ROLLBACK TO write_check');
        db.exec('RELEASE write_check');
      }
    },
    logAttempt(jobId, step, outcome, at, httpStatus, message) {
      attempt.run(jobId, at, step, outcome, httpStatus ?? null, message ?? null);
    },
  };
}

/** A new job, waiting for its turn. */
export function queuedRow(job: {
  id: string;
  model: ModelId;
  params: string;
  createdAt: number;
  estimateKey: string;
  expectedMs: number;
  batchId: string;
  parentId: string | null;
  queuePos: number;
  held?: boolean;
}): NewJobRow {
  return {
    id: job.id,
    model: job.model,
    params: job.params,
    state: 'queued',
    remote_status: null,
    request_id: null,
    status_url: null,
    response_url: null,
    created_at: job.createdAt,
    submitted_at: null,
    finished_at: null,
    estimate_key: job.estimateKey,
    expected_ms: job.expectedMs,
    attempts: 0,
    error_kind: null,
    error_message: null,
    error_action: null,
    image_ids: '[]',
    credits_spent: null,
    parent_id: job.parentId,
    batch_id: job.batchId,
    queue_pos: job.queuePos,
    held: job.held ? 1 : 0,
  };
}

/** The columns every end state sets: when, and why (null error for completed and canceled). */
export function endPatch(state: JobState, error: JobError | null, at: number): JobPatch {
  return {
    state,
    finished_at: at,
    remote_status: null,
    error_kind: error?.kind ?? null,
    error_message: error?.message ?? null,
    error_action: error?.action ?? null,
  };
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The page's view of a row at time `now`. */
export function jobFromRow(row: JobRow, now: number): Job {
  const error: JobError | null =
    row.error_kind && row.error_message
      ? { kind: row.error_kind, message: row.error_message, action: row.error_action ?? '' }
      : null;
  const since = row.submitted_at ?? row.created_at;
  return {
    id: row.id,
    model: row.model,
    params: parseJson<Record<string, unknown>>(row.params, {}),
    prompt: row.prompt,
    state: row.state,
    remoteStatus: row.remote_status,
    requestId: row.request_id,
    createdAt: row.created_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
    elapsedMs: Math.max(0, Math.round((row.finished_at ?? now) - since)),
    expectedMs: row.expected_ms,
    attempts: row.attempts,
    error,
    imageIds: parseJson<string[]>(row.image_ids, []),
    creditsSpent: row.credits_spent,
    parentId: row.parent_id,
    batchId: row.batch_id,
    held: row.held === 1,
  };
}
