import type { Migration } from './types.ts';

/**
 * Queueing a big batch writes less (bench:batch: a 10,000-row file's start was mostly these writes).
 *
 * `jobs.prompt` was a second copy of the prompt already in `params` (the engine always set it from
 * params.prompt): with a spreadsheet's 1-3k-character briefs that doubled every row past a page of
 * its own. It is now computed from `params` when read, with the engine's own rule (a text prompt, else
 * ''), so every `SELECT *` and `j.prompt` reader sees what it saw before. DROP COLUMN rewrites the
 * table once, here.
 *
 * `batch_items_count` updated the batch's row (with two look-ups of the job) for every item inserted;
 * the batch store now adds a whole chunk's items to the counters in one UPDATE, in the transaction
 * that inserts them (batch-store.ts insertItems). The other counters' triggers stay.
 *
 * A batch's jobs were inserted held and released in one UPDATE once the last was in: that rewrote
 * every row a second time (a 10,000-row file's 30 MB, and the loop blocked 120-250 ms at 20,000).
 * Now the batch's own phase keeps them from being sent while it is 'queuing' (job-store.ts
 * nextQueued); `jobs_send_order` carries batch_id so the submitter skips them in the index.
 */
export const m012: Migration = {
  version: 12,
  name: 'batch-insert',
  up(db) {
    db.exec(`
      ALTER TABLE jobs DROP COLUMN prompt;
      ALTER TABLE jobs ADD COLUMN prompt TEXT GENERATED ALWAYS AS (
        CASE WHEN json_type(params, '$.prompt') = 'text' THEN json_extract(params, '$.prompt') ELSE '' END
      ) VIRTUAL;
      DROP TRIGGER batch_items_count;
      DROP INDEX jobs_send_order;
      CREATE INDEX jobs_send_order ON jobs (queue_pos, id, batch_id) WHERE state = 'queued' AND held = 0;
    `);
  },
};
