import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../library/database.ts';
import { localDay } from './budget-guard.ts';
import { createLedger } from './ledger.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-'));
  dirs.push(dir);
  const db = openDatabase(path.join(dir, 'library.sqlite3'));
  const ledger = createLedger(db);
  const insert = db.prepare(
    `INSERT INTO jobs (id, model, params, state, created_at, updated_at, estimate_key, batch_id)
     VALUES (?, ?, '{}', 'queued', 1, 1, 'k', ?)`,
  );
  const accept = db.prepare(
    `UPDATE jobs SET state = 'submitted', request_id = ?, status_url = 'u', response_url = 'u', submitted_at = ?,
       credits_spent = ?, updated_at = ? WHERE id = ?`,
  );
  const settle = db.prepare(`UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?`);
  /** A job sent at `at` with `estimate`, accepted with `actual` (or none), then settled as `end`. */
  function charge(
    id: string,
    at: number,
    estimate: number,
    actual: number | null,
    end = 'completed',
    model = 'ideogram-3',
    tier = 'TURBO',
    images = 1,
  ) {
    insert.run(id, model, id);
    ledger.recordEstimate(id, { usd: estimate, images, tier }, at);
    accept.run(`req-${id}`, at, actual, at, id);
    if (end !== 'submitted') settle.run(end, at + 1, id);
  }
  return { db, ledger, charge };
}

describe('ledger', () => {
  it('books each accepted request once, with the charge or else the estimate, on its local day', () => {
    const { db, ledger, charge } = setup();
    const lateNight = new Date(2026, 11, 14, 23, 59, 59, 999).getTime();
    const midnight = new Date(2026, 11, 15, 0, 0, 0, 0).getTime();
    charge('a', lateNight, 0.0375, 0.03);
    charge('b', midnight, 0.075, null, 'failed');
    charge('c', midnight + 5000, 0.5, null, 'submitted', 'ideogram-4', 'QUALITY', 4);
    expect(db.prepare('SELECT job_id, outcome FROM ledger ORDER BY id').all()).toEqual([
      { job_id: 'a', outcome: 'submitted' },
      { job_id: 'b', outcome: 'failed' },
    ]);
    expect(ledger.spentOnDays(localDay(new Date(lateNight)), localDay(new Date(midnight)))).toEqual({
      usd: 0.03,
      images: 1,
      requests: 1,
      estimatedUsd: 0,
    });
    expect(ledger.spentOnDays('2026-12-15', '2026-12-16')).toEqual({
      usd: 0.075,
      images: 1,
      requests: 1,
      estimatedUsd: 0.075,
    });
    // Sent, not settled, no charge named: reserved, not yet booked.
    expect(ledger.inFlightUsd()).toBe(0.5);
    db.prepare("UPDATE jobs SET state = 'completed', credits_spent = 0.4 WHERE id = 'c'").run();
    expect(ledger.inFlightUsd()).toBe(0);
    expect(ledger.spentOnDays('2026-12-15', '2026-12-16').usd).toBeCloseTo(0.475);
  });

  it('learns the price per image from the last charges Segmind named', () => {
    const { ledger, charge } = setup();
    const t = new Date(2026, 11, 15, 12).getTime();
    charge('a', t, 0.0375, 0.03);
    charge('b', t + 1, 0.0375, 0.04);
    charge('c', t + 2, 0.0375, null);
    charge('free', t + 3, 0.0375, 0);
    charge('d', t + 4, 0.5, 0.4, 'completed', 'ideogram-4', 'QUALITY', 4);
    const observed = ledger.observedPrices();
    expect(observed['ideogram-3:TURBO']).toEqual({ usd: 0.035, samples: 2 });
    expect(observed['ideogram-4:QUALITY']).toEqual({ usd: 0.1, samples: 1 });
    expect(observed['ideogram-3:QUALITY']).toBeUndefined();
    expect(ledger.lastId()).toBe(5);
  });
});
