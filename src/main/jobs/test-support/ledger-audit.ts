import type Database from 'better-sqlite3';

/**
 * What must hold between the jobs and the ledger after any crash: every request Segmind accepted (the
 * job knows its id) has exactly one ledger row, no row lacks its request, and each row carries the
 * charge the job recorded. Returns the broken promises, one line each (empty = all hold).
 */
export function auditLedger(db: Database.Database): { problems: string[]; rows: number; actualUsd: number } {
  const problems: string[] = [];
  const missing = db
    .prepare(
      `SELECT j.id FROM jobs j WHERE j.request_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.job_id = j.id AND l.request_id = j.request_id)`,
    )
    .pluck()
    .all() as string[];
  for (const id of missing) problems.push(`job ${id} has a request id but no ledger row`);
  const doubled = db
    .prepare('SELECT request_id, count(*) AS n FROM ledger GROUP BY request_id HAVING n > 1')
    .all() as { request_id: string; n: number }[];
  for (const row of doubled) problems.push(`request ${row.request_id} is booked ${row.n} times`);
  const orphans = db
    .prepare(
      `SELECT l.job_id FROM ledger l LEFT JOIN jobs j ON j.id = l.job_id
       WHERE j.id IS NULL OR j.request_id IS NOT l.request_id`,
    )
    .pluck()
    .all() as string[];
  for (const id of orphans) problems.push(`ledger row of job ${id} names a request the job does not have`);
  const unlike = db
    .prepare(
      `SELECT l.job_id FROM ledger l JOIN jobs j ON j.id = l.job_id
       WHERE j.credits_spent IS NOT NULL AND l.actual_usd IS NOT j.credits_spent`,
    )
    .pluck()
    .all() as string[];
  for (const id of unlike)
    problems.push(`ledger row of job ${id} does not carry the charge the job recorded`);
  const totals = db
    .prepare('SELECT count(*) AS rows, coalesce(sum(actual_usd), 0) AS actualUsd FROM ledger')
    .get() as {
    rows: number;
    actualUsd: number;
  };
  return { problems, ...totals };
}
