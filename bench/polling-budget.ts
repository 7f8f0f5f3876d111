/**
 * bench:polling, part two: many requests in flight under one shared request budget, in virtual time.
 * The queue's real parts run here (request-budget.ts on a shared timer, poll-planner.ts, the
 * learning duration-estimator.ts); the world is a server that answers from seeded durations and
 * counts, like Segmind's limiter would, every request inside any 60 s window.
 */
import { createDurationEstimator } from '../src/main/jobs/duration-estimator.ts';
import {
  defaultPlannerOptions,
  finishChance,
  nextPollAt,
  sampleFrom,
  underPressure,
  type PollObservation,
} from '../src/main/jobs/poll-planner.ts';
import { createRequestBudget } from '../src/main/jobs/request-budget.ts';
import { createSharedTimer } from '../src/main/jobs/shared-timer.ts';
import { manualClock } from '../src/main/jobs/test-support/manual-clock.ts';
import { openDatabase } from '../src/main/library/database.ts';
import type { DrawnDuration } from '../src/main/simulator/durations.ts';
import { optimalBlindSchedule } from './polling-optimal.ts';
import { runSchedule } from './polling-sim.ts';

export interface BudgetRun {
  jobs: number;
  maxInFlight: number;
  perMinute: number;
  meanDelayMs: number;
  p95DelayMs: number;
  pollsPerJob: number;
  makespanMs: number;
  /** Requests a server counting every request per sliding minute would have refused. */
  refusals: number;
  /** The optimal blind poller's mean delay at the polls per job this run's budget allowed. */
  allowedMeanDelayMs: number;
  pollsAllowedPerJob: number;
}

export function runBudget(
  jobs: DrawnDuration[],
  warmup: DrawnDuration[],
  oracle: number[],
  options: { maxInFlight: number; perMinute: number; seedMs: number },
): BudgetRun {
  const clock = manualClock();
  const timer = createSharedTimer(clock.now, clock.timers);
  const budget = createRequestBudget({
    now: clock.now,
    timer,
    setting: { perMinute: options.perMinute, pollsCount: true },
  });
  const db = openDatabase(':memory:');
  const estimator = createDurationEstimator(db, clock.now);
  // The app's history: the same kind of request, learned before this run (no budget then).
  for (const job of warmup) {
    const observation: PollObservation = {
      submittedAt: 0,
      lastPendingAt: 0,
      lastQueuedAt: 0,
      firstProcessingAt: null,
    };
    for (;;) {
      const t = nextPollAt(
        observation,
        estimator.beliefs('bench', options.seedMs),
        observation.lastPendingAt,
      );
      if (t >= job.queueMs + job.inferenceMs) {
        const sample = sampleFrom(observation, t);
        if (sample) estimator.observe('bench', sample);
        break;
      }
      observation.lastPendingAt = t;
      if (t < job.queueMs) observation.lastQueuedAt = t;
      else observation.firstProcessingAt ??= t;
    }
  }

  const sent: number[] = [];
  let refusals = 0;
  const send = () => {
    const t = clock.now();
    while (sent.length > 0 && sent[0]! <= t - 60_000) sent.shift();
    if (sent.length >= options.perMinute) refusals++;
    sent.push(t);
  };

  const delays: number[] = [];
  let polls = 0;
  let inFlight = 0;
  let next = 0;
  let lastDone = 0;
  const start = clock.now();

  function pump(): void {
    while (inFlight < options.maxInFlight && next < jobs.length) {
      const index = next++;
      inFlight++;
      budget.ask(
        `submit:${index}`,
        'submit',
        () => 0,
        () => submit(index),
      );
    }
  }

  function submit(index: number): void {
    send();
    const truth = jobs[index]!;
    const at = clock.now();
    const observation: PollObservation = {
      submittedAt: at,
      lastPendingAt: at,
      lastQueuedAt: at,
      firstProcessingAt: null,
    };
    const finish = at + truth.queueMs + truth.inferenceMs;
    const schedule = () => {
      const beliefs = estimator.beliefs('bench', options.seedMs);
      const plan = underPressure(defaultPlannerOptions, budget.pressure());
      timer.at(`poll:${index}`, nextPollAt(observation, beliefs, observation.lastPendingAt, plan), () =>
        budget.ask(
          `poll:${index}`,
          'poll',
          () => finishChance(observation, estimator.beliefs('bench', options.seedMs), clock.now()),
          poll,
        ),
      );
    };
    const poll = () => {
      send();
      polls++;
      const t = clock.now();
      if (t >= finish) {
        delays.push(t - finish);
        const sample = sampleFrom(observation, t);
        if (sample) estimator.observe('bench', sample);
        inFlight--;
        lastDone = t;
        pump();
        return;
      }
      observation.lastPendingAt = t;
      if (t < at + truth.queueMs) observation.lastQueuedAt = t;
      else observation.firstProcessingAt ??= t;
      schedule();
    };
    schedule();
  }

  pump();
  while (delays.length < jobs.length) clock.advance(1_000);
  budget.dispose();
  db.close();

  const makespanMs = lastDone - start;
  // Over the run, the budget gave (limit) per minute: less the submits, that is what polls could use.
  const allowed = (options.perMinute * makespanMs) / 60_000;
  const pollsAllowedPerJob = Math.max(1, (allowed - jobs.length) / jobs.length);
  const blind = optimalBlindSchedule(oracle, pollsAllowedPerJob);
  const blindDelays = jobs.map((job) => runSchedule(job, blind.times).delayMs);
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    jobs: jobs.length,
    maxInFlight: options.maxInFlight,
    perMinute: options.perMinute,
    meanDelayMs: Math.round(delays.reduce((a, b) => a + b, 0) / delays.length),
    p95DelayMs: Math.round(sorted[Math.ceil(0.95 * sorted.length) - 1]!),
    pollsPerJob: Number((polls / jobs.length).toFixed(2)),
    makespanMs: Math.round(makespanMs),
    refusals,
    allowedMeanDelayMs: Math.round(blindDelays.reduce((a, b) => a + b, 0) / blindDelays.length),
    pollsAllowedPerJob: Number(pollsAllowedPerJob.toFixed(2)),
  };
}
