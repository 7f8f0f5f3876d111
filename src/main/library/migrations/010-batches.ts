import type { Migration } from './types.ts';

const failedStates = "'failed', 'expired', 'interrupted'";

/**
 * Batches and a queue the user steers.
 *
 * `jobs.queue_pos` is the send order: the submitter walks queued jobs by it (was created_at, which a
 * user could not change); existing rows keep their order. `jobs.held` marks jobs of a paused batch:
 * the send-order index leaves them out, so a paused batch of 10,000 at the front costs the submitter
 * nothing on each pass. `jobs_batch_state` replaces `jobs_batch`: "is anything of this batch still
 * running?" is then a few index seeks instead of a walk over the whole batch.
 *
 * `batches` holds what a batch is (its name, the parameters it varies, its collection) and counters
 * kept by triggers on `jobs` and `ledger`, so progress and spend are read from one row whatever the
 * batch's size. `batch_items` ties each job to its row of the file or cell of the matrix, with the
 * estimate it was queued with. `queue_pause` is the user's "pause the whole queue", kept across
 * restarts: a queue the user paused must not start spending when the app opens again.
 */
export const m010: Migration = {
  version: 10,
  name: 'batches',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN queue_pos REAL NOT NULL DEFAULT 0;
      ALTER TABLE jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
      UPDATE jobs SET queue_pos = created_at;
      DROP INDEX jobs_batch;
      CREATE INDEX jobs_batch_state ON jobs (batch_id, state);
      CREATE INDEX jobs_send_order ON jobs (queue_pos, id) WHERE state = 'queued' AND held = 0;
      CREATE INDEX jobs_queue_order ON jobs (queue_pos, id) WHERE state = 'queued';

      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
        origin TEXT NOT NULL CHECK (origin IN ('file', 'matrix')),
        model TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        -- 'queuing' while its rows go in (a few hundred per transaction, every job held); a batch a
        -- crash left in 'queuing' was never sent and is dropped at the next start.
        phase TEXT NOT NULL CHECK (phase IN ('queuing', 'ready')),
        paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        -- [{param, label, values}]: what the grid lays out as rows and columns.
        axes TEXT NOT NULL CHECK (json_valid(axes)),
        -- The parameters the export gives a column each, in order.
        params TEXT NOT NULL CHECK (json_valid(params)),
        collection_id INTEGER REFERENCES collections (id) ON DELETE SET NULL,
        total INTEGER NOT NULL DEFAULT 0 CHECK (total >= 0),
        completed INTEGER NOT NULL DEFAULT 0 CHECK (completed >= 0),
        failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
        canceled INTEGER NOT NULL DEFAULT 0 CHECK (canceled >= 0),
        -- Jobs waiting to be sent (queued, held or not).
        waiting INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0),
        images INTEGER NOT NULL DEFAULT 0 CHECK (images >= 0),
        -- Booked in the ledger for this batch's requests (Segmind's charge, else the estimate).
        spent_usd REAL NOT NULL DEFAULT 0,
        -- Estimates of the jobs waiting to be sent. No CHECK: float sums subtracted back can leave -1e-17.
        unsent_usd REAL NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX batches_created ON batches (created_at);

      CREATE TABLE batch_items (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        batch_id TEXT NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
        -- The row of the file (as a spreadsheet numbers it) or the cell of the matrix (from 0).
        item INTEGER NOT NULL CHECK (item >= 0),
        estimate_usd REAL NOT NULL CHECK (estimate_usd >= 0),
        -- A matrix cell's place: the index of its value on each of the batch's axes (a prompt's
        -- {red|blue} choice is in no parameter). A file's rows read their values from the job.
        coords TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(coords)),
        UNIQUE (batch_id, item)
      ) STRICT;

      CREATE TABLE queue_pause (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        paused_at INTEGER NOT NULL
      ) STRICT;

      CREATE TRIGGER batch_items_count AFTER INSERT ON batch_items BEGIN
        UPDATE batches SET total = total + 1,
          waiting = waiting + ((SELECT state FROM jobs WHERE id = new.job_id) = 'queued'),
          unsent_usd = unsent_usd + CASE WHEN (SELECT state FROM jobs WHERE id = new.job_id) = 'queued'
            THEN new.estimate_usd ELSE 0 END
        WHERE id = new.batch_id;
      END;

      CREATE TRIGGER batch_jobs_state AFTER UPDATE OF state ON jobs WHEN old.state IS NOT new.state BEGIN
        UPDATE batches SET
          completed = completed + (new.state = 'completed') - (old.state = 'completed'),
          failed = failed + (new.state IN (${failedStates})) - (old.state IN (${failedStates})),
          canceled = canceled + (new.state = 'canceled') - (old.state = 'canceled'),
          waiting = waiting + (new.state = 'queued') - (old.state = 'queued'),
          images = images
            + CASE WHEN new.state = 'completed' THEN json_array_length(new.image_ids) ELSE 0 END
            - CASE WHEN old.state = 'completed' THEN json_array_length(old.image_ids) ELSE 0 END,
          unsent_usd = unsent_usd + ((new.state = 'queued') - (old.state = 'queued'))
            * coalesce((SELECT estimate_usd FROM batch_items WHERE job_id = new.id), 0)
        WHERE id = new.batch_id;
      END;

      -- Before the delete, while the job's item (removed with it by the foreign key) is still there.
      CREATE TRIGGER batch_jobs_removed BEFORE DELETE ON jobs BEGIN
        UPDATE batches SET
          total = total - (SELECT count(*) FROM batch_items WHERE job_id = old.id),
          completed = completed - (old.state = 'completed'),
          failed = failed - (old.state IN (${failedStates})),
          canceled = canceled - (old.state = 'canceled'),
          waiting = waiting - (old.state = 'queued'),
          images = images - CASE WHEN old.state = 'completed' THEN json_array_length(old.image_ids) ELSE 0 END,
          unsent_usd = unsent_usd - (old.state = 'queued')
            * coalesce((SELECT estimate_usd FROM batch_items WHERE job_id = old.id), 0)
        WHERE id = old.batch_id AND EXISTS (SELECT 1 FROM batch_items WHERE job_id = old.id);
      END;

      -- A batch's images join its collection in the transaction that stores them: never twice, never lost.
      CREATE TRIGGER batch_jobs_collect AFTER UPDATE OF state ON jobs
      WHEN new.state = 'completed' AND old.state IS NOT 'completed' BEGIN
        INSERT INTO collection_images (collection_id, image_pk, added_at)
        SELECT b.collection_id, i.pk, coalesce(new.finished_at, new.updated_at)
        FROM batches b JOIN images i ON i.job_id = new.id
        WHERE b.id = new.batch_id AND b.collection_id IS NOT NULL
        ON CONFLICT DO NOTHING;
      END;

      CREATE TRIGGER batch_ledger_spent AFTER INSERT ON ledger BEGIN
        UPDATE batches SET spent_usd = spent_usd + coalesce(new.actual_usd, new.estimate_usd, 0)
        WHERE id = (SELECT batch_id FROM jobs WHERE id = new.job_id);
      END;
    `);
  },
};
