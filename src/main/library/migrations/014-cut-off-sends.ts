import type { Migration } from './types.ts';

/**
 * Sends cut off before Segmind named a request id: Segmind may have charged for each, and nothing
 * will ever say. Budgets count them (ledger.ts), so a crash mid-send cannot carry spend past a cap.
 * Read from the interrupted jobs themselves, that memory went with a retry (the job is queued again)
 * or a removal; a row here is written once, by a trigger, the moment a send is cut off, and outlives
 * both. No foreign key to jobs, as for the ledger: removing a job must not remove what it may cost.
 */
export const m014: Migration = {
  version: 14,
  name: 'cut-off-sends',
  up(db) {
    db.exec(`
      CREATE TABLE cut_off_sends (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL,
        estimate_usd REAL NOT NULL CHECK (estimate_usd >= 0),
        estimated_at INTEGER NOT NULL
      ) STRICT;
      -- Budgets sum a day or a month of them: a range over this index, whatever the history.
      CREATE INDEX cut_off_sends_at ON cut_off_sends (estimated_at, estimate_usd);

      -- The estimate was kept when the send was admitted (job_costs): a job sent with no budget
      -- guard has none, and counts for nothing, as before.
      CREATE TRIGGER jobs_cut_off AFTER UPDATE OF state ON jobs
        WHEN new.state = 'interrupted' AND old.state <> 'interrupted' AND new.request_id IS NULL
      BEGIN
        INSERT INTO cut_off_sends (job_id, estimate_usd, estimated_at)
          SELECT new.id, c.estimate_usd, c.estimated_at FROM job_costs c WHERE c.job_id = new.id;
      END;

      INSERT INTO cut_off_sends (job_id, estimate_usd, estimated_at)
        SELECT j.id, c.estimate_usd, c.estimated_at FROM jobs j JOIN job_costs c ON c.job_id = j.id
        WHERE j.state = 'interrupted' AND j.request_id IS NULL;
    `);
  },
};
