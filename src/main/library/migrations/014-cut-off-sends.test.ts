import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { migrations } from './index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const insertJob = `INSERT INTO jobs (id, model, params, state, request_id, status_url, response_url, created_at,
    submitted_at, updated_at, estimate_key, batch_id)
  VALUES (?, 'ideogram-3', '{"prompt":"fox"}', ?, ?, ?, ?, 1, ?, 1, 'k', ?)`;
const insertCost = `INSERT INTO job_costs (job_id, estimate_usd, images, price_tier, estimated_at)
  VALUES (?, ?, 1, 'TURBO', ?)`;

describe('migration 014 (sends cut off)', () => {
  it('keeps every send cut off before a request id, from before the upgrade and after, past retry and removal', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m014-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 14) });
    expect(schemaVersion(old)).toBe(13);
    const job = old.prepare(insertJob);
    const cost = old.prepare(insertCost);
    // Cut off before the upgrade; one cut off after Segmind answered (it has a request id, and
    // recovery polls it); one never sent.
    job.run('cut', 'interrupted', null, null, null, null, 'cut');
    cost.run('cut', 0.0375, 100);
    job.run('answered', 'interrupted', 'req-1', 'http://x/s', 'http://x/r', 2, 'answered');
    cost.run('answered', 0.06, 110);
    job.run('waiting', 'queued', null, null, null, null, 'waiting');
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    const rows = () =>
      db.prepare('SELECT job_id, estimate_usd, estimated_at FROM cut_off_sends ORDER BY id').all();
    expect(rows()).toEqual([{ job_id: 'cut', estimate_usd: 0.0375, estimated_at: 100 }]);

    // A send cut off now, while being sent: the trigger remembers its estimate once.
    db.prepare(insertCost).run('waiting', 0.09, 200);
    db.prepare("UPDATE jobs SET state = 'submitting' WHERE id = 'waiting'").run();
    db.prepare("UPDATE jobs SET state = 'interrupted' WHERE id = 'waiting'").run();
    db.prepare("UPDATE jobs SET updated_at = 9 WHERE id = 'waiting'").run();
    expect(rows()).toHaveLength(2);
    // Retried and cut off again: a second send that may have been charged.
    db.prepare("UPDATE jobs SET state = 'submitting' WHERE id = 'waiting'").run();
    db.prepare("UPDATE job_costs SET estimated_at = 300 WHERE job_id = 'waiting'").run();
    db.prepare("UPDATE jobs SET state = 'interrupted' WHERE id = 'waiting'").run();
    // Removed from the queue: what it may have cost stays.
    db.prepare("DELETE FROM jobs WHERE id IN ('cut', 'waiting')").run();
    expect(rows()).toEqual([
      { job_id: 'cut', estimate_usd: 0.0375, estimated_at: 100 },
      { job_id: 'waiting', estimate_usd: 0.09, estimated_at: 200 },
      { job_id: 'waiting', estimate_usd: 0.09, estimated_at: 300 },
    ]);
    const plan = (
      db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT sum(estimate_usd) FROM cut_off_sends WHERE estimated_at >= ? AND estimated_at < ?',
        )
        .all(0, 1) as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' ');
    expect(plan).toMatch(/USING COVERING INDEX cut_off_sends_at/);
    expect(quickCheck(db)).toEqual([]);
    db.close();
  });
});
