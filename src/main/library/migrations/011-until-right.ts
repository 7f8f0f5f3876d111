import type { Migration } from './types.ts';

/**
 * "Until it's right": a job whose quoted text the check finds wrong is tried again with new seeds, up
 * to `retries` more times, until one image reads right (src/main/text-check/until-right.ts).
 *
 * `until_right_chains` is one row per chain, keyed by its first job's id, holding the request the
 * retries repeat (the first attempt's model and params, as sent) and where the chain stands.
 * `until_right_attempts` ties each attempt's job to its number. The retry's job row and its attempt
 * row are written in one transaction, and (chain_id, attempt) is unique: a verdict seen again after a
 * crash or restart can never queue the same retry twice. No foreign key to jobs: the user may remove
 * a finished job from the queue, and the chain (and its images in the library) outlive it.
 */
export const m011: Migration = {
  version: 11,
  name: 'until-right',
  up(db) {
    db.exec(`
      CREATE TABLE until_right_chains (
        id TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        retries INTEGER NOT NULL CHECK (retries BETWEEN 1 AND 5),
        -- Retries queued so far: the chain's last attempt is number queued + 1.
        queued INTEGER NOT NULL DEFAULT 0 CHECK (queued BETWEEN 0 AND retries),
        state TEXT NOT NULL CHECK (state IN ('running', 'passed', 'exhausted', 'budget', 'unchecked', 'stopped')),
        passing_job_id TEXT,
        passing_image_id TEXT,
        -- Why it stopped, in words for the user (a budget's message, the check's error).
        message TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK ((state = 'passed') = (passing_image_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX until_right_running ON until_right_chains (id) WHERE state = 'running';

      CREATE TABLE until_right_attempts (
        job_id TEXT PRIMARY KEY,
        chain_id TEXT NOT NULL REFERENCES until_right_chains (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        UNIQUE (chain_id, attempt)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
