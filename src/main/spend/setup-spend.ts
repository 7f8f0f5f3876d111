import type Database from 'better-sqlite3';
import type { Settings } from '../../shared/api/app.ts';
import type { spendApi } from '../../shared/api/spend.ts';
import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import type { PriceTable } from '../../shared/pricing.ts';
import { budgetCheck, createBudgetGuard } from '../jobs/budget-guard.ts';
import type { SubmitCheck } from '../jobs/job-submitter.ts';
import { createLedger } from '../jobs/ledger.ts';
import type { Logger } from '../logging/logger.ts';
import type { EventBus } from '../rpc/event-bus.ts';
import type { HandlerMap } from '../rpc/handler-map.ts';
import { fetchAccountCredits } from '../segmind/balance.ts';
import type { SegmindClient } from '../segmind/index.ts';
import { createBalanceTracker } from './balance-tracker.ts';
import { createSpendService } from './spend-service.ts';
import { tapUsage } from './usage-tap.ts';

export interface SpendSetupOptions {
  db: Database.Database;
  bus: EventBus;
  settings: () => Settings;
  logger: Logger;
  /** The account the app talks to now (the simulator's or Segmind's), or null before it connects. */
  account: () => { baseUrl: string; apiKey: string; userAgent: string; simulated: boolean } | null;
  now?: () => number;
}

export interface SpendSetup {
  /** For the job engine: asked before each submit (the budget guard). */
  maySubmit: SubmitCheck;
  /** The price table in force (published, corrected by charges, overridden): what estimates use. */
  prices(): PriceTable;
  /** Why the budgets would refuse this request now (in the queue banner's words), or null if they allow it. */
  budgetRefusal(request: { model: ModelId; params: ModelParams }): string | null;
  /** Wraps a Segmind client so its answers' credit headers keep the balance current. */
  tap(client: SegmindClient): SegmindClient;
  /** Call after the live/simulator connection (or the key) changed. */
  connectionChanged(): void;
  /** Call after settings changed: budgets and price overrides count at once. */
  settingsChanged(): void;
  handlers: HandlerMap<typeof spendApi>;
  dispose(): void;
}

/**
 * Money, main side: the ledger's reader, the budget guard the engine asks, the balance and the spend
 * totals the page is told about. Everything is built here so the composition root only plugs it in.
 */
export function setupSpend(options: SpendSetupOptions): SpendSetup {
  const now = options.now ?? Date.now;
  const { bus, logger } = options;
  const ledger = createLedger(options.db);
  const guard = createBudgetGuard({
    ledger,
    budgets: () => options.settings().budgets,
    overrides: () => options.settings().priceOverrides,
    now,
  });
  const balance = createBalanceTracker({
    fetchCredits() {
      const account = options.account();
      return account && fetchAccountCredits(account);
    },
    simulated: () => options.account()?.simulated ?? false,
    now,
    onChange: (next) => bus.emit('balance:changed', next),
    logger,
  });
  const spend = createSpendService({
    db: options.db,
    ledger,
    guard,
    askAboveUsd: () => options.settings().askAboveUsd,
    now,
    onChange: (totals) => bus.emit('spend:changed', totals),
  });
  const unsubscribe = bus.subscribe((event) => {
    // Every transition may book a charge or change what is in flight; the recount is a few rows.
    if (event === 'jobs:changed') spend.changed();
    if (event === 'jobs:batchFinished') balance.refreshSoon();
  });

  return {
    maySubmit: budgetCheck(guard),
    prices: () => guard.prices(),
    budgetRefusal(request) {
      const verdict = guard.check(request);
      return verdict.ok ? null : verdict.message;
    },
    tap: (client) => tapUsage(client, (usage) => balance.sawUsage(usage)),
    connectionChanged() {
      balance.reset();
      void balance.refresh();
    },
    settingsChanged: () => spend.changed(),
    handlers: {
      'spend:summary': () => spend.summary(),
      'balance:get': () => balance.get(),
      'balance:refresh': () => balance.refresh(),
    },
    dispose() {
      unsubscribe();
      spend.dispose();
      balance.dispose();
    },
  };
}
