import fs from 'node:fs';
import path from 'node:path';
import type { Job } from '../../../shared/api/jobs.ts';
import type { Budgets } from '../../../shared/api/spend.ts';
import type { UntilRightChain } from '../../../shared/api/until-right.ts';
import { budgetCheck, createBudgetGuard } from '../../jobs/budget-guard.ts';
import { createJobEngine } from '../../jobs/job-engine.ts';
import { createLedger } from '../../jobs/ledger.ts';
import { warpedClock } from '../../jobs/test-support/warped-clock.ts';
import { openDatabase } from '../../library/database.ts';
import { createLibrary } from '../../library/library.ts';
import type { Logger } from '../../logging/logger.ts';
import { createSegmindClient } from '../../segmind/index.ts';
import type { OcrReader } from '../ocr-reader.ts';
import { createTextCheckService, type EnginePlan } from '../text-check-service.ts';
import { createUntilRight } from '../until-right.ts';

export interface UntilRightWorldOptions {
  dataDir: string;
  /** A simulator started with `timeScale: scale`. */
  baseUrl: string;
  scale: number;
  /** Shared by every run on the same data folder (see warpedClock). */
  epoch?: number;
  reader: OcrReader;
  /** The check's engines; an empty plan is a machine where no OCR can run. */
  plan?: EnginePlan;
  budgets?: Budgets;
  /** The engine's and the chains' randomness (seeds drawn): tests pass a seeded one. */
  random?: () => number;
  logger?: Logger;
}

/**
 * Everything "until it's right" runs on, real and on a real data folder: the job engine talking to a
 * simulator under a budget guard, the library, the text check reading with real OCR, and the chains,
 * wired as app-services wires them. Used by the in-process tests and the crash test's child.
 */
export function untilRightWorld(options: UntilRightWorldOptions) {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const clock = warpedClock(options.scale, options.epoch);
  const db = openDatabase(path.join(options.dataDir, 'library.sqlite3'));
  const library = createLibrary({ db, dataDir: options.dataDir, now: clock.now });
  const client = createSegmindClient({ baseUrl: options.baseUrl, apiKey: 'good-key', timeoutMs: 15_000 });
  let budgets: Budgets = options.budgets ?? { dailyUsd: null, monthlyUsd: null };
  const guard = createBudgetGuard({ ledger: createLedger(db), budgets: () => budgets, now: clock.now });
  const chainEvents: UntilRightChain[] = [];
  const jobListeners = new Set<(job: Job) => void>();
  const engine = createJobEngine({
    db,
    library,
    getClient: () => client,
    emit: (event, payload) => {
      if (event === 'jobs:changed') for (const listener of jobListeners) listener(payload as Job);
    },
    now: clock.now,
    timers: clock.timers,
    random: options.random,
    maySubmit: budgetCheck(guard),
    maxInFlight: 4,
    retentionMs: 3_600_000 / options.scale,
    logger: options.logger,
  });
  const checks = createTextCheckService({
    db,
    library,
    reader: options.reader,
    ...(options.plan ? { plan: options.plan } : {}),
  });
  const chains = createUntilRight({
    db,
    engine,
    budgetRefusal(request) {
      const verdict = guard.check(request);
      return verdict.ok ? null : verdict.message;
    },
    emit: (chain) => chainEvents.push(chain),
    check: (ids) => void checks.run(ids),
    now: clock.now,
    random: options.random,
    logger: options.logger,
  });
  checks.onChanged((check) => chains.textChecked(check));
  jobListeners.add((job) => chains.jobChanged(job));
  return {
    db,
    library,
    engine,
    checks,
    chains,
    chainEvents,
    onJob(listener: (job: Job) => void) {
      jobListeners.add(listener);
    },
    setBudgets(next: Budgets) {
      budgets = next;
      engine.budgetChanged();
    },
    start() {
      checks.start();
      engine.start();
      chains.start();
    },
    /** The chain's view as the page would get it. */
    chain: (id: string) => chains.list([id])[0],
    async close() {
      await engine.stop();
      await checks.close();
      await library.close();
      db.close();
    },
  };
}

export async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
