import type Database from 'better-sqlite3';

export interface DurationEstimate {
  meanMs: number;
  /** Mean absolute deviation, floored so a run of identical samples never makes polling blind. */
  deviationMs: number;
  samples: number;
}

interface EstimateRow {
  key: string;
  mean_ms: number;
  deviation_ms: number;
  samples: number;
}

export interface DurationEstimator {
  estimate(key: string, seedMs: number): DurationEstimate;
  /** Learns from one finished job; call inside the transaction that records the job's progress. */
  observe(key: string, seedMs: number, observedMs: number): void;
}

const ALPHA = 0.2;

/**
 * An exponentially weighted mean and deviation of how long each kind of job takes (model, speed,
 * size, image count), seeded from the model page's typical time. Early samples weigh more (1/(n+2))
 * so a wrong seed is forgotten after a few jobs; later ones weigh ALPHA, so drift is followed.
 */
export function createDurationEstimator(db: Database.Database, now: () => number): DurationEstimator {
  const cache = new Map<string, DurationEstimate>();
  for (const row of db
    .prepare('SELECT key, mean_ms, deviation_ms, samples FROM job_duration_estimates')
    .all() as EstimateRow[]) {
    cache.set(row.key, { meanMs: row.mean_ms, deviationMs: row.deviation_ms, samples: row.samples });
  }
  const upsert = db.prepare(
    `INSERT INTO job_duration_estimates (key, mean_ms, deviation_ms, samples, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET mean_ms = excluded.mean_ms, deviation_ms = excluded.deviation_ms,
       samples = excluded.samples, updated_at = excluded.updated_at`,
  );

  const raw = (key: string, seedMs: number): DurationEstimate =>
    cache.get(key) ?? { meanMs: seedMs, deviationMs: seedMs * 0.25, samples: 0 };

  return {
    estimate(key, seedMs) {
      const { meanMs, deviationMs, samples } = raw(key, seedMs);
      return { meanMs, deviationMs: Math.max(deviationMs, meanMs * 0.03, 50), samples };
    },
    observe(key, seedMs, observedMs) {
      if (!(observedMs > 0)) return;
      const prior = raw(key, seedMs);
      const weight = Math.max(ALPHA, 1 / (prior.samples + 2));
      const meanMs = prior.meanMs + weight * (observedMs - prior.meanMs);
      const deviationMs =
        prior.deviationMs + weight * (Math.abs(observedMs - prior.meanMs) - prior.deviationMs);
      const next = { meanMs, deviationMs, samples: prior.samples + 1 };
      cache.set(key, next);
      upsert.run(key, meanMs, deviationMs, next.samples, now());
    },
  };
}
