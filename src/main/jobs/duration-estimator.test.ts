import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../library/database.ts';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { drawDuration, durationModels } from '../simulator/durations.ts';
import { createDurationEstimator, SAMPLE_WINDOW } from './duration-estimator.ts';
import { meanOf, quantileOf } from './lognormal.ts';

const SEED = 4242;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'estimator-'));
  dirs.push(dir);
  return path.join(dir, 'library.sqlite3');
}

describe('duration estimator', () => {
  console.info(`[duration-estimator] seed ${SEED}`);

  it('starts from the model page and learns the real spread, then remembers it across a restart', () => {
    const file = tempDb();
    const db = openDatabase(file);
    const estimator = createDurationEstimator(db, () => 1);
    const prior = estimator.beliefs('k', 10_000);
    expect(meanOf(prior.total)).toBeCloseTo(10_000, -2);
    expect(prior.queueMatters).toBe(true);
    const random = mulberry32(SEED);
    for (let i = 0; i < SAMPLE_WINDOW + 8; i++) {
      const d = drawDuration(durationModels.lognormal, 20_000, random);
      estimator.observe('k', { totalMs: d.queueMs + d.inferenceMs, inferenceMs: null, sawProcessing: true });
    }
    const learned = estimator.beliefs('k', 10_000);
    expect(meanOf(learned.total)).toBeGreaterThan(16_000);
    expect(learned.total.sigma).toBeGreaterThan(0.2);
    expect(learned.total.sigma).toBeLessThan(0.45);
    expect(learned.samples).toBe(SAMPLE_WINDOW);
    // The planner pools its price over every kept request, and a new one makes a new history.
    expect(learned.history).toHaveLength(SAMPLE_WINDOW + 8);
    expect(estimator.beliefs('k', 10_000).history).toBe(learned.history);
    estimator.observe('k', { totalMs: 20_000, inferenceMs: 19_000, sawProcessing: true });
    const after = estimator.beliefs('k', 10_000);
    expect(after.history).not.toBe(learned.history);
    expect(after.history.at(-1)).toEqual({ totalMs: 20_000, inferenceMs: 19_000, sawProcessing: true });
    db.close();

    const again = openDatabase(file);
    expect(createDurationEstimator(again, () => 1).beliefs('k', 10_000)).toEqual(after);
    expect(again.prepare('SELECT count(*) FROM job_duration_samples').pluck().get()).toBeLessThanOrEqual(
      SAMPLE_WINDOW * 8,
    );
    again.close();
  });

  it('is not dragged by a few cold starts, and tells busy queues from steady ones', () => {
    const db = openDatabase(tempDb());
    const estimator = createDurationEstimator(db, () => 1);
    const random = mulberry32(SEED + 1);
    for (let i = 0; i < 32; i++) {
      const inference = 9_000 + random() * 2_000;
      // Two cold starts of two minutes among steady half-second waits.
      const wait = i === 7 || i === 20 ? 120_000 : 500 * random();
      estimator.observe('steady', { totalMs: wait + inference, inferenceMs: inference, sawProcessing: true });
      const busyWait = random() * 20_000;
      estimator.observe('busy', {
        totalMs: busyWait + inference,
        inferenceMs: inference,
        sawProcessing: true,
      });
    }
    const steady = estimator.beliefs('steady', 10_000);
    expect(quantileOf(steady.total, 0.99)).toBeLessThan(20_000);
    expect(steady.queueMatters).toBe(false);
    expect(steady.longQueueMs).not.toBeNull();
    expect(estimator.beliefs('busy', 10_000).queueMatters).toBe(true);
    db.close();
  });

  it('notices a server that never says PROCESSING', () => {
    const db = openDatabase(tempDb());
    const estimator = createDurationEstimator(db, () => 1);
    for (let i = 0; i < 8; i++)
      estimator.observe('k', { totalMs: 10_000, inferenceMs: null, sawProcessing: false });
    expect(estimator.beliefs('k', 10_000).reportsProcessing).toBe(false);
    db.close();
  });
});
