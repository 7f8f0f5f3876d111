import { describe, expect, it } from 'vitest';
import type { Balance } from '../../shared/api/spend.ts';
import { memoryLogger } from '../logging/logger.ts';
import type { AccountCredits } from '../segmind/balance.ts';
import { segmindError } from '../segmind/errors.ts';
import { createBalanceTracker } from './balance-tracker.ts';

function deferred() {
  let resolve!: (value: AccountCredits) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<AccountCredits>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('balance tracker', () => {
  it("keeps the header's balance when the route fails, and drops an answer about an old connection", async () => {
    const calls: ReturnType<typeof deferred>[] = [];
    const seen: Balance[] = [];
    const tracker = createBalanceTracker({
      fetchCredits: () => {
        const call = deferred();
        calls.push(call);
        return call.promise;
      },
      simulated: () => false,
      now: () => 1000,
      onChange: (balance) => seen.push(balance),
      logger: memoryLogger(),
    });
    expect(tracker.get()).toMatchObject({ state: 'unknown', usd: null });
    tracker.sawUsage({ remainingCredits: 4.2 });
    expect(tracker.get()).toMatchObject({ state: 'known', usd: 4.2, source: 'header', credits: null });

    const failing = tracker.refresh();
    // One call at a time: a second refresh shares it.
    expect(tracker.refresh()).toBe(failing);
    calls[0]?.reject(segmindError('not_found', 'no route'));
    expect(await failing).toMatchObject({
      state: 'known',
      usd: 4.2,
      note: expect.stringMatching(/no balance route/),
    });

    const stale = tracker.refresh();
    tracker.reset();
    calls[1]?.resolve({ credits: 99, freeCredits: 0 });
    await stale;
    expect(tracker.get()).toMatchObject({ state: 'unknown', usd: null });

    const fresh = tracker.refresh();
    calls[2]?.resolve({ credits: 2, freeCredits: 0.5 });
    expect(await fresh).toMatchObject({
      state: 'known',
      usd: 2.5,
      credits: 2,
      freeCredits: 0.5,
      source: 'endpoint',
    });
    expect(seen.at(-1)).toEqual(tracker.get());
    tracker.dispose();
  });
});
