import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Budgets } from '../../../shared/api/spend.ts';
import { openDatabase } from '../../library/database.ts';
import { createLibrary } from '../../library/library.ts';
import { createSegmindClient } from '../../segmind/index.ts';
import { startSimulator, type SimulatorOptions } from '../../simulator/index.ts';
import { budgetCheck, createBudgetGuard } from '../budget-guard.ts';
import { createJobEngine, type JobEngineDeps } from '../job-engine.ts';
import { createLedger } from '../ledger.ts';
import { warpedClock } from './warped-clock.ts';

export const SCALE = 0.02;

/**
 * A real simulator, a real library on a temp folder, the real engine with a budget guard whose caps
 * a test changes as Settings would. `close()` stops it all and removes the folder.
 */
export async function moneyWorld(
  options: { simulator?: SimulatorOptions; engine?: Partial<JobEngineDeps>; budgets?: Budgets } = {},
) {
  const simulator = await startSimulator({ timeScale: SCALE, ...options.simulator });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-money-'));
  const clock = warpedClock(SCALE);
  const db = openDatabase(path.join(dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir, now: clock.now });
  const client = createSegmindClient({ baseUrl: simulator.url, apiKey: 'good-key', timeoutMs: 10_000 });
  const ledger = createLedger(db);
  let budgets: Budgets = options.budgets ?? { dailyUsd: null, monthlyUsd: null };
  const guard = createBudgetGuard({ ledger, budgets: () => budgets, now: clock.now });
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: () => undefined,
    now: clock.now,
    timers: clock.timers,
    maxInFlight: 8,
    maySubmit: budgetCheck(guard),
    ...options.engine,
  });
  return {
    simulator,
    db,
    engine,
    guard,
    ledger,
    now: clock.now,
    setBudgets(next: Budgets) {
      budgets = next;
      engine.budgetChanged();
    },
    ledgerRows: () =>
      db.prepare('SELECT * FROM ledger ORDER BY id').all() as {
        job_id: string;
        request_id: string;
        images: number;
        estimate_usd: number | null;
        actual_usd: number | null;
        outcome: string;
      }[],
    async close() {
      await engine.stop();
      db.close();
      await simulator.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
