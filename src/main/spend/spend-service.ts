import type Database from 'better-sqlite3';
import type { SpendSummary, SpendTotals } from '../../shared/api/spend.ts';
import { modelIds } from '../../shared/models/index.ts';
import { dayWindow, localDay, monthWindow, type BudgetGuard } from '../jobs/budget-guard.ts';
import type { Ledger } from '../jobs/ledger.ts';

export interface SpendServiceOptions {
  db: Database.Database;
  ledger: Ledger;
  guard: BudgetGuard;
  askAboveUsd: () => number;
  now: () => number;
  onChange: (totals: SpendTotals) => void;
}

export interface SpendService {
  totals(): SpendTotals;
  summary(): SpendSummary;
  /** Something that moves money happened (a job changed, a setting): tell the page once it settles. */
  changed(): void;
  dispose(): void;
}

const CHART_DAYS = 30;
/** Job events come in bursts (a batch, a restart): one recount per burst. */
const SETTLE_MS = 150;

export function createSpendService(options: SpendServiceOptions): SpendService {
  const { db, ledger, guard, now } = options;
  const byModel = db.prepare<[string, string], SpendSummary['byModel'][number]>(
    `SELECT model, sum(usd) AS usd, sum(images) AS images, sum(requests) AS requests,
       sum(estimated_usd) AS estimatedUsd
     FROM ledger_days WHERE day >= ? AND day < ? GROUP BY model ORDER BY usd DESC, model`,
  );
  const perDay = db.prepare<[string, string], { day: string; usd: number }>(
    'SELECT day, sum(usd) AS usd FROM ledger_days WHERE day >= ? AND day < ? GROUP BY day',
  );
  // Kept by triggers (migration 005): one row per collection and month, whatever the history.
  const byCollection = db.prepare<[string], SpendSummary['byCollection'][number]>(
    `SELECT c.id AS collectionId, c.name AS name, cs.usd AS usd
     FROM collection_spend cs JOIN collections c ON c.id = cs.collection_id
     WHERE cs.month = ? AND cs.usd > 1e-9 ORDER BY cs.usd DESC, c.name`,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = '';

  function totals(): SpendTotals {
    const t = now();
    const day = dayWindow(t);
    const month = monthWindow(t);
    return {
      today: ledger.spentOnDays(day.fromDay, day.toDay),
      month: ledger.spentOnDays(month.fromDay, month.toDay),
      budgets: guard.status(),
      prices: guard.prices(),
      askAboveUsd: options.askAboveUsd(),
    };
  }

  function lastDays(t: number): SpendSummary['days'] {
    const today = new Date(t);
    const first = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (CHART_DAYS - 1));
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    const found = new Map(perDay.all(localDay(first), localDay(tomorrow)).map((row) => [row.day, row.usd]));
    return Array.from({ length: CHART_DAYS }, (_, i) => {
      const day = localDay(new Date(first.getFullYear(), first.getMonth(), first.getDate() + i));
      return { day, usd: found.get(day) ?? 0 };
    });
  }

  return {
    totals,
    summary() {
      const t = now();
      const month = monthWindow(t);
      const models = byModel.all(month.fromDay, month.toDay);
      return {
        ...totals(),
        byModel: [
          ...models,
          ...modelIds
            .filter((id) => !models.some((row) => row.model === id))
            .map((model) => ({ model, usd: 0, images: 0, requests: 0, estimatedUsd: 0 })),
        ],
        byCollection: byCollection.all(month.fromDay.slice(0, 7)),
        days: lastDays(t),
        allTime: ledger.spentOnDays('0000-00-00', '9999-99-99'),
        unconfirmed: ledger.unconfirmed(0, Number.MAX_SAFE_INTEGER),
      };
    },
    changed() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const next = totals();
        const text = JSON.stringify(next);
        if (text === lastSent) return;
        lastSent = text;
        options.onChange(next);
      }, SETTLE_MS);
      timer.unref?.();
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}
