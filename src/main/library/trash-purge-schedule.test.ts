import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { schedulePurge } from './trash-purge-schedule.ts';

/** A start-up integrity check the test ends by hand. */
function check() {
  let end!: (ok: boolean) => void;
  const running = new Promise<void>((resolve, reject) => {
    end = (ok) => (ok ? resolve() : reject(new Error('database disk image is malformed')));
  });
  return { running, end };
}

describe('the start-up purge of the trash', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for an integrity check that outlasts its delay, then runs once', async () => {
    const purge = vi.fn();
    const integrity = check();
    schedulePurge(purge, { delayMs: 5_000, after: integrity.running });
    await vi.advanceTimersByTimeAsync(9_000);
    expect(purge).not.toHaveBeenCalled();
    integrity.end(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(purge).toHaveBeenCalledTimes(1);
  });

  it('keeps its delay after a check that ended early, and runs after a failed one too', async () => {
    for (const ok of [true, false]) {
      const purge = vi.fn();
      const integrity = check();
      integrity.end(ok);
      schedulePurge(purge, { delayMs: 5_000, after: integrity.running });
      await vi.advanceTimersByTimeAsync(4_999);
      expect(purge, `check ok: ${ok}`).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(purge, `check ok: ${ok}`).toHaveBeenCalledTimes(1);
    }
  });

  it('never runs once called off, before or after its delay', async () => {
    for (const offAt of [1_000, 6_000]) {
      const purge = vi.fn();
      const integrity = check();
      const callOff = schedulePurge(purge, { delayMs: 5_000, after: integrity.running });
      await vi.advanceTimersByTimeAsync(offAt);
      callOff();
      integrity.end(true);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(purge, `called off at ${offAt} ms`).not.toHaveBeenCalled();
    }
  });
});
