import type { Timers } from '../shared-timer.ts';

/**
 * Engine time running `1 / scale` times faster than the wall clock, for tests and benchmarks that
 * drive the simulator at the same scale: a 10 s job, a 1 s Retry-After and the poll gaps all shrink
 * together, so behaviour is the same as at full speed, only sooner. `epoch` must be shared by every
 * process that writes the same database, or their timestamps would not line up.
 */
export function warpedClock(scale: number, epoch = Date.now()): { now: () => number; timers: Timers } {
  return {
    // Whole milliseconds, like Date.now(): timestamps land in INTEGER columns of STRICT tables.
    now: () => Math.round(epoch + (Date.now() - epoch) / scale),
    timers: {
      setTimeout: (callback, ms) => setTimeout(callback, Math.max(0, ms * scale)),
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  };
}
