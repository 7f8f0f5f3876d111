import type { Logger } from '../logging/logger.ts';

/** Which kind of step holds a job: stop() lets submits land, and cuts polls and downloads off. */
export type StepLane = 'submit' | 'remote';

export interface InFlight {
  /**
   * Runs one step of a job with its own AbortSignal; the job counts as busy until the step settles.
   * A step that throws is handed to `onError` (it must still end up rescheduled or finished).
   */
  run(id: string, lane: StepLane, work: (signal: AbortSignal) => Promise<void>): void;
  isBusy(id: string): boolean;
  abort(id: string): void;
  /** The submits on the wire, for stop()'s grace period. */
  submits(): Promise<void>[];
  abortAll(): void;
  settled(): Promise<void>;
}

/** The requests out right now, one per job at most. Entries remove themselves when their step ends. */
export function createInFlight(
  onError: (id: string, lane: StepLane, error: unknown) => void,
  logger: Logger,
): InFlight {
  const steps = new Map<string, { lane: StepLane; done: Promise<void>; controller: AbortController }>();
  return {
    run(id, lane, work) {
      const controller = new AbortController();
      const done = Promise.resolve()
        .then(() => work(controller.signal))
        .catch((error: unknown) => onError(id, lane, error))
        // The handler itself failed (the disk refused its write too): log it, never an unhandled rejection.
        .catch((error: unknown) =>
          logger.error(`[jobs] job ${id}: handling a failed ${lane} step failed:`, error),
        )
        .finally(() => {
          if (steps.get(id)?.done === done) steps.delete(id);
        });
      steps.set(id, { lane, done, controller });
    },
    isBusy: (id) => steps.has(id),
    abort: (id) => steps.get(id)?.controller.abort(),
    submits: () => [...steps.values()].filter((step) => step.lane === 'submit').map((step) => step.done),
    abortAll() {
      for (const step of steps.values()) step.controller.abort();
    },
    async settled() {
      await Promise.allSettled([...steps.values()].map((step) => step.done));
    },
  };
}
