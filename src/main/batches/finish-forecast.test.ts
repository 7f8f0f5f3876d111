import { describe, expect, it } from 'vitest';
import { forecastFinish } from './finish-forecast.ts';

const noLimit = { perMinute: null, tokens: 0, capacity: 0, refillPerMs: 0, pollsPerSubmit: 0 };

describe('finish forecast', () => {
  it('without a limit, slots bound it: 10 jobs of 10 s on 4 slots end after three rounds', () => {
    const queue = Array.from({ length: 10 }, (_, i) => ({ batchId: i < 6 ? 'a' : 'b', durationMs: 10_000 }));
    const finish = forecastFinish({
      now: 0,
      maxInFlight: 4,
      tokens: noLimit,
      inFlight: [],
      queue,
      afterMs: 500,
    });
    expect(finish.get('a')).toBe(21_000);
    expect(finish.get('b')).toBe(31_500);
  });

  it("under a limit, the bucket's refill bounds it; polls that count draw from it too", () => {
    // 5 a minute: capacity 1, 4 more per 61 s (request-budget.ts).
    const tokens = { perMinute: 5, tokens: 1, capacity: 1, refillPerMs: 4 / 61_000, pollsPerSubmit: 0 };
    const queue = Array.from({ length: 20 }, () => ({ batchId: 'a', durationMs: 6_000 }));
    const finish = forecastFinish({ now: 0, maxInFlight: 8, tokens, inFlight: [], queue, afterMs: 0 });
    expect(finish.get('a')).toBeCloseTo(19 * 15_250 + 6_000, -1);
    const polled = forecastFinish({
      now: 0,
      maxInFlight: 8,
      tokens: { ...tokens, pollsPerSubmit: 2 },
      inFlight: [],
      queue,
      afterMs: 0,
    });
    expect(polled.get('a')).toBeCloseTo(19 * 3 * 15_250 + 6_000, -1);
  });

  it('jobs on the wire hold their slots until they end', () => {
    const finish = forecastFinish({
      now: 0,
      maxInFlight: 1,
      tokens: noLimit,
      inFlight: [{ batchId: 'a', endsAt: 5_000 }],
      queue: [{ batchId: 'b', durationMs: 1_000 }],
      afterMs: 0,
    });
    expect(Object.fromEntries(finish)).toEqual({ a: 5_000, b: 6_000 });
  });
});
