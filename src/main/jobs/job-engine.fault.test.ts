import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activeJobStates, type Job } from '../../shared/api/jobs.ts';
import { startSimulator, type Simulator } from '../simulator/index.ts';
import { createSimulatedEngine } from './simulated-engine.ts';

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

describe('job engine under faults (real simulator, real SQLite)', () => {
  it('ends 200 jobs under 429s, 5xx, dropped connections and truncated downloads, never sending one twice', async () => {
    const scale = 0.02;
    const simulator: Simulator = await startSimulator({
      timeScale: scale,
      faults: {
        statusRates: { 429: 0.1, 500: 0.02, 502: 0.015, 504: 0.015 },
        dropRate: 0.02,
        truncateRate: 0.01,
      },
    });
    cleanups.push(() => simulator.close());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-fault-'));
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const world = createSimulatedEngine({ dataDir, baseUrl: simulator.url, scale, maxInFlight: 32 });
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
    const active = () => activeJobStates.reduce((sum, state) => sum + engine.status().counts[state], 0);
    await until(() => active() === 0, 150_000, 'every job to end');

    const jobs = engine.list({ limit: 1000 });
    expect(jobs).toHaveLength(200);
    const byState: Record<string, number> = {};
    for (const job of jobs) {
      byState[job.state] = (byState[job.state] ?? 0) + 1;
      expect(['completed', 'failed', 'interrupted']).toContain(job.state);
      if (job.state === 'completed') {
        expect(job.imageIds).toHaveLength(1);
        expect(job.error).toBeNull();
      } else {
        expect(job.error?.message).toBeTruthy();
        expect(job.error?.action).toBeTruthy();
      }
    }
    const { submitsByPrompt: _, ...traffic } = simulator.stats();
    console.info('[fault test] end states:', byState, 'traffic:', traffic);

    // Never charged twice: no prompt reached the simulator's accepting code more than once.
    const stats = simulator.stats();
    for (const count of Object.values(stats.submitsByPrompt)) expect(count).toBe(1);
    // Every completed job's image is in the library, exactly once.
    const stored = db.prepare('SELECT job_id, count(*) AS n FROM images GROUP BY job_id').all() as {
      job_id: string;
      n: number;
    }[];
    const completed = jobs.filter((job) => job.state === 'completed');
    expect(stored.length).toBe(completed.length);
    for (const row of stored) expect(row.n).toBe(1);
    // Most jobs get through: faults cost retries, not work.
    expect(completed.length).toBeGreaterThan(150);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  }, 180_000);
});
