import type { Timers } from '../shared-timer.ts';

/** A clock tests move by hand; its timers fire only when advance() passes their time. */
export function manualClock() {
  let clock = 0;
  const armed = new Map<number, { fn: () => void; at: number }>();
  let handles = 0;
  const timers: Timers = {
    setTimeout(fn, ms) {
      armed.set(++handles, { fn, at: clock + ms });
      return handles;
    },
    clearTimeout: (handle) => void armed.delete(handle as number),
  };
  return {
    now: () => clock,
    timers,
    armedCount: () => armed.size,
    advance(ms: number, afterEach?: () => void) {
      const end = clock + ms;
      for (;;) {
        const next = [...armed].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        armed.delete(next[0]);
        clock = next[1].at;
        next[1].fn();
        afterEach?.();
      }
      clock = end;
    },
  };
}
