/**
 * Polls of one request against a known truth, in virtual time: the request sits QUEUED for
 * `queueMs`, PROCESSING for `inferenceMs`, then is COMPLETED. Answers are instant, so what is measured
 * is the policy alone: how late it notices the finish, and how many status requests it spends.
 */
import { createDurationEstimator, type DurationEstimator } from '../src/main/jobs/duration-estimator.ts';
import {
  nextPollAt,
  sampleFrom,
  type PlannerOptions,
  type PollObservation,
} from '../src/main/jobs/poll-planner.ts';
import { openDatabase } from '../src/main/library/database.ts';
import type { DrawnDuration } from '../src/main/simulator/durations.ts';

export interface Outcome {
  delayMs: number;
  requests: number;
}

/** `saysProcessing` false: a server that answers QUEUED until COMPLETED, never PROCESSING. */
function statusAt(
  truth: DrawnDuration,
  t: number,
  saysProcessing: boolean,
): 'QUEUED' | 'PROCESSING' | 'COMPLETED' {
  if (t < truth.queueMs) return 'QUEUED';
  if (t < truth.queueMs + truth.inferenceMs) return saysProcessing ? 'PROCESSING' : 'QUEUED';
  return 'COMPLETED';
}

/** A list of poll times from the submit (fixed intervals, the optimal blind schedule), then every `tailMs`. */
export function runSchedule(truth: DrawnDuration, times: readonly number[], tailMs = 1_000): Outcome {
  const finish = truth.queueMs + truth.inferenceMs;
  let requests = 0;
  for (const t of times) {
    requests++;
    if (t >= finish) return { delayMs: t - finish, requests };
  }
  let t = times.at(-1) ?? 0;
  for (;;) {
    t += tailMs;
    requests++;
    if (t >= finish) return { delayMs: t - finish, requests };
  }
}

export function fixedInterval(truth: DrawnDuration, intervalMs: number): Outcome {
  const finish = truth.queueMs + truth.inferenceMs;
  const polls = Math.max(1, Math.ceil(finish / intervalMs));
  return { delayMs: polls * intervalMs - finish, requests: polls };
}

/** Our planner with a learning estimator, exactly as the engine drives them (job-poller.ts). */
export function createOurs(seedMs: number, options?: PlannerOptions, saysProcessing = true) {
  const db = openDatabase(':memory:');
  const estimator: DurationEstimator = createDurationEstimator(db, () => 0);
  const key = 'bench';
  // Wall-clock cost of each planning call (the estimator's beliefs excluded): the planner runs on
  // the loop that serves the page.
  const planMs: number[] = [];
  return {
    planMs,
    run(truth: DrawnDuration): Outcome {
      const finish = truth.queueMs + truth.inferenceMs;
      // The submit's answer says QUEUED (Segmind's v2 answer does).
      const observation: PollObservation = {
        submittedAt: 0,
        lastPendingAt: 0,
        lastQueuedAt: 0,
        firstProcessingAt: null,
        polls: 0,
      };
      let requests = 0;
      for (;;) {
        const beliefs = estimator.beliefs(key, seedMs);
        const started = performance.now();
        const t = nextPollAt(observation, beliefs, observation.lastPendingAt, options);
        planMs.push(performance.now() - started);
        requests++;
        const status = statusAt(truth, t, saysProcessing);
        if (status === 'COMPLETED') {
          const sample = sampleFrom(observation, t);
          if (sample) estimator.observe(key, sample);
          return { delayMs: t - finish, requests };
        }
        observation.lastPendingAt = t;
        observation.polls = requests;
        if (status === 'QUEUED') observation.lastQueuedAt = t;
        else observation.firstProcessingAt ??= t;
      }
    },
    close: () => db.close(),
  };
}
