import { describe, expect, it } from 'vitest';
import { adaptivePollPolicy, fixedPollPolicy, type PollPolicy } from './poll-policy.ts';

/** Poll times for a job that never finishes, up to `untilMs` after submission. */
function schedule(untilMs: number, expectedMs = 10_000, deviationMs = 800): number[] {
  const policy = adaptivePollPolicy();
  const times: number[] = [];
  let t = 0;
  while (t < untilMs) {
    t += policy.nextDelayMs({ sinceSubmitMs: t, expectedMs, deviationMs, random: () => 0.5 });
    times.push(t);
  }
  return times;
}

describe('adaptive poll policy', () => {
  it('asks rarely early, most often around the expected finish, and backs off when a job runs late', () => {
    const times = schedule(20_000);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    const gapAt = (ms: number) => gaps[times.findIndex((t) => t >= ms)] ?? Number.NaN;
    expect(times.filter((t) => t < 7000)).toHaveLength(0);
    expect(times.filter((t) => t >= 9000 && t <= 11_000).length).toBeGreaterThanOrEqual(8);
    expect(gapAt(10_000)).toBeLessThan(200);
    expect(gapAt(13_000)).toBeGreaterThan(gapAt(11_000));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(8000);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
  });

  it('never overshoots an expected finish that is far too high by more than 70 % of the way', () => {
    const first = schedule(1, 60_000, 15_000)[0] ?? Number.NaN;
    expect(first).toBeLessThanOrEqual(0.7 * 60_000 * 1.1);
  });

  it('over a spread of finishing times, notices sooner than the SDK policy with fewer requests', () => {
    const measure = (policy: PollPolicy) => {
      const latencies: number[] = [];
      let polls = 0;
      // Finishing times spread evenly over 10 s +- 15 %, as the simulator draws them.
      for (let i = 0; i <= 200; i++) {
        const finish = 8500 + (3000 * i) / 200;
        let t = 0;
        while (t < finish) {
          t += policy.nextDelayMs({
            sinceSubmitMs: t,
            expectedMs: 10_000,
            deviationMs: 750,
            random: () => 0.5,
          });
          polls++;
        }
        latencies.push(t - finish);
      }
      latencies.sort((a, b) => a - b);
      return { median: latencies[100] ?? Number.NaN, polls: polls / 201 };
    };
    const ours = measure(adaptivePollPolicy());
    const sdk = measure(fixedPollPolicy(1000));
    expect(ours.polls).toBeLessThan(sdk.polls);
    expect(ours.median).toBeLessThan(0.3 * sdk.median);
  });
});
