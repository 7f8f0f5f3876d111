/**
 * How bench:polling's planner constants were chosen: the four worlds on tuning seeds only (warm-up
 * 5000+i, measured 6000+i, oracle 7000+i), never the reported (100-303) or held-out (900-923) ones.
 * Options to try are merged over defaultPlannerOptions from OPTS, e.g.
 *   OPTS='{"requestCostMs":26}' node bench/polling-tune.ts
 * Prints each world's ratios to fixed 1 s (ROWS=1 adds every opponent's row).
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
