/**
 * bench:spend — money at 1,000,000 charged requests.
 *
 * Builds a library whose ledger holds N booked requests (default 1,000,000; --rows=N) spread over three
 * years, three models and three speeds, booked the way the app books them: a job transition fires the
 * ledger trigger, which keeps the per-day rollup. Requests of the last 90 days also have their image
 * (a tenth of those in a collection): the by-collection view reads this month's rows only, and the
 * library's own full-text triggers would triple the build time for images nothing here reads.
 * "Now" is fixed late in a month (28 November 2026, noon), so "this month" holds 28 days of requests.
 * Then times what runs while the user works: the budget check before each submit, the totals pushed to
 * the page after each job, the Spend view, the observed prices, and one more booking. --quick: 50,000.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBudgetGuard } from '../src/main/jobs/budget-guard.ts';
import { createLedger } from '../src/main/jobs/ledger.ts';
import { openDatabase } from '../src/main/library/database.ts';
import { createSpendService } from '../src/main/spend/spend-service.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { printTable, quantile, writeResults, type Row } from './bench-table.ts';

const quick = process.argv.includes('--quick');
const rowsFlag = process.argv.find((a) => a.startsWith('--rows='))?.split('=')[1];
const ROWS = rowsFlag ? Number(rowsFlag) : quick ? 50_000 : 1_000_000;
const SEED = 10;
const random = mulberry32(SEED);
const DAY = 86_400_000;
const now = new Date(2026, 10, 28, 12).getTime();
const models = ['ideogram-3', 'ideogram-3-remix', 'ideogram-4'] as const;
const tiers: Record<string, string[]> = {
  'ideogram-3': ['TURBO', 'DEFAULT', 'QUALITY'],
  'ideogram-3-remix': ['TURBO', 'DEFAULT', 'QUALITY'],
  'ideogram-4': ['TURBO', 'BALANCED', 'QUALITY'],
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-spend-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const db = openDatabase(path.join(dir, 'library.sqlite3'));

/**
 * Every request goes in as the app's own rows would: a job, its estimate, the accepted submit that
 * records the charge (the ledger trigger books it), the completion, and its image.
 */
function build(): number {
  const insertJob = db.prepare(
    `INSERT INTO jobs (id, model, params, state, request_id, status_url, response_url, created_at,
       submitted_at, updated_at, estimate_key, credits_spent, batch_id)
     VALUES (?, ?, ?, 'submitting', NULL, NULL, NULL, ?, NULL, ?, 'k', NULL, ?)`,
  );
  const cost = db.prepare(
    'INSERT INTO job_costs (job_id, estimate_usd, images, price_tier, estimated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const accept = db.prepare(
    `UPDATE jobs SET state = 'submitted', request_id = ?, status_url = 'u', response_url = 'u', submitted_at = ?,
       credits_spent = ?, updated_at = ? WHERE id = ?`,
  );
  const complete = db.prepare(
    "UPDATE jobs SET state = 'completed', finished_at = ?, updated_at = ? WHERE id = ?",
  );
  const image = db.prepare(
    `INSERT INTO images (id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, job_id, output_index)
     VALUES (?, ?, 'png', 1, 1, 1, ?, 'p', '{}', 'generated', ?, ?, 0)`,
  );
  const collection = Number(
    db.prepare("INSERT INTO collections (name, created_at) VALUES ('Campaign', 0)").run().lastInsertRowid,
  );
  const link = db.prepare(
    'INSERT INTO collection_images (collection_id, image_pk, added_at) VALUES (?, ?, 0)',
  );
  const started = performance.now();
  const batch = 20_000;
  for (let from = 0; from < ROWS; from += batch) {
    db.transaction(() => {
      for (let i = from; i < Math.min(ROWS, from + batch); i++) {
        const id = `job-${i}`;
        const model = models[i % 3]!;
        const tier = tiers[model]![Math.floor(random() * 3)]!;
        // Spread over three years: a busy studio's 900 requests a day.
        const at = Math.round(now - 3 * 365 * DAY * random());
        const estimate = 0.0375 * (1 + Math.floor(random() * 3));
        insertJob.run(id, model, JSON.stringify({ rendering_speed: tier }), at, at, id);
        cost.run(id, estimate, 1, tier, at);
        // Four in five charges are named by Segmind; the rest are booked at their estimate.
        accept.run(`req-${i}`, at, random() < 0.8 ? estimate * 0.8 : null, at, id);
        complete.run(at + 10_000, at + 10_000, id);
        if (at > now - 90 * DAY) {
          const pk = image.run(`img-${i}`, i.toString(16).padStart(64, '0'), model, at, id).lastInsertRowid;
          if (i % 10 === 0) link.run(collection, pk);
        }
      }
    })();
  }
  return performance.now() - started;
}

