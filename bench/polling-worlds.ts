/**
 * bench:polling, part one: the poll planner against three opponents on four worlds of request
 * durations, in virtual time (see polling-sim.ts), with the same seeded durations for every policy.
 */
import {
  drawDuration,
  durationModels,
  type DrawnDuration,
  type DurationModelName,
} from '../src/main/simulator/durations.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { optimalBlindSchedule } from './polling-optimal.ts';
import type { PlannerOptions } from '../src/main/jobs/poll-planner.ts';
import { createOurs, fixedInterval, runSchedule, type Outcome } from './polling-sim.ts';

/** ideogram-3 at DEFAULT speed: the model page's typical time. */
export const TYPICAL_MS = 10_290;

export interface PolicyRow {
  world: string;
  policy: string;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  requestsPerJob: number;
  [key: string]: string | number;
}

export interface WorldSeeds {
  /** Jobs the planner learns from before anything is measured (the app's history). */
  warmup: number;
  /** The measured jobs. */
  test: number;
  /** Draws the oracle's distribution is built from (never the measured ones). */
  oracle: number;
}

function draw(world: DurationModelName, seed: number, count: number): DrawnDuration[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => drawDuration(durationModels[world], TYPICAL_MS, random));
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function row(world: string, policy: string, outcomes: Outcome[]): PolicyRow {
  const delays = outcomes.map((o) => o.delayMs);
  return {
    world,
    policy,
    meanMs: Math.round(delays.reduce((a, b) => a + b, 0) / delays.length),
    p50Ms: Math.round(quantile(delays, 0.5)),
    p95Ms: Math.round(quantile(delays, 0.95)),
    maxMs: Math.round(Math.max(...delays)),
    requestsPerJob: Number((outcomes.reduce((a, o) => a + o.requests, 0) / outcomes.length).toFixed(2)),
  };
}

/** The fixed interval that spends `requests` per job on these durations (bisection). */
function intervalFor(jobs: DrawnDuration[], requests: number): number {
  let lo = 10;
  let hi = 60_000;
  for (let step = 0; step < 50; step++) {
    const mid = (lo + hi) / 2;
    const spent = jobs.reduce((a, job) => a + fixedInterval(job, mid).requests, 0) / jobs.length;
    if (spent > requests) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function runWorld(
  world: DurationModelName,
  seeds: WorldSeeds,
  counts = { warmup: 200, test: 2_000, oracle: 20_000 },
  options?: PlannerOptions,
  saysProcessing = true,
) {
  const ours = createOurs(TYPICAL_MS, options, saysProcessing);
  for (const job of draw(world, seeds.warmup, counts.warmup)) ours.run(job);
  const test = draw(world, seeds.test, counts.test);
  ours.planMs.length = 0;
  const oursOutcomes = test.map((job) => ours.run(job));
  ours.close();
  const planner = {
    world,
    calls: ours.planMs.length,
    'mean, ms': ours.planMs.reduce((a, b) => a + b, 0) / ours.planMs.length,
    'p50, ms': quantile(ours.planMs, 0.5),
    'p99, ms': quantile(ours.planMs, 0.99),
    'max, ms': Math.max(...ours.planMs),
  };
  const oursRow = row(world, 'ours', oursOutcomes);
  const fixed1s = row(
    world,
    'fixed 1 s (SDK)',
    test.map((job) => fixedInterval(job, 1_000)),
  );
  const interval = intervalFor(test, oursRow.requestsPerJob);
  const oracle = draw(world, seeds.oracle, counts.oracle).map((d) => d.queueMs + d.inferenceMs);
  const fixedSame = row(
    world,
    `fixed ${Math.round(interval)} ms (our count)`,
    test.map((job) => fixedInterval(job, interval)),
  );
  const schedule = optimalBlindSchedule(oracle, oursRow.requestsPerJob);
  const blind = row(
    world,
    'optimal blind (oracle, our count)',
    test.map((job) => runSchedule(job, schedule.times)),
  );
  // What is reachable under the targets' own rules: no draw noticed over 2 s late, and no more
  // requests than fixed 1 s spends on these jobs.
  const bounded = optimalBlindSchedule(oracle, fixed1s.requestsPerJob, { maxLateMs: 2_000 });
  const constrained = row(
    world,
    'optimal blind, <= 2 s late, fixed 1 s count (oracle)',
    test.map((job) => runSchedule(job, bounded.times)),
  );
  // Stronger than any poller can be: one told the moment of the switch for free, planning on the
  // inference alone under the same rules. What even that cannot reach, no anchoring can.
  const inferences = draw(world, seeds.oracle, counts.oracle).map((d) => d.inferenceMs);
  const told = optimalBlindSchedule(inferences, fixed1s.requestsPerJob, { maxLateMs: 2_000 });
  const switchKnown = row(
    world,
    'told the switch, <= 2 s late, fixed 1 s count (oracle)',
    test.map((job) => runSchedule({ queueMs: 0, inferenceMs: job.inferenceMs }, told.times)),
  );
  return {
    rows: [oursRow, fixed1s, fixedSame, blind, constrained, switchKnown],
    planner,
    ours: oursRow,
    fixed1s,
    constrained,
    switchKnown,
  };
}
