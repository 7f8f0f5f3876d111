import { budgetUsed, type BudgetStatus, type Budgets } from '../../shared/api/spend.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import {
  effectivePrices,
  estimate,
  formatUsd,
  type Estimate,
  type PriceTable,
} from '../../shared/pricing.ts';
import type { Ledger } from './ledger.ts';
import type { SubmitCheck } from './job-submitter.ts';

export interface BudgetGuardOptions {
  ledger: Ledger;
  /** Read at every check: a cap raised in Settings counts for the very next job. */
  budgets?: () => Budgets;
  overrides?: () => Record<string, number>;
  now: () => number;
}

export type BudgetVerdict =
  | { ok: true; estimate: Estimate }
  | {
      ok: false;
      estimate: Estimate;
      cap: 'daily' | 'monthly';
      /** The one line for the queue's banner. */
      message: string;
      /** When the cap's window starts over and the job may go after all. */
      resetsAt: number;
      /** When to ask again: the reset, or within the hour (a month is past what a timer can wait). */
      recheckAt: number;
    };

export interface BudgetGuard {
  /**
   * The submitter's question before it sends a queued job: would its estimate cross a cap? When it may
   * go, the estimate is kept with the job, for the ledger row its charge will make.
   */
  admit(job: { id: string; model: ModelId; params: ModelParams }): BudgetVerdict;
  /** The same question about a request not queued yet (a retry about to be made): nothing is booked. */
  check(request: { model: ModelId; params: ModelParams }): BudgetVerdict;
  /** Several jobs at once (variations, batches): how many of them, in order, fit under the caps now. */
  fits(costsUsd: readonly number[]): number;
  status(): BudgetStatus;
  /** The price table in force: published, corrected by observed charges, overridden by Settings. */
  prices(): PriceTable;
}

/** Float sums of prices like 0.0375 must not refuse a job that lands exactly on the cap. */
const EPSILON = 1e-9;
const RECHECK_MS = 3_600_000;

/** A local calendar day as the ledger's rollup names it (SQLite's date(..., 'localtime')). */
export function localDay(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface Window {
  fromDay: string;
  toDay: string;
  /** When this window started (local midnight). */
  startsAt: number;
  /** When the next window starts (local midnight). */
  resetsAt: number;
}

/** "Today" and "this month" are the user's local calendar, not UTC's. */
export function dayWindow(t: number): Window {
  const d = new Date(t);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const next = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  return { fromDay: localDay(d), toDay: localDay(next), startsAt: start.getTime(), resetsAt: next.getTime() };
}

export function monthWindow(t: number): Window {
  const d = new Date(t);
  const start = new Date(d.getFullYear(), d.getMonth(), 1);
  const next = new Date(d.getFullYear(), d.getMonth() + 1, 1);
  return {
    fromDay: localDay(start),
    toDay: localDay(next),
    startsAt: start.getTime(),
    resetsAt: next.getTime(),
  };
}

export function createBudgetGuard(options: BudgetGuardOptions): BudgetGuard {
  const { ledger, now } = options;
  const budgets = options.budgets ?? (() => ({ dailyUsd: null, monthlyUsd: null }));
  const overrides = options.overrides ?? (() => ({}));
  let cached: { ledgerId: number; overrides: string; table: PriceTable } | null = null;

  function prices(): PriceTable {
    const ledgerId = ledger.lastId();
    const wanted = JSON.stringify(overrides());
    if (!cached || cached.ledgerId !== ledgerId || cached.overrides !== wanted) {
      cached = { ledgerId, overrides: wanted, table: effectivePrices(ledger.observedPrices(), overrides()) };
    }
    return cached.table;
  }

  function status(): BudgetStatus {
    const t = now();
    const day = dayWindow(t);
    const month = monthWindow(t);
    const inFlightUsd = ledger.inFlightUsd();
    const caps = budgets();
    const window = (w: Window, limitUsd: number | null) => ({
      limitUsd,
      spentUsd: ledger.spentOnDays(w.fromDay, w.toDay).usd,
      inFlightUsd,
      unconfirmedUsd: ledger.unconfirmed(w.startsAt, w.resetsAt).usd,
      resetsAt: w.resetsAt,
    });
    return { daily: window(day, caps.dailyUsd), monthly: window(month, caps.monthlyUsd) };
  }

  /** The first cap `costs` would cross, and after how many of them. */
  function firstCrossing(costs: readonly number[]) {
    const current = status();
    const windows = (['daily', 'monthly'] as const).flatMap((cap) => {
      const w = current[cap];
      return w.limitUsd === null
        ? []
        : [{ cap, limit: w.limitUsd, used: budgetUsed(w), resetsAt: w.resetsAt }];
    });
    let added = 0;
    for (const [index, cost] of costs.entries()) {
      const crossed = windows.find((w) => w.used + added + cost > w.limit + EPSILON);
      if (crossed) return { index, ...crossed };
      added += cost;
    }
    return null;
  }

  function check(request: { model: ModelId; params: ModelParams }): BudgetVerdict {
    const cost = estimate(request.model, request.params, prices());
    const crossed = firstCrossing([cost.usd]);
    if (crossed) {
      const name = crossed.cap === 'daily' ? 'Daily' : 'Monthly';
      const until = crossed.cap === 'daily' ? 'tomorrow' : 'next month';
      const tooBig = cost.usd > crossed.limit + EPSILON;
      const message = tooBig
        ? `${name} budget too small: the next job (about ${formatUsd(cost.usd)}) costs more than the whole ${formatUsd(crossed.limit)}. Raise it to send it.`
        : `${name} budget reached: ${formatUsd(crossed.used)} of ${formatUsd(crossed.limit)}. Raise it or wait until ${until}.`;
      const recheckAt = Math.min(crossed.resetsAt, now() + RECHECK_MS);
      return {
        ok: false,
        estimate: cost,
        cap: crossed.cap,
        message,
        resetsAt: crossed.resetsAt,
        recheckAt,
      };
    }
    return { ok: true, estimate: cost };
  }

  return {
    admit(job) {
      const verdict = check(job);
      const cost = verdict.estimate;
      if (verdict.ok)
        ledger.recordEstimate(job.id, { usd: cost.usd, images: cost.images, tier: cost.tier }, now());
      return verdict;
    },
    check,
    fits(costs) {
      return firstCrossing(costs)?.index ?? costs.length;
    },
    status,
    prices,
  };
}

/** The guard as the engine asks it before each submit: a job over a cap is held, the queue says why. */
export function budgetCheck(guard: BudgetGuard): SubmitCheck {
  return (job) => {
    const verdict = guard.admit(job);
    return verdict.ok
      ? null
      : {
          reason: 'budget',
          message: verdict.message,
          resumeAt: verdict.resetsAt,
          recheckAt: verdict.recheckAt,
        };
  };
}
