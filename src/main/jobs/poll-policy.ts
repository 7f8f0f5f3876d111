import type { Beliefs } from './duration-estimator.ts';
import { defaultPlannerOptions, nextPollAt, underPressure, type PollObservation } from './poll-planner.ts';

/** Decides when to ask about a request again. The engine holds one; tests and benches swap in a fixed one. */
export interface PollPolicy {
  readonly name: string;
  /** `pressure` is the request budget's (1 = requests are not scarce); engine clock, ms. */
  nextPollAt(observation: PollObservation, beliefs: Beliefs, now: number, pressure: number): number;
}

/** What the engine uses: poll-planner.ts on what this request's polls have seen and what was learned. */
export const plannedPollPolicy: PollPolicy = {
  name: 'planned',
  nextPollAt: (observation, beliefs, now, pressure) =>
    nextPollAt(observation, beliefs, now, underPressure(defaultPlannerOptions, pressure)),
};

/** The Segmind SDK's policy: ask every `intervalMs`, whatever the request. */
export function fixedPollPolicy(intervalMs = 1000): PollPolicy {
  return { name: `fixed ${intervalMs} ms`, nextPollAt: (_observation, _beliefs, now) => now + intervalMs };
}
