import { describe, expect, it } from 'vitest';
import { drawDuration, durationModels, lognormal } from './durations.ts';
import { mulberry32 } from './seeded-random.ts';

const SEED = 20261201;

function stats(values: number[]) {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, cv: sd / mean };
}

describe('simulated durations', () => {
  console.info(`[durations] seed ${SEED}`);

  it('draws lognormal inference times with the asked mean and spread', () => {
    const random = mulberry32(SEED);
    const draws = Array.from({ length: 20_000 }, () => lognormal(10_000, 0.3, random));
    const { mean, cv } = stats(draws);
    expect(mean).toBeGreaterThan(9_800);
    expect(mean).toBeLessThan(10_200);
    expect(cv).toBeGreaterThan(0.28);
    expect(cv).toBeLessThan(0.32);
    expect(Math.min(...draws)).toBeGreaterThan(0);
  });

  it('keeps the tight world as it was: +-15 % around the page time, the first tenth queued', () => {
    const random = mulberry32(SEED);
    for (let i = 0; i < 1_000; i++) {
      const { queueMs, inferenceMs } = drawDuration(durationModels.tight, 10_000, random);
      const total = queueMs + inferenceMs;
      expect(total).toBeGreaterThanOrEqual(8_500);
      expect(total).toBeLessThanOrEqual(11_500);
      expect(queueMs / total).toBeCloseTo(0.1, 6);
    }
  });

  it('adds queue waits and rare cold starts of minutes', () => {
    const random = mulberry32(SEED);
    const queued = Array.from(
      { length: 5_000 },
      () => drawDuration(durationModels.queued, 10_000, random).queueMs,
    );
    expect(Math.max(...queued)).toBeLessThanOrEqual(20_000);
    expect(stats(queued).mean).toBeGreaterThan(9_000);
    expect(stats(queued).mean).toBeLessThan(11_000);

    const cold = Array.from(
      { length: 10_000 },
      () => drawDuration(durationModels['cold-start'], 10_000, random).queueMs,
    );
    const share = cold.filter((ms) => ms >= 60_000).length / cold.length;
    expect(share).toBeGreaterThan(0.04);
    expect(share).toBeLessThan(0.06);
    expect(Math.max(...cold)).toBeLessThan(240_000 + 30_000);
  });
});