function time(fn: () => unknown, runs: number): { p50: number; p95: number } {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return { p50: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

const buildMs = build();
const ledger = createLedger(db);
const budgets = { dailyUsd: 1_000_000, monthlyUsd: 1_000_000 };
const guard = createBudgetGuard({ ledger, budgets: () => budgets, now: () => now });
const spend = createSpendService({
  db,
  ledger,
  guard,
  askAboveUsd: () => 1,
  now: () => now,
  onChange: () => undefined,
});
// A queued job the guard is asked about, as the submitter asks before each send.
db.prepare(
  `INSERT INTO jobs (id, model, params, state, created_at, updated_at, estimate_key, batch_id)
   VALUES ('next', 'ideogram-4', '{"rendering_speed":"QUALITY","num_images":4}', 'queued', ?, ?, 'k', 'next')`,
).run(now, now);
const queued = {
  id: 'next',
  model: 'ideogram-4' as const,
  params: { rendering_speed: 'QUALITY', num_images: 4 },
};
let bookings = 0;
const book = db.prepare(
  `UPDATE jobs SET state = 'submitted', request_id = ?, status_url = 'u', response_url = 'u', submitted_at = ?,
     credits_spent = 0.4, updated_at = ? WHERE id = 'next'`,
);

const measured = {
  budgetCheck: time(() => guard.admit(queued), 300),
  pushedTotals: time(() => spend.totals(), 300),
  spendView: time(() => spend.summary(), 30),
  observedPrices: time(() => ledger.observedPrices(), 300),
  booking: time(() => book.run(`req-extra-${bookings++}`, now, now), 300),
};
const targets: Record<keyof typeof measured, number> = {
  budgetCheck: 2,
  pushedTotals: 5,
  spendView: 100,
  observedPrices: 5,
  booking: 2,
};
const what: Record<keyof typeof measured, string> = {
  budgetCheck: 'budget check before a submit',
  pushedTotals: 'totals pushed after a job',
  spendView: 'Spend view (month by collection)',
  observedPrices: 'observed prices (9 tiers)',
  booking: 'one more request booked (trigger)',
};
const rows: Row[] = (Object.keys(measured) as (keyof typeof measured)[]).map((key) => ({
  step: what[key],
  'p50 ms': measured[key].p50,
  'p95 ms': measured[key].p95,
  'target p95 ms': targets[key],
  held: measured[key].p95 <= targets[key],
}));
const summary = spend.summary();
console.log(
  `bench:spend, ${ROWS.toLocaleString('en-US')} booked requests (built in ${(buildMs / 1000).toFixed(1)} s), seed ${SEED}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
printTable(rows);
console.log(
  `ledger all-time ${summary.allTime.requests} requests, $${summary.allTime.usd.toFixed(2)}; this month $${summary.month.usd.toFixed(2)}`,
);
const file = writeResults('spend', {
  rows: ROWS,
  seed: SEED,
  loadavg: os.loadavg(),
  buildMs,
  measured,
  targets,
});
console.log(`wrote ${file}`);
db.close();
if (rows.some((row) => row.held === false)) process.exitCode = 1;
