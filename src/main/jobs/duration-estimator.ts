import type Database from 'better-sqlite3';
import { logNormalFromMean, meanOf, quantileOf, type LogNormal } from './lognormal.ts';
import type { DurationBeliefs } from './poll-planner.ts';

/** One finished request: the whole time from submit, and the inference alone when the switch was seen. */
export interface DurationSample {
  totalMs: number;
  inferenceMs: number | null;
  sawProcessing: boolean;
}

export interface Beliefs extends DurationBeliefs {
  /** The expected time from submit, for the page ("about 12 s"). */
  meanMs: number;
  samples: number;
}

export interface DurationEstimator {
  beliefs(key: string, seedMs: number): Beliefs;
  /** Learns from one finished request; call inside the transaction that records the job's progress. */
  observe(key: string, sample: DurationSample): void;
}

/** Samples fitted per kind of request: recent enough to follow drift, enough that the fit sits still (32 moved a plan by several hundred ms from one job to the next). */
export const SAMPLE_WINDOW = 64;
/**
 * Rows kept per kind: more than the window, because inference times are learned only from requests
 * whose switch to PROCESSING was watched, and those may be a minority of the recent ones.
 */
const ROWS_KEPT = SAMPLE_WINDOW * 8;
/** How many samples the model page's figure is worth while few real ones exist. */
const PRIOR_WEIGHT = 3;
/** Below this many samples a spread estimate is noise: the prior's spread is used. */
const MIN_FOR_SPREAD = 4;
/** Wide on purpose: the page's typical time says nothing about this account's queue. */
const PRIOR_TOTAL_CV = 0.4;
const PRIOR_INFERENCE_CV = 0.35;
const MIN_SIGMA = 0.02;
/** Whether the server reports PROCESSING is judged on this many recent requests. */
const PROCESSING_VOTES = 8;

const NO_ROWS: readonly DurationSample[] = [];

interface SampleRow {
  key: string;
  total_ms: number;
  inference_ms: number | null;
  saw_processing: number;
}

/** Interpolated quantiles of sorted values. */
function quantiles(sorted: number[]): (q: number) => number {
  const n = sorted.length;
  return (q) => {
    const i = q * (n - 1);
    const lo = Math.floor(i);
    return sorted[lo]! + (sorted[Math.min(n - 1, lo + 1)]! - sorted[lo]!) * (i - lo);
  };
}

/**
 * The centre and spread of log durations, pulled toward the prior while samples are few. The
 * quartiles (which a few outliers, cold starts, cannot move) set aside what lies beyond four spreads;
 * the rest is fitted by its mean and standard deviation, which keep a mixture's heavier tails.
 */
function fit(values: number[], prior: LogNormal, priorWeight = PRIOR_WEIGHT): LogNormal {
  let logs = values.map(Math.log).sort((a, b) => a - b);
  if (logs.length >= MIN_FOR_SPREAD) {
    const at = quantiles(logs);
    const reach = 4 * Math.max(MIN_SIGMA, (at(0.75) - at(0.25)) / 1.349);
    logs = logs.filter((v) => Math.abs(v - at(0.5)) <= reach);
  }
  const n = logs.length;
  if (n === 0) return prior;
  // Past the cut, the mean and deviation of the logs: they use every sample, where quantiles waste
  // a third of them (a median's efficiency is 64 %), and a plan's place and width follow the fit.
  const mean = logs.reduce((a, b) => a + b, 0) / n;
  const mu = (n * mean + priorWeight * prior.mu) / (n + priorWeight);
  if (n < MIN_FOR_SPREAD) return { mu, sigma: prior.sigma };
  const sigma = Math.max(MIN_SIGMA, Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)));
  // Spreads blend geometrically: a wide prior must not swamp a tight, well-sampled fit.
  const blended = Math.exp((n * Math.log(sigma) + priorWeight * Math.log(prior.sigma)) / (n + priorWeight));
  return { mu, sigma: blended };
}

/**
 * Whether queue waits matter, judged without seeing them: waits and inference add up, so their
 * spreads add in square, and what the whole duration spreads beyond the inference is the waits'. They
 * matter when that is at least half the inference's own spread. Unknown (a new kind) counts as
 * mattering: a cold model is exactly when it does. A wait longer than nearly every whole duration
 * (the 99th percentile) is unusual: a cold start, not the queue's daily weather.
 */
