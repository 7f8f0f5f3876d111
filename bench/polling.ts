/**
 * bench:polling — how soon the queue notices a finished request, and what it spends to do so.
 *
 * 1. Four worlds of durations (src/main/simulator/durations.ts): tight (the old simulator: +-15 %,
 *    first tenth QUEUED), lognormal CV 0.3 behind a short warm-model wait, CV 0.2-0.4 behind queue
 *    waits of 0-20 s, and cold starts (5 % wait 1-4 minutes). For each, in virtual time with the same
 *    seeded durations: our planner (learning as the app does), the SDK's fixed 1 s, a fixed interval
 *    spending what ours spends, and the optimal blind poller for that world (dynamic programming on
 *    the true distribution: an oracle). Targets at no more requests than fixed 1 s: mean at most 50 %
 *    of fixed 1 s's, p95 at most 75 %, none noticed over 2 s late.
 * 2. A 50-per-minute budget that counts polls, 16 requests in flight: no request a per-minute limiter
 *    would refuse, and a mean within 1.5x of what the budget allows (the oracle at the polls per job
 *    the run's budget left after submits).
 * 3. The real engine and the real simulator (HTTP, SQLite, images), warped time: ours against fixed
 *    1 s on the lognormal world, and the budget run against a simulator that enforces 50 a minute on
 *    every request, counting its 429s.
 *
 * Honesty: the planner's constants (poll-planner.ts defaultPlannerOptions, duration-estimator.ts's
 * window and fit, request-budget.ts, pooled-price.ts) were chosen on other seeds (5000-7003,
 * bench/polling-tune.ts) than the ones reported here (100-511). A held-out set (900-923) was first
 * run after an earlier session's constants were final; later sessions have seen it, so it is no
 * longer fresh and is kept for comparison. A fresh one (1900-1923, the same shape) was first run
 * after the pooled price (session 5) was final. Nothing is tuned per world. The constrained oracle
 * shows what the targets allow at all: where it misses too, no poller that keeps the rules can hold
 * them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createJobEngine } from '../src/main/jobs/job-engine.ts';
import { warpedClock } from '../src/main/jobs/test-support/warped-clock.ts';
import { openDatabase } from '../src/main/library/database.ts';
import { createLibrary } from '../src/main/library/library.ts';
import { fixedPollPolicy, plannedPollPolicy, type PollPolicy } from '../src/main/jobs/poll-policy.ts';
import { createSegmindClient, type SegmindClient } from '../src/main/segmind/index.ts';
import { drawDuration, durationModels, type DurationModelName } from '../src/main/simulator/durations.ts';
import { mulberry32, startSimulator } from '../src/main/simulator/index.ts';
import { printTable, quantile, writeResults, type Row } from './bench-table.ts';
import { runBudget } from './polling-budget.ts';
import { runWorld, TYPICAL_MS } from './polling-worlds.ts';

const worlds: DurationModelName[] = ['tight', 'lognormal', 'queued', 'cold-start'];
const quick = process.argv.includes('--quick');
const counts = quick
  ? { warmup: 100, test: 500, oracle: 5_000 }
  : { warmup: 200, test: 2_000, oracle: 20_000 };

interface Target extends Row {
  target: string;
  value: string;
  held: boolean;
}
const targets: Target[] = [];
const bounds: Row[] = [];
function target(name: string, value: number, limit: number, format = (v: number) => v.toFixed(2)): void {
  targets.push({ target: name, value: `${format(value)} (limit ${format(limit)})`, held: value <= limit });
}

// 1. Worlds, virtual time: the reported seeds, then a held-out set first run after tuning was final.
const seedSets = [
  { name: 'reported', base: (i: number) => ({ warmup: 100 + i, test: 200 + i, oracle: 300 + i }) },
  {
    name: 'held-out 900-923, seen before',
    base: (i: number) => ({ warmup: 900 + i, test: 910 + i, oracle: 920 + i }),
  },
  {
    name: 'held-out 1900-1923, fresh',
    base: (i: number) => ({ warmup: 1900 + i, test: 1910 + i, oracle: 1920 + i }),
  },
];
const worldRows = [];
const plannerCost: Row[] = [];
for (const set of seedSets) {
  for (const [i, world] of worlds.entries()) {
    const { rows, planner, ours, fixed1s, constrained, switchKnown } = runWorld(world, set.base(i), counts);
    worldRows.push(...rows.map((r) => ({ seeds: set.name, ...r })));
    plannerCost.push({ seeds: set.name, ...planner });
    const tag = `${world} (${set.name})`;
    target(`${tag}: mean / fixed 1 s`, ours.meanMs / fixed1s.meanMs, 0.5);
    target(`${tag}: p95 / fixed 1 s`, ours.p95Ms / fixed1s.p95Ms, 0.75);
    target(`${tag}: max noticed late, ms`, ours.maxMs, 2_000, (v) => String(Math.round(v)));
    target(`${tag}: requests / fixed 1 s`, ours.requestsPerJob / fixed1s.requestsPerJob, 1);
    bounds.push({
      world: tag,
      'ours mean / fixed 1 s': (ours.meanMs / fixed1s.meanMs).toFixed(3),
      'ours requests / fixed 1 s': (ours.requestsPerJob / fixed1s.requestsPerJob).toFixed(3),
      'constrained oracle mean / fixed 1 s': (constrained.meanMs / fixed1s.meanMs).toFixed(3),
      'constrained oracle requests / fixed 1 s': (
        constrained.requestsPerJob / fixed1s.requestsPerJob
      ).toFixed(3),
      'constrained oracle max, ms': constrained.maxMs,
      'told-the-switch oracle mean / fixed 1 s': (switchKnown.meanMs / fixed1s.meanMs).toFixed(3),
    });
  }
}
console.log(`\nNoticing delay per world (virtual time; ${counts.test} measured requests each, ms):`);
printTable(worldRows);
console.log(
  "\nWhat is reachable: the optimal blind poller under the targets' rules (no draw noticed over 2 s late," +
    ' no more requests than fixed 1 s), an oracle that knows the true distribution; and one also told' +
    ' the moment of the switch to PROCESSING for free, a bound on any anchored poller:',
);
printTable(bounds);
console.log(
  '\nWhat one planning call costs (wall clock, ours; the pooled price is reckoned in the call after' +
    ' each finished request, the rest are plans on it):',
);
printTable(plannerCost);

// Where the promise stops (not targets): a CV 0.5 model, and a server that never says PROCESSING
// (ours can then only plan on the whole duration, like a blind poller that must learn its fit).
const beyond = [
  ...runWorld('wide', { warmup: 600, test: 601, oracle: 602 }, counts).rows,
  ...runWorld('queued', { warmup: 603, test: 604, oracle: 605 }, counts, undefined, false).rows.map((r) => ({
    ...r,
    world: 'queued, never says PROCESSING',
  })),
];
console.log('\nBeyond the targets (seeds 600-605; not targets, where the result stops holding):');
printTable(beyond);

// 2. A shared budget, virtual time.
function draws(world: DurationModelName, seed: number, n: number) {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => drawDuration(durationModels[world], TYPICAL_MS, random));
}
const budget = runBudget(
  draws('lognormal', 400, 64),
  draws('lognormal', 401, counts.warmup),
  draws('lognormal', 402, counts.oracle).map((d) => d.queueMs + d.inferenceMs),
  { maxInFlight: 16, perMinute: 50, seedMs: TYPICAL_MS },
);
console.log('\n50 requests a minute (polls count), 16 in flight, 64 requests (virtual time):');
printTable([budget as unknown as Row]);
target('budget: requests a limiter would refuse', budget.refusals, 0, String);
target('budget: mean / what the budget allows', budget.meanDelayMs / budget.allowedMeanDelayMs, 1.5);

// 3. The real engine against the real simulator, warped time.
const SCALE = 0.1;
const ENGINE_JOBS = quick ? 16 : 40;

interface EngineRun extends Row {
  policy: string;
  jobs: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  statusRequestsPerJob: number;
  refusals429: number;
}

async function engineRun(
  policy: PollPolicy,
  options: { seed: number; rateLimit?: number; maxInFlight: number },
): Promise<EngineRun> {
  const simulator = await startSimulator({
    timeScale: SCALE,
    random: mulberry32(options.seed),
    durations: durationModels.lognormal,
    // The simulator's window is wall-clock time, as fast as everything else in it.
    rateLimit: options.rateLimit
      ? { requests: options.rateLimit, windowMs: 60_000 * SCALE, countsPolls: true }
      : null,
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-polling-'));
  const clock = warpedClock(SCALE);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const base = createSegmindClient({ baseUrl: simulator.url, apiKey: 'bench' });
  const requestOf = new Map<string, string>();
  const delays: number[] = [];
  // The real client, watched: a poll's answer that first says COMPLETED, against the simulator's finish.
  const client: SegmindClient = {
    ...base,
    async submit(model, params, callOptions) {
      const answer = await base.submit(model, params, callOptions);
      requestOf.set(answer.statusUrl, answer.requestId);
      return answer;
    },
    async status(url, callOptions) {
      const answer = await base.status(url, callOptions);
      const id = requestOf.get(url);
      if (id && answer.status === 'COMPLETED') {
        requestOf.delete(url);
        const finish = simulator.finishesAt(id);
        if (finish !== undefined) delays.push(Math.max(0, Date.now() - finish) / SCALE);
      }
      return answer;
    },
  };
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: () => undefined,
    now: clock.now,
    timers: clock.timers,
    random: mulberry32(options.seed + 1),
    maxInFlight: options.maxInFlight,
    pollPolicy: policy,
    retentionMs: 3_600_000 / SCALE,
    ...(options.rateLimit ? { rateLimit: { perMinute: options.rateLimit, pollsCount: true } } : {}),
  });
  engine.start();
  for (let i = 0; i < ENGINE_JOBS; i++) {
    engine.create({ model: 'ideogram-3', params: { prompt: `bench ${i}`, rendering_speed: 'DEFAULT' } });
  }
  for (;;) {
    const counts = engine.status().counts;
    if (counts.completed + counts.failed + counts.expired + counts.interrupted >= ENGINE_JOBS) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await engine.stop();
  const stats = simulator.stats();
  const refusals = simulator.requestLog().filter((entry) => entry.status === 429).length;
  await simulator.close();
  // The library's page reader is a worker thread: left open, it kept the bench from exiting.
  await library.close();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return {
    policy: options.rateLimit ? `${policy.name}, ${options.rateLimit}/min on every request` : policy.name,
    jobs: delays.length,
    meanMs: Math.round(delays.reduce((a, b) => a + b, 0) / Math.max(1, delays.length)),
    p95Ms: Math.round(quantile(delays, 0.95)),
    maxMs: Math.round(Math.max(0, ...delays)),
    statusRequestsPerJob: Number((stats.statusRequests / ENGINE_JOBS).toFixed(2)),
    refusals429: refusals,
  };
}

const engineRows = await Promise.all([
  engineRun(plannedPollPolicy, { seed: 500, maxInFlight: 8 }),
  engineRun(fixedPollPolicy(1000), { seed: 500, maxInFlight: 8 }),
]);
const budgeted = await engineRun(plannedPollPolicy, { seed: 510, rateLimit: 50, maxInFlight: 16 });
console.log(`\nThe real engine and simulator (HTTP, SQLite, images; time x${1 / SCALE}):`);
printTable([...engineRows, budgeted]);
target('engine: 429s under a 50/min limit on every request', budgeted.refusals429, 0, String);

console.log('\nTargets:');
printTable(targets);
const file = writeResults('polling', {
  conditions: {
    counts,
    worlds,
    seeds: {
      worlds: '100-303',
      heldOut: '900-923 (seen before)',
      freshHeldOut: '1900-1923',
      beyond: '600-605',
      budget: '400-402',
      engine: '500-511',
    },
  },
  worlds: worldRows,
  bounds,
  plannerCost,
  beyond,
  budget,
  engine: [...engineRows, budgeted],
  targets,
  load: os.loadavg(),
});
console.log(
  `written ${path.relative(process.cwd(), file)}; load average ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);
