import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../library/database.ts';
import { createLibrary } from '../library/library.ts';
import { createSegmindClient } from '../segmind/index.ts';
import { mulberry32, startSimulator } from '../simulator/index.ts';
import { createJobEngine } from './job-engine.ts';
import type { RateLimitSetting } from './request-budget.ts';
import { warpedClock } from './test-support/warped-clock.ts';

const SCALE = 0.01;
const SEED = 1605;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A simulator that enforces `perMinute` (scaled like everything else), and the real engine told the
 * same. The budget keeps a second of margin on the window; warped 100x that is 10 ms of real time,
 * less than a loaded machine's timer jitter, so a test that spends the whole budget warps less.
 */
async function limited(perMinute: number, rateLimit: RateLimitSetting, countsPolls: boolean, scale = SCALE) {
  const simulator = await startSimulator({
    timeScale: scale,
    random: mulberry32(SEED),
    rateLimit: { requests: perMinute, windowMs: 60_000 * scale, countsPolls },
  });
  cleanups.push(() => simulator.close());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-budget-'));
  cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const clock = warpedClock(scale);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const client = createSegmindClient({ baseUrl: simulator.url, apiKey: 'key', timeoutMs: 10_000 });
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: () => undefined,
    now: clock.now,
    timers: clock.timers,
    random: mulberry32(SEED + 1),
    maxInFlight: 8,
    retentionMs: 3_600_000 / scale,
    rateLimit,
  });
  cleanups.push(async () => {
    await engine.stop();
    db.close();
  });
  return { simulator, engine, now: clock.now };
}

async function runAll(engine: ReturnType<typeof createJobEngine>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    engine.create({ model: 'ideogram-3', params: { prompt: `poster ${i}`, rendering_speed: 'TURBO' } });
  }
  for (;;) {
    const { counts } = engine.status();
    if (counts.completed + counts.failed >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the request budget in the engine', () => {
  console.info(`[job-engine.budget] seed ${SEED}`);

  it('spaces 20 submits under a 5-per-minute limit instead of bouncing off 429s', async () => {
    const { simulator, engine, now } = await limited(5, { perMinute: 5, pollsCount: false }, false);
    engine.start();
    const started = now();
    await runAll(engine, 20);
    const minutes = (now() - started) / 60_000;
    expect(simulator.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
    expect(simulator.stats().submits).toBe(20);
    expect(engine.status().counts.completed).toBe(20);
    // Spaced at 4 tokens a minute after the first. A loaded machine can only make a warped run
    // longer (late timers), so only the floor is checked; the simulator's own limiter, which saw no
    // more than 5 in any minute, is the real check.
    expect(minutes).toBeGreaterThan(4.5);
  });

  it('keeps polls and result fetches inside the limit too when the account counts them', async () => {
    const { simulator, engine } = await limited(50, { perMinute: 50, pollsCount: true }, true, 0.05);
    engine.start();
    await runAll(engine, 12);
    expect(simulator.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
    expect(engine.status().counts.completed).toBe(12);
  });

  it('still honours a 429 when the setting was too generous, and finishes everything', async () => {
    // Warped 33x, not 100x: the simulator's window is then 1.8 s of real time, so the engine's
    // burst lands inside one window however loaded the machine (at 100x, a slow machine spread its
    // sends past the 600 ms window and no 429 came).
    const { simulator, engine } = await limited(5, { perMinute: 30, pollsCount: false }, false, 0.03);
    engine.start();
    await runAll(engine, 10);
    expect(simulator.requestLog().some((entry) => entry.status === 429)).toBe(true);
    expect(simulator.stats().submits).toBe(10);
    expect(engine.status().counts.completed).toBe(10);
  });
});
