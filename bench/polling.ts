/**
 * bench:polling — our adaptive scheduler against the Segmind SDK's policy (ask every 1.0 s): each
 * against its own simulator with the same seed (same duration spread), same arrivals, both at once so
 * they share whatever else the machine is doing.
 *
 * Time is warped: engine and simulator run 1/SCALE times faster than the wall clock, so 60 ten-second
 * jobs take seconds. Latency = noticing (a poll first saw COMPLETED - the simulator finished the job),
 * in simulated ms, plus storing (image in the library - that poll's answer) in real ms: waiting scales
 * with the warp, downloading and storing are real work on this machine and count as they are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/main/library/database.ts';
import { createLibrary } from '../src/main/library/library.ts';
import { createJobEngine } from '../src/main/jobs/job-engine.ts';
import { adaptivePollPolicy, fixedPollPolicy, type PollPolicy } from '../src/main/jobs/poll-policy.ts';
import { warpedClock } from '../src/main/jobs/test-support/warped-clock.ts';
import { createSegmindClient, type SegmindClient } from '../src/main/segmind/index.ts';
import { startSimulator } from '../src/main/simulator/index.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { printTable, quantile, writeResults, type Row } from './bench-table.ts';

const SCALE = 0.25;
const JOBS = 60;
/** Mean gap between two new jobs, simulated ms. */
const ARRIVAL_MS = 1500;
const MAX_IN_FLIGHT = 8;
const PARAMS = { prompt: 'bench', rendering_speed: 'DEFAULT', resolution: '1024x1024' };

interface Timing {
  acceptedSim: number;
  durationSim?: number;
  seenSim?: number;
  seenReal?: number;
  storedReal?: number;
}

interface PolicyResult extends Row {
  policy: string;
  jobs: number;
  /** Completion on the simulator -> a poll saw it: what the polling policy decides. */
  noticeP50Ms: number;
  noticeP95Ms: number;
  /** Completion -> image in the library: noticing plus downloading, decoding, thumbnails, SQLite. */
  p50Ms: number;
  p95Ms: number;
  statusRequestsPerJob: number;
  requestsPerJob: number;
}

async function runPolicy(policy: PollPolicy): Promise<{ result: PolicyResult; learned: unknown[] }> {
  const simulator = await startSimulator({ timeScale: SCALE, random: mulberry32(7) });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-polling-'));
  const clock = warpedClock(SCALE);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const base = createSegmindClient({ baseUrl: simulator.url, apiKey: 'bench' });
  const byUrl = new Map<string, Timing>();
  const byRequest = new Map<string, Timing>();

  // Observes the real client's answers; every request still goes to the simulator.
  const client: SegmindClient = {
    ...base,
    async submit(model, params, options) {
      const answer = await base.submit(model, params, options);
      const timing: Timing = { acceptedSim: clock.now() };
      byUrl.set(answer.statusUrl, timing);
      byUrl.set(answer.responseUrl, timing);
      byRequest.set(answer.requestId, timing);
      return answer;
    },
    async status(url, options) {
      const answer = await base.status(url, options);
      const timing = byUrl.get(url);
      if (timing && answer.status === 'COMPLETED' && timing.seenSim === undefined) {
        timing.seenSim = clock.now();
        timing.seenReal = performance.now();
      }
      return answer;
    },
    async result(url, options) {
      const answer = await base.result(url, options);
      const seconds = (answer.raw as { metrics?: { inference_time?: number } }).metrics?.inference_time;
      const timing = byUrl.get(url);
      if (timing && typeof seconds === 'number') timing.durationSim = (seconds * 1000) / SCALE;
      return answer;
    },
  };

  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    now: clock.now,
    timers: clock.timers,
    maxInFlight: MAX_IN_FLIGHT,
    pollPolicy: policy,
    emit(event, payload) {
      if (event !== 'jobs:changed') return;
      const job = payload as { state: string; requestId: string | null };
      const timing = job.requestId ? byRequest.get(job.requestId) : undefined;
      if (timing && job.state === 'completed' && timing.storedReal === undefined)
        timing.storedReal = performance.now();
    },
  });
  engine.start();

  const arrivals = mulberry32(11);
  for (let i = 0; i < JOBS; i++) {
    engine.create({ model: 'ideogram-3', params: { ...PARAMS, prompt: `bench job ${i}` } });
    const gap = -Math.log(1 - arrivals()) * ARRIVAL_MS * SCALE;
    await new Promise((resolve) => setTimeout(resolve, gap));
  }
  while (engine.status().counts.completed + engine.status().counts.failed < JOBS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await engine.stop();
  const learned = db
    .prepare(
      'SELECT key, round(mean_ms) AS meanMs, round(deviation_ms) AS deviationMs, samples FROM job_duration_estimates',
    )
    .all();
  const stats = simulator.stats();
  await simulator.close();
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });

  const latencies: number[] = [];
  const notices: number[] = [];
  for (const t of byRequest.values()) {
    if (
      t.durationSim === undefined ||
      t.seenSim === undefined ||
      t.seenReal === undefined ||
      t.storedReal === undefined
    )
      continue;
    const noticed = Math.max(0, t.seenSim - (t.acceptedSim + t.durationSim));
    latencies.push(noticed + (t.storedReal - t.seenReal));
    notices.push(noticed);
  }
  const completed = latencies.length;
  const result: PolicyResult = {
    policy: policy.name,
    jobs: completed,
    noticeP50Ms: Math.round(quantile(notices, 0.5)),
    noticeP95Ms: Math.round(quantile(notices, 0.95)),
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p95Ms: Math.round(quantile(latencies, 0.95)),
    statusRequestsPerJob: Number((stats.statusRequests / JOBS).toFixed(2)),
    requestsPerJob: Number(
      ((stats.submits + stats.statusRequests + stats.resultRequests + stats.mediaRequests) / JOBS).toFixed(2),
    ),
  };
  return { result, learned };
}

// Side by side: both share whatever else this machine is doing while they run.
const [ours, sdk] = await Promise.all([runPolicy(adaptivePollPolicy()), runPolicy(fixedPollPolicy(1000))]);
const [adaptive, fixed] = [ours.result, sdk.result];
printTable([adaptive, fixed]);
console.log('learned by the adaptive run:', JSON.stringify(ours.learned));
const noticeRatio = adaptive.noticeP50Ms / fixed.noticeP50Ms;
const totalRatio = adaptive.p50Ms / fixed.p50Ms;
const verdict = {
  noticeP50Ratio: Number(noticeRatio.toFixed(3)),
  totalP50Ratio: Number(totalRatio.toFixed(3)),
  target: 0.3,
  requestsNoMore: adaptive.statusRequestsPerJob <= fixed.statusRequestsPerJob,
};
const percent = (x: number) => `${(x * 100).toFixed(0)} %`;
console.log(
  `\nnoticing p50: ${percent(noticeRatio)} of the fixed policy's; completion-to-library p50: ${percent(totalRatio)} (target <= 30 %)` +
    `\nstatus requests per job: ${adaptive.statusRequestsPerJob} vs ${fixed.statusRequestsPerJob} (${verdict.requestsNoMore ? 'no more' : 'MORE'})`,
);

const file = writeResults('polling', {
  conditions: { scale: SCALE, jobs: JOBS, arrivalMs: ARRIVAL_MS, maxInFlight: MAX_IN_FLIGHT, params: PARAMS },
  rows: [adaptive, fixed],
  learned: ours.learned,
  verdict,
});
console.log(`written ${path.relative(process.cwd(), file)}`);
