/**
 * How bench:polling's planner constants were chosen: the four worlds on tuning seeds only (warm-up
 * 5000+i, measured 6000+i, oracle 7000+i), never the reported (100-303) or held-out (900-923) ones.
 * Options to try are merged over defaultPlannerOptions from OPTS, e.g.
 *   OPTS='{"requestCostMs":26}' node bench/polling-tune.ts
 * Prints each world's ratios to fixed 1 s (ROWS=1 adds every opponent's row).
 *
 * Session 5 (pooled-price.ts, the unusual-wait cadence): designs compared here only, with the
 * defaults unchanged. Cold start, mean / requests of fixed 1 s: per-request allowance 0.524 / 0.954;
 * a pooled price whose reckoning took a cold request's first polls for an expectation 0.454 / 1.008
 * (it undercounted them: a cold request makes every poll of its plan up to the unusual wait); counted
 * as made 0.476 / 0.954; with the unusual-wait cadence 0.416 / 0.953. Pooling where waits are short
 * and steady (lognormal) cost 0.521 / 0.975 against 0.517 / 0.965, so it pools only where waits
 * matter or one was unusual. Then the late-notice bound judged over the switch's bracket (a
 * correctness fix, found on the reported queued world): from the bracket's start (worst case) queued
 * 0.461 and cold start 0.424; averaged over the bracket 0.449 and 0.420, but that still let the
 * reported queued world's 1.9 s inference be noticed 2.35 s late, so the worst case is kept (chosen
 * after seeing the reported seeds: said so in the commit). POOL_MIN_ROWS, the price floor and the
 * bisection steps are judgements, not tuned.
 */
import { defaultPlannerOptions } from '../src/main/jobs/poll-planner.ts';
import type { DurationModelName } from '../src/main/simulator/durations.ts';
import { runWorld } from './polling-worlds.ts';

const worlds = (process.env.WORLDS ?? 'tight,lognormal,queued,cold-start').split(',') as DurationModelName[];
const options = { ...defaultPlannerOptions, ...JSON.parse(process.env.OPTS ?? '{}') };
for (const [i, world] of worlds.entries()) {
  const seeds = { warmup: 5000 + i, test: 6000 + i, oracle: 7000 + i };
  const { rows, ours, fixed1s } = runWorld(world, seeds, { warmup: 200, test: 2000, oracle: 20000 }, options);
  const ratio = (a: number, b: number) => (a / b).toFixed(3);
  console.log(
    `${world}: mean ${ratio(ours.meanMs, fixed1s.meanMs)} p95 ${ratio(ours.p95Ms, fixed1s.p95Ms)}` +
      ` max ${ours.maxMs} ms requests ${ratio(ours.requestsPerJob, fixed1s.requestsPerJob)}`,
  );
  if (process.env.ROWS) for (const row of rows) console.log('   ', JSON.stringify(row));
}
