import { afterEach, describe, expect, it } from 'vitest';
import { activeJobStates } from '../../shared/api/jobs.ts';
import { estimate } from '../../shared/pricing.ts';
import { dayWindow, localDay, monthWindow } from './budget-guard.ts';
import { moneyWorld, until } from './test-support/money-world.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(...args: Parameters<typeof moneyWorld>) {
  const w = await moneyWorld(...args);
  cleanups.push(() => w.close());
  return w;
}

const turbo = (prompt: string) => ({ prompt, rendering_speed: 'TURBO', resolution: '512x1536' });
const oneTurbo = estimate('ideogram-3', turbo('x')).usd;

describe('budget guard in the engine', () => {
  it('lets one job through a cap of one image, holds the next queued with one banner, and resumes when raised', async () => {
    const w = await world({ budgets: { dailyUsd: oneTurbo, monthlyUsd: null } });
    w.engine.start();
    const first = w.engine.create({ model: 'ideogram-3', params: turbo('first') });
    const second = w.engine.create({ model: 'ideogram-3', params: turbo('second') });
    await until(() => w.engine.status().reason === 'budget', 'the budget pause');
    const status = w.engine.status();
    expect(status.state).toBe('paused');
    expect(status.message).toMatch(
      /^Daily budget reached: \$0\.0\d+ of \$0\.038\. Raise it or wait until tomorrow\.$/,
    );
    // Waits, not fails; and the paid job before it is still polled and fetched.
    await until(() => w.engine.get(first.id).state === 'completed', 'the first job to complete');
    expect(w.engine.get(second.id).state).toBe('queued');
    expect(w.simulator.stats().submits).toBe(1);

    w.setBudgets({ dailyUsd: 1, monthlyUsd: null });
    await until(() => w.engine.get(second.id).state === 'completed', 'the second job after raising the cap');
    expect(w.engine.status().reason).toBeNull();
    const rows = w.ledgerRows();
    expect(rows.map((row) => row.job_id)).toEqual([first.id, second.id]);
    // The simulator charges its own list price (0.03), which the ledger records as the actual.
    expect(rows.map((row) => row.actual_usd)).toEqual([0.03, 0.03]);
    expect(rows[0]?.estimate_usd).toBe(oneTurbo);
    // The second was estimated from what Segmind had charged for the first.
    expect(rows[1]?.estimate_usd).toBe(0.03);
  });

  it('counts jobs in flight against the cap, so parallel sends cannot overshoot it', async () => {
    // A server that names no charge: every estimate stays reserved until its request settles.
    const w = await world({
      simulator: { account: { headers: false } },
      budgets: { dailyUsd: oneTurbo * 2, monthlyUsd: null },
    });
    w.engine.start();
    const jobs = ['a', 'b', 'c'].map((p) => w.engine.create({ model: 'ideogram-3', params: turbo(p) }));
    await until(() => w.engine.status().reason === 'budget', 'the budget pause');
    await until(() => w.simulator.stats().submits === 2, 'two submits');
    await until(
      () => jobs.slice(0, 2).every((job) => w.engine.get(job.id).state === 'completed'),
      'two jobs',
    );
    expect(w.engine.get(jobs[2]!.id).state).toBe('queued');
    // Booked at completion with the estimate standing in for the charge nobody named.
    expect(w.ledgerRows().map((row) => [row.estimate_usd, row.actual_usd, row.outcome])).toEqual([
      [oneTurbo, null, 'completed'],
      [oneTurbo, null, 'completed'],
    ]);
    expect(w.guard.status().daily.spentUsd).toBeCloseTo(oneTurbo * 2);
  });

  it('counts a request cut off while being sent against the cap: Segmind may have charged for it', async () => {
    // Every connection is dropped before an answer: the submit may or may not have reached Segmind.
    const w = await world({
      simulator: { faults: { dropRate: 1 } },
      budgets: { dailyUsd: oneTurbo * 1.5, monthlyUsd: null },
    });
    w.engine.start();
    const cut = w.engine.create({ model: 'ideogram-3', params: turbo('cut off') });
    await until(() => w.engine.get(cut.id).state === 'interrupted', 'the submit to be cut off');
    expect(w.guard.status().daily).toMatchObject({ spentUsd: 0, inFlightUsd: 0, unconfirmedUsd: oneTurbo });
    expect(w.guard.status().monthly.unconfirmedUsd).toBe(oneTurbo);

    // With the network back, the next job would pass the cap if the first was charged: it waits.
    w.simulator.setFaults({});
    const next = w.engine.create({ model: 'ideogram-3', params: turbo('next') });
    await until(() => w.engine.status().reason === 'budget', 'the budget pause');
    expect(w.engine.status().message).toMatch(/^Daily budget reached: \$0\.0\d+ of \$0\.0\d+\./);
    expect(w.engine.get(next.id).state).toBe('queued');
    expect(w.simulator.stats().submits).toBe(0);

    // Raised past both, it goes; the cut-off request still counts, once.
    w.setBudgets({ dailyUsd: oneTurbo * 3.5, monthlyUsd: null });
    await until(() => w.engine.get(next.id).state === 'completed', 'the next job to complete');
    expect(w.guard.status().daily.unconfirmedUsd).toBe(oneTurbo);
    expect(w.simulator.stats().submits).toBe(1);

    // Retried and then removed, the job is gone from the queue; the send that may have been
    // charged is still counted, next to the retry's own charge.
    w.engine.retry(cut.id);
    await until(() => w.engine.get(cut.id).state === 'completed', 'the retry to complete');
    w.engine.remove(cut.id);
    expect(w.guard.status().daily).toMatchObject({ inFlightUsd: 0, unconfirmedUsd: oneTurbo });
    expect(w.guard.status().daily.spentUsd).toBeCloseTo(0.06);
  });

  it('refuses a job bigger than the whole monthly cap with its own words, and answers for N jobs at once', async () => {
    const w = await world({ budgets: { dailyUsd: null, monthlyUsd: 0.2 } });
    w.engine.start();
    const big = w.engine.create({
      model: 'ideogram-4',
      params: { prompt: 'eight posters', num_images: 8, rendering_speed: 'QUALITY' },
    });
    await until(() => w.engine.status().reason === 'budget', 'the budget pause');
    expect(w.engine.status().message).toBe(
      'Monthly budget too small: the next job (about $1.00) costs more than the whole $0.20. Raise it to send it.',
    );
    expect(w.engine.get(big.id).state).toBe('queued');
    expect(w.guard.fits([0.05, 0.05, 0.05, 0.05, 0.05])).toBe(4);
    w.engine.remove(big.id);
    w.engine.budgetChanged();
    await until(() => w.engine.status().reason === null, 'the pause to clear once nothing waits');
    expect(activeJobStates.every((state) => w.engine.status().counts[state] === 0)).toBe(true);
  });
});

describe('local calendar windows', () => {
  it('name days the way the ledger rollup does, and start over at local midnight', () => {
    const t = new Date(2026, 11, 31, 23, 59, 30).getTime();
    expect(dayWindow(t)).toEqual({
      fromDay: '2026-12-31',
      toDay: '2027-01-01',
      startsAt: new Date(2026, 11, 31).getTime(),
      resetsAt: new Date(2027, 0, 1).getTime(),
    });
    expect(monthWindow(t)).toMatchObject({
      fromDay: '2026-12-01',
      toDay: '2027-01-01',
      startsAt: new Date(2026, 11, 1).getTime(),
    });
    expect(localDay(new Date(2027, 1, 3))).toBe('2027-02-03');
  });
});
