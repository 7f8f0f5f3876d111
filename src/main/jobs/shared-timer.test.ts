import { describe, expect, it } from 'vitest';
import { manualClock } from './manual-clock.ts';
import { createSharedTimer } from './shared-timer.ts';

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
});
