import type Database from 'better-sqlite3';
import type { Observed } from '../../shared/pricing.ts';
import { priceKey } from '../../shared/pricing.ts';
import { getModel, modelIds, priceTiersOf } from '../../shared/models/index.ts';

/**
 * The ledger's read side, and the one write the app makes itself: the estimate a job was sent with.
 * Ledger rows are written by the `jobs_charge_ledger` trigger (migration 005), in the statement that
 * records the charge, so nothing here can lose or double one.
 */

export interface SpendTotal {
  usd: number;
  images: number;
  requests: number;
  /** Of `usd`, the part Segmind did not report and the estimate stands for. */
  estimatedUsd: number;
}

export interface LedgerRow {
  id: number;
  job_id: string;
  request_id: string;
  model: string;
  images: number;
  price_tier: string | null;
  estimate_usd: number | null;
  actual_usd: number | null;
  charged_at: number;
  recorded_at: number;
  outcome: string;
}

/** Observed prices are learned from this many recent charges per price, so a price change shows soon. */
const OBSERVED_WINDOW = 20;

export interface Ledger {
  /** Keeps the estimate a job is being sent with (replacing one from an earlier attempt). */
  recordEstimate(jobId: string, cost: { usd: number; images: number; tier: string }, at: number): void;
  /**
   * Charges on local days [fromDay, toDay) ('YYYY-MM-DD'), from the per-day rollup: a month is at most
   * a few dozen rows whatever the history. A request counts for Segmind's charge when it said one,
   * else for the estimate it was sent with.
   */
  spentOnDays(fromDay: string, toDay: string): SpendTotal;
  /** Estimates of requests on their way (sent, not yet booked): money the budget must count as spent. */
  inFlightUsd(): number;
  /**
   * Sends cut off before Segmind named a request id, estimated in [fromMs, toMs) (migration 014):
   * Segmind may have charged for them and nothing will ever say, so budgets count them, even after
   * the job was retried or removed.
   */
  unconfirmed(fromMs: number, toMs: number): { requests: number; usd: number };
  /** Per `model:tier`, the recent charges Segmind reported, per image. */
  observedPrices(): Record<string, Observed>;
  /** Bumps whenever a row is added: a cheap way to know cached sums are stale. */
  lastId(): number;
}

export function createLedger(db: Database.Database): Ledger {
  const upsertCost = db.prepare(
    `INSERT INTO job_costs (job_id, estimate_usd, images, price_tier, estimated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (job_id) DO UPDATE SET estimate_usd = excluded.estimate_usd, images = excluded.images,
       price_tier = excluded.price_tier, estimated_at = excluded.estimated_at`,
  );
  const days = db.prepare<[string, string], SpendTotal>(
    `SELECT coalesce(sum(usd), 0) AS usd, coalesce(sum(images), 0) AS images,
       coalesce(sum(requests), 0) AS requests, coalesce(sum(estimated_usd), 0) AS estimatedUsd
     FROM ledger_days WHERE day >= ? AND day < ?`,
  );
  // In flight is at most the in-flight limit of rows (jobs_state_created), whatever the history.
  const inFlight = db
    .prepare(
      `SELECT coalesce(sum(c.estimate_usd), 0) FROM jobs j JOIN job_costs c ON c.job_id = j.id
       WHERE j.state IN ('submitting', 'submitted', 'downloading')
         AND NOT EXISTS (SELECT 1 FROM ledger l WHERE l.job_id = j.id AND l.request_id = j.request_id)`,
    )
    .pluck();
  const unconfirmed = db.prepare<[number, number], { requests: number; usd: number }>(
    `SELECT count(*) AS requests, coalesce(sum(estimate_usd), 0) AS usd
     FROM cut_off_sends WHERE estimated_at >= ? AND estimated_at < ?`,
  );
  const observed = db.prepare<[string, string, number], { usd: number | null; images: number; n: number }>(
    `SELECT sum(actual_usd) AS usd, sum(images) AS images, count(*) AS n FROM (
       SELECT actual_usd, images FROM ledger
       WHERE model = ? AND price_tier = ? AND actual_usd > 0 ORDER BY id DESC LIMIT ?)`,
  );
  const maxId = db.prepare('SELECT coalesce(max(id), 0) FROM ledger').pluck();

  return {
    recordEstimate(jobId, cost, at) {
      upsertCost.run(jobId, cost.usd, cost.images, cost.tier, at);
    },
    spentOnDays: (fromDay, toDay) => days.get(fromDay, toDay) as SpendTotal,
    inFlightUsd: () => inFlight.get() as number,
    unconfirmed: (fromMs, toMs) => unconfirmed.get(fromMs, toMs) ?? { requests: 0, usd: 0 },
    observedPrices() {
      const out: Record<string, Observed> = {};
      // Nine prices at most, each a short walk down ledger_observed: not a scan of the history.
      for (const model of modelIds) {
        for (const tier of priceTiersOf(getModel(model))) {
          const row = observed.get(model, tier, OBSERVED_WINDOW);
          if (row && row.n > 0 && row.images > 0 && row.usd !== null) {
            out[priceKey(model, tier)] = { usd: row.usd / row.images, samples: row.n };
          }
        }
      }
      return out;
    },
    lastId: () => maxId.get() as number,
  };
}
