import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../database.ts';
import { migrations } from './index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('migration 012 (batch insert)', () => {
  it('reads each job prompt from its params as before, and leaves batch counters to the store', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m012-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 11) });
    expect(schemaVersion(old)).toBe(11);
    const job = old.prepare(
      `INSERT INTO jobs (id, model, params, prompt, state, created_at, updated_at, estimate_key, batch_id)
       VALUES (?, 'ideogram-3', ?, ?, 'queued', 1, 1, 'k', ?)`,
    );
    old.exec(`INSERT INTO batches (id, name, origin, model, created_at, phase, axes, params)
              VALUES ('batch-1', 'Posters', 'file', 'ideogram-3', 1, 'ready', '[]', '[]')`);
    job.run(
      'j1',
      JSON.stringify({ prompt: 'a sign that says "OPEN" — café', seed: 7 }),
      'a sign that says "OPEN" — café',
      'batch-1',
    );
    job.run('j2', JSON.stringify({ seed: 8 }), '', 'batch-1');
    old.exec(
      `INSERT INTO batch_items (job_id, batch_id, item, estimate_usd) VALUES ('j1', 'batch-1', 2, 0.05), ('j2', 'batch-1', 3, 0.05)`,
    );
    const counters = (db: typeof old) =>
      db.prepare(`SELECT total, waiting, unsent_usd AS unsent FROM batches WHERE id = 'batch-1'`).get();
    expect(counters(old)).toEqual({ total: 2, waiting: 2, unsent: 0.1 });
    old.close();

    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 12) });
    expect(schemaVersion(db)).toBe(12);
    // Every reader of jobs.prompt sees what the old column held; no row holds a second copy.
    expect(db.prepare('SELECT id, prompt FROM jobs ORDER BY id').all()).toEqual([
      { id: 'j1', prompt: 'a sign that says "OPEN" — café' },
      { id: 'j2', prompt: '' },
    ]);
    expect(db.prepare(`SELECT * FROM jobs WHERE id = 'j1'`).get()).toMatchObject({
      prompt: 'a sign that says "OPEN" — café',
      params: expect.stringContaining('"seed":7'),
    });
    const columns = db
      .prepare(`SELECT name, hidden FROM pragma_table_xinfo('jobs') WHERE name = 'prompt'`)
      .get();
    // hidden 2: a virtual generated column, computed when read, never stored.
    expect(columns).toEqual({ name: 'prompt', hidden: 2 });
    expect(() => db.exec(`UPDATE jobs SET prompt = 'x' WHERE id = 'j1'`)).toThrow(/generated column/);
    // A non-text prompt reads as '' (as the engine wrote it).
    db.exec(`INSERT INTO jobs (id, model, params, state, created_at, updated_at, estimate_key, batch_id)
             VALUES ('j3', 'ideogram-3', '{"prompt":5}', 'queued', 1, 1, 'k', 'j3')`);
    expect(db.prepare(`SELECT prompt FROM jobs WHERE id = 'j3'`).pluck().get()).toBe('');

    // The counters came through; an item inserted now leaves them to its inserter.
    expect(counters(db)).toEqual({ total: 2, waiting: 2, unsent: 0.1 });
    db.exec(`INSERT INTO jobs (id, model, params, state, created_at, updated_at, estimate_key, batch_id)
             VALUES ('j4', 'ideogram-3', '{"prompt":"x"}', 'queued', 1, 1, 'k', 'batch-1')`);
    db.exec(
      `INSERT INTO batch_items (job_id, batch_id, item, estimate_usd) VALUES ('j4', 'batch-1', 4, 0.05)`,
    );
    expect(counters(db)).toEqual({ total: 2, waiting: 2, unsent: 0.1 });
    // The triggers on jobs still count: a job that moves or goes is seen.
    db.exec(`UPDATE jobs SET state = 'canceled' WHERE id = 'j2'`);
    expect(db.prepare(`SELECT waiting, canceled FROM batches`).get()).toEqual({ waiting: 1, canceled: 1 });
    // The submitter's walk skips a batch still being queued on the send-order index alone, unsorted.
    const walk = `SELECT * FROM jobs INDEXED BY jobs_send_order WHERE state = 'queued' AND held = 0
      AND batch_id NOT IN (SELECT id FROM batches WHERE phase = 'queuing') ORDER BY queue_pos, id LIMIT 5`;
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${walk}`).all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
    expect(db.prepare(`SELECT name FROM pragma_index_info('jobs_send_order')`).pluck().all()).toEqual([
      'queue_pos',
      'id',
      'batch_id',
    ]);
    expect(
      db
        .prepare(walk)
        .all()
        .map((row) => (row as { id: string }).id),
    ).toEqual(['j1', 'j3', 'j4']);
    db.exec(`UPDATE batches SET phase = 'queuing'`);
    expect(
      db
        .prepare(walk)
        .all()
        .map((row) => (row as { id: string }).id),
    ).toEqual(['j3']);
    db.exec(`UPDATE batches SET phase = 'ready'`);
    db.exec(`DELETE FROM jobs WHERE id = 'j1'`);
    expect(db.prepare(`SELECT total, waiting FROM batches`).get()).toEqual({ total: 1, waiting: 0 });
    db.close();
  });
});
