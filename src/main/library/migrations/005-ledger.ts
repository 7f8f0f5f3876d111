import type { Migration } from './types.ts';

/** The states in which a job's request is settled: whatever Segmind charged for it is now known or never will be. */
const settledStates = "'completed', 'failed', 'canceled', 'expired', 'interrupted'";

/**
 * Money. `ledger` has one row per request Segmind accepted (and so may charge): its estimate, the charge
 * Segmind reported (`x-credits-consumed`) when it did, and when. Rows are written by a trigger on
 * `jobs`, inside the very statement that records the charge (the accepted submit, or the transition
 * that settles the request), so no crash can separate a charge from its row; triggers also refuse any
 * later edit or delete. `job_costs` keeps the estimate the budget check made when it let a job go;
 * `ledger_days` sums the ledger per local day and model as rows arrive, and `collection_spend` what
 * each collection's images cost per local month, kept as charges are booked and images come and go.
 */

/** A request's cost shared out over the images it asked for, for the ledger row named `row`. */
const perImage = (row: string) => `coalesce(${row}.actual_usd, ${row}.estimate_usd, 0) / ${row}.images`;
const monthOf = (column: string) => `strftime('%Y-%m', ${column} / 1000, 'unixepoch', 'localtime')`;
const addToCollections = `ON CONFLICT (collection_id, month) DO UPDATE SET usd = usd + excluded.usd`;
export const m005: Migration = {
  version: 5,
  name: 'ledger',
  up(db) {
    db.exec(`
      CREATE TABLE job_costs (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        estimate_usd REAL NOT NULL CHECK (estimate_usd >= 0),
        images INTEGER NOT NULL CHECK (images >= 1),
        price_tier TEXT NOT NULL,
        estimated_at INTEGER NOT NULL
      ) STRICT;

      -- No foreign key to jobs: removing a job from the queue must not remove what it cost.
      CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL,
        request_id TEXT NOT NULL,
        model TEXT NOT NULL,
        images INTEGER NOT NULL CHECK (images >= 1),
        price_tier TEXT,
        estimate_usd REAL CHECK (estimate_usd IS NULL OR estimate_usd >= 0),
        actual_usd REAL CHECK (actual_usd IS NULL OR actual_usd >= 0),
        charged_at INTEGER NOT NULL,
        recorded_at INTEGER NOT NULL,
        -- The job's state when the row was written: 'submitted' when the submit answer named the charge.
        outcome TEXT NOT NULL,
        UNIQUE (job_id, request_id)
      ) STRICT;
      -- A month's rows, for the by-collection view (the sums come from ledger_days).
      CREATE INDEX ledger_charged ON ledger (charged_at);
      -- The last few observed charges per price, to correct the estimate. A charge of 0 (free credits,
      -- a promotion) says nothing about the price and would turn every estimate, and budget, to zero.
      CREATE INDEX ledger_observed ON ledger (model, price_tier, id) WHERE actual_usd > 0;

      -- Per local day and model, kept by a trigger: today, this month and the budget checks read a few
      -- rows of this instead of summing the history. Days are in local time (SQLite's 'localtime' is
      -- the process's time zone, the same one the app's own "today" uses).
      CREATE TABLE ledger_days (
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        model TEXT NOT NULL,
        usd REAL NOT NULL CHECK (usd >= 0),
        estimated_usd REAL NOT NULL CHECK (estimated_usd >= 0),
        images INTEGER NOT NULL CHECK (images >= 0),
        requests INTEGER NOT NULL CHECK (requests >= 0),
        PRIMARY KEY (day, model)
      ) STRICT, WITHOUT ROWID;

      CREATE TRIGGER ledger_rollup AFTER INSERT ON ledger BEGIN
        INSERT INTO ledger_days (day, model, usd, estimated_usd, images, requests)
        VALUES (
          date(new.charged_at / 1000, 'unixepoch', 'localtime'), new.model,
          coalesce(new.actual_usd, new.estimate_usd, 0),
          CASE WHEN new.actual_usd IS NULL THEN coalesce(new.estimate_usd, 0) ELSE 0 END,
          new.images, 1
        )
        ON CONFLICT (day, model) DO UPDATE SET
          usd = usd + excluded.usd, estimated_usd = estimated_usd + excluded.estimated_usd,
          images = images + excluded.images, requests = requests + 1;
      END;

      -- Sums only: the Spend view reads a month's row per collection instead of joining the month's
      -- requests to their images (a second at a million requests). No CHECK on usd: subtracting the
      -- same float sums back can leave -1e-17, which readers treat as zero.
      CREATE TABLE collection_spend (
        collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
        month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
        usd REAL NOT NULL,
        PRIMARY KEY (collection_id, month)
      ) STRICT, WITHOUT ROWID;

      -- A charge booked after its images went into collections (a late x-credits-consumed, a backfill).
      CREATE TRIGGER ledger_collection_spend AFTER INSERT ON ledger BEGIN
        INSERT INTO collection_spend (collection_id, month, usd)
        SELECT ci.collection_id, ${monthOf('new.charged_at')}, ${perImage('new')}
        FROM images i JOIN collection_images ci ON ci.image_pk = i.pk WHERE i.job_id = new.job_id
        ${addToCollections};
      END;
      CREATE TRIGGER collection_images_spend_in AFTER INSERT ON collection_images BEGIN
        INSERT INTO collection_spend (collection_id, month, usd)
        SELECT new.collection_id, ${monthOf('l.charged_at')}, ${perImage('l')}
        FROM images i JOIN ledger l ON l.job_id = i.job_id WHERE i.pk = new.image_pk
        ${addToCollections};
      END;
      -- An UPDATE, never an insert: when a whole collection goes, its rows may already be gone.
      CREATE TRIGGER collection_images_spend_out AFTER DELETE ON collection_images BEGIN
        UPDATE collection_spend SET usd = collection_spend.usd - gone.usd
        FROM (
          SELECT ${monthOf('l.charged_at')} AS month, sum(${perImage('l')}) AS usd
          FROM images i JOIN ledger l ON l.job_id = i.job_id WHERE i.pk = old.image_pk GROUP BY 1
        ) AS gone
        WHERE collection_spend.collection_id = old.collection_id AND collection_spend.month = gone.month;
      END;

      CREATE TRIGGER ledger_never_edited BEFORE UPDATE ON ledger BEGIN
        SELECT RAISE(ABORT, 'ledger rows are never edited after the fact');
      END;
      CREATE TRIGGER ledger_never_deleted BEFORE DELETE ON ledger BEGIN
        SELECT RAISE(ABORT, 'ledger rows are never deleted');
      END;

      -- A request is charged once Segmind accepted it: the row is written as soon as the charge is known
      -- (x-credits-consumed on the submit or the result) or the request is settled without one (then
      -- the estimate stands for it). A retry that asks Segmind for the same request adds nothing.
      CREATE TRIGGER jobs_charge_ledger AFTER UPDATE OF state, request_id, credits_spent ON jobs
      WHEN new.request_id IS NOT NULL
        AND (new.credits_spent IS NOT NULL OR new.state IN (${settledStates}))
      BEGIN
        INSERT OR IGNORE INTO ledger (
          job_id, request_id, model, images, price_tier, estimate_usd, actual_usd, charged_at, recorded_at, outcome
        )
        -- OR IGNORE skips CHECK failures too: a charge below zero is kept as unknown, never dropped.
        SELECT new.id, new.request_id, new.model, coalesce(c.images, 1), c.price_tier, c.estimate_usd,
          CASE WHEN new.credits_spent >= 0 THEN new.credits_spent END,
          coalesce(new.submitted_at, new.updated_at), new.updated_at, new.state
        FROM (SELECT 1) LEFT JOIN job_costs c ON c.job_id = new.id;
      END;
    `);
    // Requests charged before this version: their charge if Segmind said it, no estimate (none was kept).
    db.exec(`
      INSERT INTO ledger (job_id, request_id, model, images, price_tier, estimate_usd, actual_usd, charged_at, recorded_at, outcome)
      SELECT id, request_id, model,
        max(1, coalesce(nullif(json_array_length(image_ids), 0), json_extract(params, '$.num_images'), 1)),
        json_extract(params, '$.rendering_speed'), NULL,
        CASE WHEN credits_spent >= 0 THEN credits_spent END,
        coalesce(submitted_at, updated_at), updated_at, state
      FROM jobs
      WHERE request_id IS NOT NULL AND (credits_spent IS NOT NULL OR state IN (${settledStates}))
      ORDER BY coalesce(submitted_at, updated_at), id;
    `);
  },
};
