import { describe, expect, it } from 'vitest';
import { manualClock } from './test-support/manual-clock.ts';
import { createSharedTimer, MAX_TIMER_DELAY_MS, type Timers } from './shared-timer.ts';

describe('shared timer', () => {
  it('keeps one OS timer armed however many tasks wait, and runs them in time order', () => {
    const time = manualClock();
    const timer = createSharedTimer(time.now, time.timers);
    const ran: string[] = [];
    for (let i = 0; i < 100; i++) timer.at(`job:${i}`, 1000 + ((i * 37) % 100), () => ran.push(`job:${i}`));
    timer.at('job:5', 10, () => ran.push('moved'));
    expect(time.armedCount()).toBe(1);
    time.advance(5000, () => expect(time.armedCount()).toBeLessThanOrEqual(1));
    expect(ran).toHaveLength(100);
    expect(ran[0]).toBe('moved');
    timer.at('late', 9000, () => ran.push('late'));
    timer.clear();
    expect(time.armedCount()).toBe(0);
  });

  it('never asks setTimeout for more than 2^31 ms: a task far out is reached in steps, on time', () => {
    const time = manualClock();
    const asked: number[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        asked.push(ms);
        return time.timers.setTimeout(fn, ms);
      },
      clearTimeout: time.timers.clearTimeout,
    };
    const timer = createSharedTimer(time.now, timers);
    const farOut = 2 ** 40;
    let ranAt: number | null = null;
    timer.at('year-2100', farOut, () => (ranAt = time.now()));
    time.advance(farOut - 1);
    expect(ranAt).toBeNull();
    time.advance(1);
    expect(ranAt).toBe(farOut);
    expect(Math.max(...asked)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
    expect(asked.length).toBeGreaterThan(1);
  });
});
