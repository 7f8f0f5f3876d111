import type { Migration } from './types.ts';

/**
 * Learned durations become samples instead of running averages: the poll planner fits each kind of
 * request (model, speed, size, image count) from the last few dozen finished ones, in log space, with
 * medians and quartiles that one cold start of minutes cannot drag (an average of deviations could).
 * A sample keeps the whole time from submit and, where a PROCESSING answer gave the switch, the
 * inference alone. The old averages are dropped: a few jobs relearn them.
 */
export const m009: Migration = {
  version: 9,
  name: 'duration-samples',
  up(db) {
    db.exec(`
      DROP TABLE job_duration_estimates;
      CREATE TABLE job_duration_samples (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL,
        total_ms REAL NOT NULL CHECK (total_ms > 0),
        inference_ms REAL CHECK (inference_ms IS NULL OR inference_ms > 0),
        saw_processing INTEGER NOT NULL CHECK (saw_processing IN (0, 1)),
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX job_duration_samples_key ON job_duration_samples (key, id);
    `);
  },
};
