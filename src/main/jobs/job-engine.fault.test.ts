import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeJobStates, type Job } from '../../shared/api/jobs.ts';
import { mulberry32, startSimulator, type Simulator } from '../simulator/index.ts';
import { createSimulatedEngine } from './test-support/simulated-engine.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The fault rates of the first version of this test, tripled (issue 11 found deadlocks at 2-3x). */
const faults = {
  statusRates: { 429: 0.3, 500: 0.06, 502: 0.045, 504: 0.045 },
  dropRate: 0.06,
  truncateRate: 0.03,
};
/** Wall-clock time within which every one of the 200 jobs must have ended (engine time is 50x faster). */
const BOUND_MS = 150_000;
/** Why a job may end other than completed: a submit whose answer was lost, or a refusal that never let up. */
const allowedEnds: Record<string, string[]> = {
  interrupted: ['interrupted'],
  failed: ['server', 'rate_limited', 'bad_response', 'invalid_output', 'network', 'timeout'],
};

describe('job engine under faults (real simulator, real SQLite)', () => {
  it(
    'ends 200 jobs at 3x the fault rates within the bound: none stuck, none sent twice',
    async () => {
      const seed = Number(process.env.TEST_SEED) || Math.floor(Math.random() * 2 ** 31);
      console.info(`[fault test] seed ${seed} (rerun with TEST_SEED=${seed})`);
      const scale = 0.02;
      const simulator: Simulator = await startSimulator({
        timeScale: scale,
        faults,
        random: mulberry32(seed),
      });
      cleanups.push(() => simulator.close());
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-fault-'));
      cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
      const world = createSimulatedEngine({
        dataDir,
        baseUrl: simulator.url,
        scale,
        maxInFlight: 32,
        random: mulberry32(seed + 1),
      });
      cleanups.push(() => world.close());
      const { engine, db } = world;
      engine.start();

      const created: Job[] = [];
      for (let i = 0; i < 200; i++) {
        created.push(
          engine.create({
            model: 'ideogram-3',
            params: { prompt: `fault job ${i}`, rendering_speed: 'TURBO', resolution: '512x1536' },
          }),
        );
      }
      const started = Date.now();
      const active = () => activeJobStates.reduce((sum, state) => sum + engine.status().counts[state], 0);
      await until(() => active() === 0, BOUND_MS, `every job to end (seed ${seed})`);
      const tookMs = Date.now() - started;

      const jobs = engine.list({ limit: 1000 });
      expect(jobs).toHaveLength(200);
      const byState: Record<string, number> = {};
      const byKind: Record<string, number> = {};
      for (const job of jobs) {
        byState[job.state] = (byState[job.state] ?? 0) + 1;
        if (job.state === 'completed') {
          expect(job.imageIds).toHaveLength(1);
          expect(job.error).toBeNull();
          continue;
        }
        expect(Object.keys(allowedEnds), `seed ${seed}`).toContain(job.state);
        expect(allowedEnds[job.state], `seed ${seed}: ${job.error?.message}`).toContain(job.error?.kind);
        expect(job.error?.message).toBeTruthy();
        expect(job.error?.action).toBeTruthy();
        byKind[job.error?.kind ?? ''] = (byKind[job.error?.kind ?? ''] ?? 0) + 1;
      }
      const { submitsByPrompt: _, ...traffic } = simulator.stats();
      console.info(
        `[fault test] seed ${seed}: ended in ${tookMs} ms (bound ${BOUND_MS}); end states`,
        byState,
        'reasons',
        byKind,
        'traffic',
        traffic,
      );

      // Never charged twice: no prompt reached the simulator's accepting code more than once.
      for (const count of Object.values(simulator.stats().submitsByPrompt)) expect(count).toBe(1);
      // Every completed job's image is in the library, exactly once.
      const stored = db.prepare('SELECT job_id, count(*) AS n FROM images GROUP BY job_id').all() as {
        job_id: string;
        n: number;
      }[];
      const completed = jobs.filter((job) => job.state === 'completed');
      expect(stored.length).toBe(completed.length);
      for (const row of stored) expect(row.n).toBe(1);
      // A request Segmind accepted is fetched: only the submits whose answer was lost may end otherwise.
      for (const job of jobs) if (job.requestId !== null) expect(job.state, `seed ${seed}`).toBe('completed');
      expect(completed.length).toBeGreaterThan(150);
      expect(engine.status().state).toBe('running');
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    },
    BOUND_MS + 30_000,
  );
});
