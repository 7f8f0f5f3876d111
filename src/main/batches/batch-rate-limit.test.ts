import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/index.ts';
import { until } from '../jobs/test-support/engine-world.ts';
import { createBatchWorld, type BatchWorld } from './test-support/batch-world.ts';

/**
 * Engine and simulator time run 50 times faster than the wall's (a 5-a-minute limit is a token every
 * 0.3 s). Not 100 times: a late timer on a loaded machine costs engine time in proportion, and at
 * 0.02 a 100 ms stall is 5 s of the 5 minutes predicted.
 */
const SCALE = 0.02;
const SEED = 1605;
const worlds: BatchWorld[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

describe("a batch under the account's rate limit", () => {
  it('with a 5-per-minute limit, 20 jobs draw no 429 from a simulator enforcing it, and finish within 20 % of the prediction', async () => {
    console.info(`[batch-rate-limit] seed ${SEED}, scale ${SCALE}, load ${os.loadavg()[0]!.toFixed(1)}`);
    const w = await createBatchWorld({
      scale: SCALE,
      simulator: { random: mulberry32(SEED), rateLimit: { requests: 5, windowMs: 60_000 * SCALE } },
      engine: {
        maxInFlight: 8,
        random: mulberry32(SEED + 1),
        rateLimit: { perMinute: 5, pollsCount: false },
      },
    });
    worlds.push(w);
    w.engine.start();
    const started = w.now();
    const batch = await w.batches.startMatrix({
      model: 'ideogram-3',
      params: { prompt: 'A seed sweep of a logo', rendering_speed: 'TURBO', resolution: '512x1536' },
      axes: [{ param: 'seed', values: Array.from({ length: 20 }, (_, i) => 1000 + i) }],
      name: 'Sweep',
    });
    expect(batch.finishesAt).not.toBeNull();
    const predicted = batch.finishesAt! - started;
    await until(() => w.batches.get(batch.id).state === 'done', 'the batch to finish', 120_000);
    const took = w.now() - started;
    const log = w.simulator.requestLog();
    expect(log.filter((entry) => entry.status === 429)).toEqual([]);
    expect(w.simulator.stats().submits).toBe(20);
    expect(w.batches.get(batch.id)).toMatchObject({ completed: 20 });
    console.info(
      `[batch-rate-limit] predicted ${(predicted / 1000).toFixed(1)} s, took ${(took / 1000).toFixed(1)} s of engine time (${((took / predicted - 1) * 100).toFixed(1)} %), load ${os.loadavg()[0]!.toFixed(1)}`,
    );
    // 4 tokens a minute after the first: 19 waits of 15.25 s, then the last job's own time.
    expect(predicted).toBeGreaterThan(19 * 15_000);
    expect(Math.abs(took - predicted) / predicted).toBeLessThanOrEqual(0.2);
  }, 180_000);
});
