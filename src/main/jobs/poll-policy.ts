import { jitter } from './backoff.ts';

export interface PollContext {
  /** Time since Segmind accepted the request. */
  sinceSubmitMs: number;
  /** Learned typical duration for this kind of job, and how far single jobs stray from it. */
  expectedMs: number;
  deviationMs: number;
  random: () => number;
}

/** Decides when to ask about a job again. The engine holds one; the benchmark swaps in the SDK's. */
export interface PollPolicy {
  readonly name: string;
  nextDelayMs(context: PollContext): number;
}

/** The Segmind SDK's policy: ask every `intervalMs`, whatever the job. */
export function fixedPollPolicy(intervalMs = 1000): PollPolicy {
  return { name: `fixed ${intervalMs} ms`, nextDelayMs: () => intervalMs };
}

export interface AdaptivePollOptions {
  minMs?: number;
  maxMs?: number;
  /** Gap at the expected finish, as a share of the deviation. */
  denseShare?: number;
}

/**
 * Polls where completions are likely. The gap is smallest at the expected finish and grows with the
 * square of the distance from it in deviations (roughly the inverse of a bell curve), so a job costs a
 * few requests early, most of its requests while it is likely to finish, and few once it runs late. It
 * never overshoots the expected finish by more than 70 % of the remaining time, so an estimate that is
 * too high costs latency only until the next learned sample.
 */
export function adaptivePollPolicy(options: AdaptivePollOptions = {}): PollPolicy {
  const minMs = options.minMs ?? 100;
  const maxMs = options.maxMs ?? 8000;
  const denseShare = options.denseShare ?? 0.13;
  return {
    name: 'adaptive',
    nextDelayMs({ sinceSubmitMs, expectedMs, deviationMs, random }) {
      const z = (sinceSubmitMs - expectedMs) / deviationMs;
      let gap = denseShare * deviationMs * (1 + z * z);
      if (sinceSubmitMs < expectedMs)
        gap = Math.min(gap, Math.max(denseShare * deviationMs, 0.7 * (expectedMs - sinceSubmitMs)));
      return Math.min(maxMs, Math.max(minMs, jitter(gap, random)));
    },
  };
}
