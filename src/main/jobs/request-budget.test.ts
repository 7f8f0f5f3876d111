import { describe, expect, it } from 'vitest';
import { manualClock } from './test-support/manual-clock.ts';
import { createRequestBudget, SUBMIT_VALUE } from './request-budget.ts';
import { createSharedTimer } from './shared-timer.ts';

function setup(perMinute: number | null, pollsCount = true) {
  const clock = manualClock();
  const timer = createSharedTimer(clock.now, clock.timers);
  const budget = createRequestBudget({ now: clock.now, timer, setting: { perMinute, pollsCount } });
  const sent: { key: string; at: number }[] = [];
  const ask = (key: string, kind: 'submit' | 'poll', value = 0.5) =>
    budget.ask(
      key,
      kind,
      () => value,
      () => sent.push({ key, at: clock.now() }),
    );
  return { clock, budget, sent, ask };
}

describe('request budget', () => {
  it('never lets more than the limit through in any 60 s window', () => {
    const { clock, sent, ask } = setup(5);
    for (let i = 0; i < 20; i++) ask(`submit:${i}`, 'submit');
    clock.advance(6 * 60_000);
    expect(sent).toHaveLength(20);
    const times = sent.map((s) => s.at);
    for (const start of times) {
      expect(times.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(5);
    }
    // Smooth, not five at once and then a silent minute.
    expect(times[1]! - times[0]!).toBeGreaterThan(10_000);
  });

  it('gives a freed token to the most valuable request waiting', () => {
    const { clock, sent, ask } = setup(5);
    ask('submit:0', 'submit');
    ask('poll:long-shot', 'poll', SUBMIT_VALUE / 2);
    ask('submit:1', 'submit');
    ask('poll:likely', 'poll', 0.9);
    clock.advance(5 * 60_000);
    expect(sent.map((s) => s.key)).toEqual(['submit:0', 'poll:likely', 'submit:1', 'poll:long-shot']);
  });

  it('lets polls through at once when they do not count, and everything when no limit is set', () => {
    const { sent, ask } = setup(5, false);
    for (let i = 0; i < 10; i++) ask(`poll:${i}`, 'poll');
    expect(sent).toHaveLength(10);
    const open = setup(null);
    for (let i = 0; i < 10; i++) open.ask(`submit:${i}`, 'submit');
    expect(open.sent).toHaveLength(10);
  });

  it('rises in pressure while polls queue, and drops a canceled ask', () => {
    const { clock, budget, sent, ask } = setup(5);
    for (let i = 0; i < 6; i++) ask(`poll:${i}`, 'poll');
    budget.cancel('poll:5');
    clock.advance(30_000);
    expect(budget.pressure()).toBeGreaterThan(1);
    clock.advance(10 * 60_000);
    expect(sent.map((s) => s.key)).not.toContain('poll:5');
    expect(budget.waiting()).toBe(0);
  });
});
