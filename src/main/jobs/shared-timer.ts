import { consoleLogger, type Logger } from '../logging/logger.ts';

/** The clock functions the engine uses; tests and the benchmark pass scaled or recorded ones. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * setTimeout's ceiling: a longer delay overflows and fires at once (Node warns each time). A task
 * further out is reached in steps: the timer fires early, finds nothing due, and re-arms.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Every poll, retry and pause of the queue waits here: one OS timer armed for the earliest task, so a
 * hundred jobs in flight cost one timer, and stop() clears them all at once.
 */
export interface SharedTimer {
  /** Runs `task` at `time` (engine clock); a key already scheduled is moved. */
  at(key: string, time: number, task: () => void): void;
  cancel(key: string): void;
  has(key: string): boolean;
  clear(): void;
}

export function createSharedTimer(
  now: () => number,
  timers: Timers,
  logger: Logger = consoleLogger,
): SharedTimer {
  const tasks = new Map<string, { time: number; task: () => void }>();
  let handle: unknown = null;
  let armedFor = Number.POSITIVE_INFINITY;

  function arm(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const { time } of tasks.values()) if (time < next) next = time;
    if (handle !== null && next === armedFor) return;
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
    armedFor = next;
    if (next === Number.POSITIVE_INFINITY) return;
    handle = timers.setTimeout(fire, Math.min(MAX_TIMER_DELAY_MS, Math.max(0, next - now())));
  }

  function fire(): void {
    handle = null;
    armedFor = Number.POSITIVE_INFINITY;
    const t = now();
    const due = [...tasks].filter(([, entry]) => entry.time <= t).sort((a, b) => a[1].time - b[1].time);
    for (const [key] of due) tasks.delete(key);
    for (const [key, entry] of due) {
      try {
        entry.task();
      } catch (error) {
        // A task that throws must not take the other due tasks, or the timer itself, down with it.
        logger.error(`[jobs] scheduled task ${key} failed:`, error);
      }
    }
    arm();
  }

  return {
    at(key, time, task) {
      tasks.set(key, { time, task });
      arm();
    },
    cancel(key) {
      if (tasks.delete(key)) arm();
    },
    has: (key) => tasks.has(key),
    clear() {
      tasks.clear();
      arm();
    },
  };
}
