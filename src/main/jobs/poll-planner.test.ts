import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { drawDuration, durationModels, lognormal } from '../simulator/durations.ts';
import { logNormalFromMean, quantileOf, survival } from './lognormal.ts';
import { widened } from './poll-schedule.ts';
import {
  defaultPlannerOptions,
  finishChance,
  nextPollAt,
  sampleFrom,
  underPressure,
  type DurationBeliefs,
  type PollObservation,
} from './poll-planner.ts';

const warm: DurationBeliefs = {
  total: logNormalFromMean(10_000, 0.3),
  inference: logNormalFromMean(9_500, 0.3),
  reportsProcessing: true,
  queueMatters: false,
  longQueueMs: 20_000,
  history: [],
};
const busy: DurationBeliefs = { ...warm, queueMatters: true };

function fresh(): PollObservation {
  return { submittedAt: 0, lastPendingAt: 0, lastQueuedAt: 0, firstProcessingAt: null };
}

/** Poll times for a request that is QUEUED until `switchAt`, then PROCESSING for ever. */
function polls(beliefs: DurationBeliefs, untilMs: number, switchAt = 0): number[] {
  const observation = fresh();
  const times: number[] = [];
  while (observation.lastPendingAt < untilMs) {
    const t = nextPollAt(observation, beliefs, observation.lastPendingAt);
    times.push(t);
    observation.lastPendingAt = t;
    if (t < switchAt) observation.lastQueuedAt = t;
    else observation.firstProcessingAt ??= t;
  }
  return times;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

describe('poll planner', () => {
  it('asks nothing while a finish is implausible, densely around the likely finish, never over the bound', () => {
    const times = polls(warm, 30_000);
    // ln-normal, mean 10 s, CV 0.3: a finish before 3 s has a chance near 1e-5.
    expect(times[0]).toBeGreaterThan(3_000);
    const around = times.filter((t) => t >= 8_000 && t <= 12_000).length;
    expect(around).toBeGreaterThanOrEqual(6);
    expect(Math.min(...gaps(times))).toBeGreaterThanOrEqual(defaultPlannerOptions.minGapMs);
    // Past the first poll, no finish can be noticed later than the bound.
    expect(Math.max(...gaps(times))).toBeLessThanOrEqual(defaultPlannerOptions.maxGapMs);
  });

  it('watches for the switch while queued when waits matter, and anchors the inference on it', () => {
    const times = polls(busy, 45_000, 20_000);
    const queued = times.filter((t) => t < 20_000);
    // Waiting in the queue: regular polls to catch the switch, none of them dense.
    expect(queued.length).toBeGreaterThanOrEqual(5);
    expect(Math.min(...gaps(queued))).toBeGreaterThan(1_000);
    // Once processing, nothing is asked while a finish is implausible, then densely around switch +
    // 9.5 s (about 29.5 s), where the whole-duration view (submit + 10 s) would have been wrong.
    const processing = times.filter((t) => t > 20_000);
    expect(processing[1]! - processing[0]!).toBeGreaterThan(2_000);
    expect(processing.filter((t) => t >= 27_000 && t <= 32_000).length).toBeGreaterThanOrEqual(8);
  });

  it('spends near the finish what the queue saved, never more than fixed 1 s would', () => {
    const SEED = 1414;
    console.info(`[poll-planner] seed ${SEED}`);
    const run = (options: typeof defaultPlannerOptions) => {
      let polls = 0;
      let sdk = 0;
      let delay = 0;
      const jobs = 200;
      const draws = mulberry32(SEED);
      for (let i = 0; i < jobs; i++) {
        const switchAt = draws() * 20_000;
        const finish = switchAt + lognormal(9_500, 0.3, draws);
        const observation: PollObservation = { ...fresh(), polls: 0 };
        for (;;) {
          const t = nextPollAt(observation, busy, observation.lastPendingAt, options);
          polls++;
          if (t >= finish) {
            delay += t - finish;
            break;
          }
          observation.lastPendingAt = t;
          observation.polls!++;
          if (t < switchAt) observation.lastQueuedAt = t;
          else observation.firstProcessingAt ??= t;
        }
        sdk += Math.ceil(finish / 1_000);
      }
      return { polls: polls / sdk, delay: delay / jobs };
    };
    const spending = run(defaultPlannerOptions);
    const fixedPrice = run({ ...defaultPlannerOptions, requestShare: null });
    console.info('DEBUG', JSON.stringify({ spending, fixedPrice }));
    expect(spending.polls).toBeGreaterThan(fixedPrice.polls);
    expect(spending.polls).toBeLessThanOrEqual(1);
    // Each request spends its own savings on itself: a little better (the pooled price, below, does more).
    expect(spending.delay).toBeLessThan(fixedPrice.delay);
  });

  it("pools a cold start's saved polls into the finishes of warm requests, within the share", () => {
    const SEED = 1515;
    console.info(`[poll-planner] pooled price seed ${SEED}`);
    const draws = mulberry32(SEED);
    const world = durationModels['cold-start'];
    const draw = () => drawDuration(world, 10_290, draws);
    // The population, and what the estimator would keep of it: 512 finished requests, a cold
    // start's inference unlearned (its switch was watched loosely).
    const jobs = Array.from({ length: 512 }, draw);
    const history = jobs.map((d) => ({
      totalMs: d.queueMs + d.inferenceMs,
      inferenceMs: d.queueMs > 25_000 ? null : d.inferenceMs,
    }));
    const beliefs: DurationBeliefs = {
      total: logNormalFromMean(11_800, 0.32),
      inference: logNormalFromMean(10_290, 0.3),
      reportsProcessing: true,
      queueMatters: true,
      longQueueMs: 25_000,
      history,
    };
    const run = (b: DurationBeliefs) => {
      const warm = { delay: 0, lastGap: 0, count: 0 };
      let polls = 0;
      let coldPolls = 0;
      let sdk = 0;
      for (const job of jobs) {
        const finish = job.queueMs + job.inferenceMs;
        const observation: PollObservation = { ...fresh(), polls: 0 };
        let own = 0;
        for (;;) {
          const t = nextPollAt(observation, b, observation.lastPendingAt);
          own++;
          if (t >= finish) {
            if (job.queueMs <= 25_000) {
              warm.delay += t - finish;
              warm.lastGap += t - observation.lastPendingAt;
              warm.count++;
            }
            break;
          }
          observation.lastPendingAt = t;
          observation.polls = own;
          if (t < job.queueMs) observation.lastQueuedAt = t;
          else observation.firstProcessingAt ??= t;
        }
        polls += own;
        if (job.queueMs > 25_000) coldPolls += own;
        sdk += Math.max(1, Math.ceil(finish / 1_000));
      }
      return {
        requests: polls / sdk,
        coldPolls,
        warmDelay: warm.delay / warm.count,
        warmLastGap: warm.lastGap / warm.count,
      };
    };
    const pooled = run(beliefs);
    // The same beliefs without a history: each request prices its own allowance.
    const perRequest = run({ ...beliefs, history: [] });
    console.info(`[poll-planner] pooled ${JSON.stringify(pooled)} per request ${JSON.stringify(perRequest)}`);
    // Within the share of what fixed 1 s spends on the same requests, and spending it.
    expect(pooled.requests).toBeLessThanOrEqual(defaultPlannerOptions.requestShare! + 0.02);
    expect(pooled.requests).toBeGreaterThan(defaultPlannerOptions.requestShare! - 0.05);
    expect(pooled.coldPolls).toBeLessThan(perRequest.coldPolls * 0.9);
    expect(pooled.warmLastGap).toBeLessThan(perRequest.warmLastGap * 0.9);
    expect(pooled.warmDelay).toBeLessThan(perRequest.warmDelay * 0.9);
  });

  it('watches an unusual wait as widely as the bound on late notices allows, a usual one sharply', () => {
    const times = polls(busy, 150_000, 120_000);
    const usual = times.filter((t) => t < busy.longQueueMs!);
    const unusual = times.filter((t) => t > busy.longQueueMs! + 5_000 && t < 120_000);
    expect(Math.max(...gaps(usual))).toBeLessThanOrEqual(2_000);
    expect(Math.min(...gaps(unusual))).toBeGreaterThan(2_000);
    // A switch just after a poll, then the quickest plausible inference (cautious fit): the finish,
    // seen before the switch is, is still noticed within the bound.
    const { plausible, tailCaution, maxGapMs } = defaultPlannerOptions;
    const quickest = quantileOf(
      { mu: busy.inference.mu, sigma: busy.inference.sigma * tailCaution },
      plausible,
    );
    expect(Math.max(...gaps(unusual)) - quickest).toBeLessThanOrEqual(maxGapMs + 1e-6);
  });

  it('bounds late notices from the start of the bracket a switch was seen in, not from its middle', () => {
    // QUEUED at 10 s, PROCESSING at 11.5 s: the inference may have begun right after 10 s.
    const observation = {
      ...fresh(),
      lastPendingAt: 11_500,
      lastQueuedAt: 10_000,
      firstProcessingAt: 11_500,
    };
    const next = nextPollAt(observation, busy, 11_500);
    const { plausible, tailCaution, maxGapMs } = defaultPlannerOptions;
    const fit = widened(busy.inference, 1_500);
    const cautious = { mu: fit.mu, sigma: fit.sigma * tailCaution };
    // The chance that an inference begun at `start` ends so soon after the PROCESSING answer that the
    // next poll, at `t`, notices it more than maxGap late.
    const late = (start: number, t: number) =>
      (survival(cautious, 11_500 - start) - survival(cautious, t - maxGapMs - start)) /
      survival(cautious, 11_500 - start);
    expect(late(10_000, next)).toBeLessThanOrEqual(plausible * 1.01);
    // Reckoned from the middle alone, a later poll would have looked safe, and was not.
    let middleLimit = next;
    while (late(10_750, middleLimit + 50) < plausible) middleLimit += 50;
    expect(middleLimit).toBeGreaterThan(next);
    expect(late(10_000, middleLimit)).toBeGreaterThan(plausible * 2);
    // Still nothing asked while a finish is implausible.
    expect(next - 11_500).toBeGreaterThan(2_000);
  });

  it('watches a queue no wider than the brackets the estimator learns inference times from', () => {
    // A slow, steady model: a third of its quickest inference would be 3 s between queued polls.
    const steady: DurationBeliefs = { ...busy, inference: logNormalFromMean(14_000, 0.12) };
    const times = polls(steady, 30_000, 12_000);
    const queued = times.filter((t) => t < 12_000);
    expect(Math.max(...gaps(queued))).toBeLessThanOrEqual(2_000);
    const first = times.find((t) => t >= 12_000)!;
    const observation = {
      submittedAt: 0,
      lastPendingAt: 26_000,
      lastQueuedAt: queued.at(-1)!,
      firstProcessingAt: first,
    };
    expect(sampleFrom(observation, 26_200)?.inferenceMs).not.toBeNull();
  });

  it('falls back to a bounded cadence far past what it learned', () => {
    const observation = { ...fresh(), lastPendingAt: 120_000, firstProcessingAt: 1_000 };
    expect(nextPollAt(observation, warm, 120_000) - 120_000).toBe(defaultPlannerOptions.maxGapMs);
  });

  it('learns from brackets, and not from a bracket too wide to mean anything', () => {
    const watched = { submittedAt: 0, lastPendingAt: 9_900, lastQueuedAt: 1_000, firstProcessingAt: 2_000 };
    expect(sampleFrom(watched, 10_100)).toEqual({ totalMs: 10_000, inferenceMs: 8_500, sawProcessing: true });
    const loose = { ...watched, lastQueuedAt: 0, firstProcessingAt: 6_000 };
    expect(sampleFrom(loose, 10_100)).toEqual({ totalMs: 10_000, inferenceMs: null, sawProcessing: true });
    expect(sampleFrom({ ...watched, lastPendingAt: 2_000 }, 60_000)).toBeNull();
  });

  it('values a poll by its chance of finding the request done', () => {
    const observation = { ...fresh(), lastPendingAt: 9_000 };
    const soon = finishChance(observation, warm, 9_500);
    const later = finishChance(observation, warm, 12_000);
    expect(soon).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(soon);
    expect(later).toBeLessThan(1);
  });

  it('plans fewer polls when requests are scarce', () => {
    const observation = fresh();
    const relaxed = nextPollAt(observation, warm, 0);
    const scarce = nextPollAt(observation, warm, 0, underPressure(defaultPlannerOptions, 50));
    expect(scarce).toBeGreaterThan(relaxed);
  });
});
