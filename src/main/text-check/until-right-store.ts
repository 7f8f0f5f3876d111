import type Database from 'better-sqlite3';
import type { JobState } from '../../shared/api/jobs.ts';
import type { TextStatus } from '../../shared/api/library.ts';
import type { UntilRightChain, UntilRightState } from '../../shared/api/until-right.ts';
import type { ModelId } from '../../shared/models/index.ts';
import { cached } from '../library/statement-cache.ts';

/** The SQL of "until it's right" (tables of migration 011). Every value is bound. */

export interface ChainRow {
  id: string;
  model: ModelId;
  params: string;
  retries: number;
  queued: number;
  state: UntilRightState;
  passing_job_id: string | null;
  passing_image_id: string | null;
  message: string | null;
}

/** A chain for a job just inserted (in the same transaction): the request it repeats is the job's, as sent. */
export function insertChain(db: Database.Database, jobId: string, retries: number, at: number): void {
  cached(
    db,
    `INSERT INTO until_right_chains (id, model, params, retries, state, created_at, updated_at)
     SELECT id, model, params, ?, 'running', ?, ? FROM jobs WHERE id = ?`,
  ).run(retries, at, at, jobId);
  insertAttempt(db, jobId, jobId, 1);
}

export function insertAttempt(db: Database.Database, jobId: string, chainId: string, attempt: number): void {
  cached(db, 'INSERT INTO until_right_attempts (job_id, chain_id, attempt) VALUES (?, ?, ?)').run(
    jobId,
    chainId,
    attempt,
  );
}

/**
 * Counts one more retry, if the chain is still where its caller saw it: running, with `seen` retries
 * queued. False means another evaluation got there first, and the caller's insert must roll back.
 */
export function countRetry(db: Database.Database, chainId: string, seen: number, at: number): boolean {
  return (
    cached(
      db,
      `UPDATE until_right_chains SET queued = queued + 1, updated_at = ?
       WHERE id = ? AND queued = ? AND state = 'running'`,
    ).run(at, chainId, seen).changes === 1
  );
}

export function endChain(
  db: Database.Database,
  chainId: string,
  end: {
    state: Exclude<UntilRightState, 'running'>;
    message: string | null;
    jobId?: string;
    imageId?: string;
  },
  at: number,
): boolean {
  return (
    cached(
      db,
      `UPDATE until_right_chains SET state = ?, message = ?, passing_job_id = ?, passing_image_id = ?, updated_at = ?
       WHERE id = ? AND state = 'running'`,
    ).run(end.state, end.message, end.jobId ?? null, end.imageId ?? null, at, chainId).changes === 1
  );
}

/** A stopped chain whose last attempt the user sent again (jobs:retry) runs on from there. */
export function reopenChain(db: Database.Database, chainId: string, at: number): boolean {
  return (
    cached(
      db,
      `UPDATE until_right_chains SET state = 'running', message = NULL, updated_at = ?
       WHERE id = ? AND state = 'stopped'`,
    ).run(at, chainId).changes === 1
  );
}

export function chainRow(db: Database.Database, chainId: string): ChainRow | undefined {
  return cached<[string], ChainRow>(db, 'SELECT * FROM until_right_chains WHERE id = ?').get(chainId);
}

export function chainOfJob(db: Database.Database, jobId: string): string | undefined {
  return cached<[string], string>(db, 'SELECT chain_id FROM until_right_attempts WHERE job_id = ?')
    .pluck()
    .get(jobId);
}

/** The job an image came from, for a verdict: a job output's row says. */
export function jobOfImage(db: Database.Database, imageId: string): string | null {
  return (
    cached<[string], string | null>(db, 'SELECT job_id FROM images WHERE id = ?').pluck().get(imageId) ?? null
  );
}

export function attemptJobs(db: Database.Database, chainId: string): string[] {
  return cached<[string], string>(
    db,
    'SELECT job_id FROM until_right_attempts WHERE chain_id = ? ORDER BY attempt',
  )
    .pluck()
    .all(chainId);
}

export function runningChains(db: Database.Database): string[] {
  return cached<[], string>(db, "SELECT id FROM until_right_chains WHERE state = 'running'").pluck().all();
}

export function jobStateOf(db: Database.Database, jobId: string): JobState | undefined {
  return cached<[string], JobState>(db, 'SELECT state FROM jobs WHERE id = ?').pluck().get(jobId);
}

/** The seeds the chain's attempts were sent with (of the jobs still in the queue's table). */
export function attemptParams(db: Database.Database, chainId: string): string[] {
  return cached<[string], string>(
    db,
    `SELECT j.params FROM until_right_attempts a JOIN jobs j ON j.id = a.job_id WHERE a.chain_id = ?`,
  )
    .pluck()
    .all(chainId);
}

export interface AttemptImage {
  id: string;
  status: TextStatus | null;
  /** Why the check could not read it, for 'failed'. */
  error: string | null;
  trashed: boolean;
}

/** A job's images in output order, with their check's status. */
export function attemptImages(db: Database.Database, jobId: string): AttemptImage[] {
  return cached<[string], { id: string; status: TextStatus | null; error: string | null; trashed: number }>(
    db,
    `SELECT i.id, i.text_status AS status, c.error, i.trashed_at IS NOT NULL AS trashed
     FROM images i LEFT JOIN text_checks c ON c.image_pk = i.pk
     WHERE i.job_id = ? ORDER BY i.output_index`,
  )
    .all(jobId)
    .map((row) => ({ ...row, trashed: row.trashed === 1 }));
}

/** Chains holding any of these jobs, each once. */
export function chainsOfJobs(db: Database.Database, jobIds: readonly string[]): string[] {
  return cached<[string], string>(
    db,
    `SELECT DISTINCT chain_id FROM until_right_attempts WHERE job_id IN (SELECT value FROM json_each(?))`,
  )
    .pluck()
    .all(JSON.stringify(jobIds));
}

export function chainView(db: Database.Database, chainId: string): UntilRightChain | undefined {
  const row = chainRow(db, chainId);
  return (
    row && {
      id: row.id,
      retries: row.retries,
      jobIds: attemptJobs(db, chainId),
      state: row.state,
      passingImageId: row.passing_image_id,
      passingJobId: row.passing_job_id,
      message: row.message,
    }
  );
}
