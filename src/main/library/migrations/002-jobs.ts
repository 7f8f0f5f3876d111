import type { Migration } from './types.ts';

/**
 * The job queue. A row is written before each step it enables (see src/main/jobs/), so after a crash the
 * state says exactly what may have happened: `submitting` = a request may have reached Segmind.
 * `image_ids` is a copy for the queue view; the library's images carry (job_id, output_index) themselves.
 * `job_attempts` keeps each request's outcome for diagnosis; `job_duration_estimates` is the learned
 * (EWMA) time per kind of job that drives polling.
 */
export const m002: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        prompt TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL CHECK (state IN (
          'queued', 'submitting', 'submitted', 'downloading',
          'completed', 'failed', 'canceled', 'expired', 'interrupted'
        )),
        remote_status TEXT CHECK (remote_status IN ('QUEUED', 'PROCESSING')),
        request_id TEXT,
        status_url TEXT,
        response_url TEXT,
        created_at INTEGER NOT NULL,
        submitted_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL,
        estimate_key TEXT NOT NULL,
        expected_ms INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        error_kind TEXT,
        error_message TEXT,
        error_action TEXT,
        image_ids TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(image_ids)),
        credits_spent REAL,
        parent_id TEXT,
        batch_id TEXT NOT NULL,
        CHECK ((error_kind IS NULL) = (error_message IS NULL)),
        CHECK (state NOT IN ('submitted', 'downloading') OR (request_id IS NOT NULL AND status_url IS NOT NULL AND response_url IS NOT NULL))
      ) STRICT;

      CREATE INDEX jobs_state_created ON jobs (state, created_at);
      CREATE INDEX jobs_created ON jobs (created_at);
      CREATE INDEX jobs_batch ON jobs (batch_id);

      CREATE TABLE job_attempts (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        step TEXT NOT NULL CHECK (step IN ('submit', 'status', 'result', 'download', 'store')),
        outcome TEXT NOT NULL,
        http_status INTEGER,
        message TEXT
      ) STRICT;
      CREATE INDEX job_attempts_job ON job_attempts (job_id, id);

      CREATE TABLE job_duration_estimates (
        key TEXT PRIMARY KEY,
        mean_ms REAL NOT NULL CHECK (mean_ms > 0),
        deviation_ms REAL NOT NULL CHECK (deviation_ms >= 0),
        samples INTEGER NOT NULL CHECK (samples > 0),
        updated_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
