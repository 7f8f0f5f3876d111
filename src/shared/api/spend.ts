import { z } from 'zod';
import { PriceTable } from '../pricing.ts';
import { defineMethod } from '../rpc.ts';

/** A cap in dollars, or null for none. */
const Cap = z.number().min(0).max(1_000_000).nullable();

export const Budgets = z.object({ dailyUsd: Cap, monthlyUsd: Cap });
export type Budgets = z.infer<typeof Budgets>;

export const BudgetWindow = z.object({
  limitUsd: Cap,
  /** Booked in the ledger for this window: Segmind's charges, estimates where it named none. */
  spentUsd: z.number(),
  /** Sent and not yet booked: counted against the cap so parallel jobs cannot overshoot it. */
  inFlightUsd: z.number(),
  /** Cut off while being sent: Segmind may have charged, and never will say, so the cap counts it. */
  unconfirmedUsd: z.number(),
  resetsAt: z.number().int(),
});
export type BudgetWindow = z.infer<typeof BudgetWindow>;

/** What a cap is measured against: booked, on its way, and maybe charged (the guard and the page agree). */
export function budgetUsed(window: BudgetWindow): number {
  return window.spentUsd + window.inFlightUsd + window.unconfirmedUsd;
}
export const BudgetStatus = z.object({ daily: BudgetWindow, monthly: BudgetWindow });
export type BudgetStatus = z.infer<typeof BudgetStatus>;

export const SpendTotal = z.object({
  usd: z.number(),
  images: z.number().int(),
  requests: z.number().int(),
  /** Of `usd`, what rests on estimates because Segmind did not report the charge. */
  estimatedUsd: z.number(),
});
export type SpendTotal = z.infer<typeof SpendTotal>;

/** What the header, the Generate button and the queue need, pushed whenever it changes. */
export const SpendTotals = z.object({
  today: SpendTotal,
  month: SpendTotal,
  budgets: BudgetStatus,
  prices: PriceTable,
  /** Above this, an action that makes several jobs asks first. */
  askAboveUsd: z.number(),
});
export type SpendTotals = z.infer<typeof SpendTotals>;

export const SpendSummary = SpendTotals.extend({
  byModel: z.array(SpendTotal.extend({ model: z.string() })),
  /** This month per collection: what its images cost, each request's cost shared out over its images. */
  byCollection: z.array(z.object({ collectionId: z.number().int(), name: z.string(), usd: z.number() })),
  /** The last 30 days, oldest first, for the chart. */
  days: z.array(z.object({ day: z.string(), usd: z.number() })),
  /** Every booked request, ever: the ledger's own total. */
  allTime: SpendTotal,
  /**
   * Requests cut off while being sent (interrupted): Segmind may have taken and charged them, but the
   * app never learned their ids, so they are not in the ledger. Their estimates, for the record.
   */
  unconfirmed: z.object({ requests: z.number().int(), usd: z.number() }),
});
export type SpendSummary = z.infer<typeof SpendSummary>;

/**
 * The account balance. `credits` + `freeCredits` is what can be spent. `source` says how it was
 * learned: Segmind's x-remaining-credits header on an answer, or GET /v1/get-user-credits.
 */
export const Balance = z.object({
  state: z.enum(['known', 'unknown']),
  usd: z.number().nullable(),
  credits: z.number().nullable(),
  freeCredits: z.number().nullable(),
  source: z.enum(['header', 'endpoint']).nullable(),
  at: z.number().int().nullable(),
  /** Why it is unknown, or what went wrong with the last refresh, in one sentence. */
  note: z.string().nullable(),
  /** Balances of the built-in simulator are play money. */
  simulated: z.boolean(),
});
export type Balance = z.infer<typeof Balance>;

const NoInput = z.object({}).strict().optional();

export const spendApi = {
  'spend:summary': defineMethod(NoInput, SpendSummary),
  'balance:get': defineMethod(NoInput, Balance),
  'balance:refresh': defineMethod(NoInput, Balance),
};

export const spendEvents = {
  'spend:changed': SpendTotals,
  'balance:changed': Balance,
};