function queueWaits(samples: number, total: LogNormal, inference: LogNormal) {
  if (samples < MIN_FOR_SPREAD) return { queueMatters: true, longQueueMs: null };
  const spread = (d: LogNormal) => Math.exp(d.mu) * d.sigma;
  const waitSpread = Math.sqrt(Math.max(0, spread(total) ** 2 - spread(inference) ** 2));
  return { queueMatters: waitSpread >= 0.5 * spread(inference), longQueueMs: quantileOf(total, 0.99) };
}

/**
 * What each kind of request has taken lately, kept in SQLite so a restart does not forget it. The
 * model page's typical time seeds a key never seen before and is outweighed after a few jobs.
 */
export function createDurationEstimator(db: Database.Database, now: () => number): DurationEstimator {
  const cache = new Map<string, DurationSample[]>();
  const fitted = new Map<string, { kept: readonly DurationSample[]; seedMs: number; beliefs: Beliefs }>();
  const rows = db
    .prepare<[], SampleRow>(
      'SELECT key, total_ms, inference_ms, saw_processing FROM job_duration_samples ORDER BY id',
    )
    .all();
  for (const row of rows) {
    const list = cache.get(row.key) ?? [];
    list.push({
      totalMs: row.total_ms,
      inferenceMs: row.inference_ms,
      sawProcessing: row.saw_processing === 1,
    });
    cache.set(row.key, list.slice(-ROWS_KEPT));
  }
  const insert = db.prepare(
    'INSERT INTO job_duration_samples (key, total_ms, inference_ms, saw_processing, at) VALUES (?, ?, ?, ?, ?)',
  );
  const prune = db.prepare(
    `DELETE FROM job_duration_samples WHERE key = ? AND id <= (
       SELECT id FROM job_duration_samples WHERE key = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`,
  );

  return {
    beliefs(key, seedMs) {
      const kept = cache.get(key) ?? NO_ROWS;
      // Asked at every poll of every request, and unchanged until one of this kind finishes (a new
      // array then): fitted once per sample, not per poll.
      const known = fitted.get(key);
      if (known && known.kept === kept && known.seedMs === seedMs) return known.beliefs;
      const samples = kept.slice(-SAMPLE_WINDOW);
      const watched = kept.filter((s) => s.inferenceMs !== null).slice(-SAMPLE_WINDOW);
      const inference = fit(
        watched.map((s) => s.inferenceMs!),
        logNormalFromMean(seedMs, PRIOR_INFERENCE_CV),
      );
      // Cold starts' minutes fall outside the fit (see fit): the whole-duration plan is for the usual
      // request, and poll-planner.ts watches for the switch when a wait turns out unusual.
      const total = fit(
        samples.map((s) => s.totalMs),
        logNormalFromMean(seedMs, PRIOR_TOTAL_CV),
      );
      // Judged on the samples alone: the two priors differ in width, and blended in they would
      // make a steady queue look busy.
      const waits = queueWaits(
        samples.length,
        fit(
          samples.map((s) => s.totalMs),
          total,
          0,
        ),
        fit(
          watched.map((s) => s.inferenceMs!),
          inference,
          0,
        ),
      );
      const votes = samples.slice(-PROCESSING_VOTES);
      const reportsProcessing =
        votes.length === 0 || votes.filter((s) => s.sawProcessing).length * 2 >= votes.length;
      const beliefs: Beliefs = {
        total,
        inference,
        reportsProcessing,
        ...waits,
        history: kept,
        meanMs: meanOf(total),
        samples: samples.length,
      };
      fitted.set(key, { kept, seedMs, beliefs });
      return beliefs;
    },
    observe(key, sample) {
      if (!(sample.totalMs > 0)) return;
      const inferenceMs = sample.inferenceMs !== null && sample.inferenceMs > 0 ? sample.inferenceMs : null;
      const clean = { ...sample, inferenceMs };
      cache.set(key, [...(cache.get(key) ?? []), clean].slice(-ROWS_KEPT));
      insert.run(key, clean.totalMs, inferenceMs, clean.sawProcessing ? 1 : 0, now());
      prune.run(key, key, ROWS_KEPT);
    },
  };
}
