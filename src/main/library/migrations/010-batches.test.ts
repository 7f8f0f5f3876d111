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

const insertJob = (state: string, id: string, createdAt: number, batch = id) =>
  `INSERT INTO jobs (id, model, params, prompt, state, created_at, updated_at, estimate_key, batch_id)
   VALUES ('${id}', 'ideogram-3', '{}', 'fox', '${state}', ${createdAt}, ${createdAt}, 'k', '${batch}')`;

describe('migration 010 (batches)', () => {
  it('gives existing jobs a send order equal to the old one, and counts a batch as its jobs move', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m010-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 10) });
    old.exec(insertJob('queued', 'b', 200));
    old.exec(insertJob('queued', 'a', 100));
    old.exec(insertJob('completed', 'c', 50));
    old.close();

    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 10) });
    expect(schemaVersion(db)).toBe(10);
    // The old order (created_at, id) is the new one.
    expect(
      db
        .prepare(`SELECT id FROM jobs WHERE state = 'queued' AND held = 0 ORDER BY queue_pos, id`)
        .pluck()
        .all(),
    ).toEqual(['a', 'b']);
    expect(db.prepare(`SELECT queue_pos FROM jobs WHERE id = 'c'`).pluck().get()).toBe(50);
    expect(() => db.exec(`UPDATE jobs SET held = 2 WHERE id = 'a'`)).toThrow(/CHECK/);
    // The submitter's walk (job-store.ts) can take the send-order index with no sort.
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM jobs INDEXED BY jobs_send_order WHERE state = 'queued' AND held = 0 ORDER BY queue_pos, id LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).not.toMatch(/TEMP B-TREE/);

    db.exec(`INSERT INTO batches (id, name, origin, model, created_at, phase, axes, params)
             VALUES ('batch-1', 'Posters', 'file', 'ideogram-3', 1, 'ready', '[]', '[]')`);
    db.exec(insertJob('queued', 'j1', 300, 'batch-1'));
    db.exec(insertJob('queued', 'j2', 300, 'batch-1'));
    db.exec(
      `INSERT INTO batch_items (job_id, batch_id, item, estimate_usd) VALUES ('j1', 'batch-1', 2, 0.05), ('j2', 'batch-1', 3, 0.05)`,
    );
    const batch = () =>
      db
        .prepare(
          `SELECT total, waiting, completed, failed, canceled, images, unsent_usd AS unsent FROM batches`,
        )
        .get();
    expect(batch()).toEqual({
      total: 2,
      waiting: 2,
      completed: 0,
      failed: 0,
      canceled: 0,
      images: 0,
      unsent: 0.1,
    });
    db.exec(`UPDATE jobs SET state = 'submitting' WHERE id = 'j1'`);
    db.exec(`UPDATE jobs SET state = 'completed', image_ids = '["x","y"]' WHERE id = 'j1'`);
    db.exec(`UPDATE jobs SET state = 'canceled' WHERE id = 'j2'`);
    expect(batch()).toEqual({
      total: 2,
      waiting: 0,
      completed: 1,
      failed: 0,
      canceled: 1,
      images: 2,
      unsent: 0,
    });
    db.exec(`DELETE FROM jobs WHERE id = 'j2'`);
    expect(batch()).toMatchObject({ total: 1, canceled: 0 });
    expect(db.prepare(`SELECT count(*) FROM batch_items`).pluck().get()).toBe(1);
    db.close();
  });
});
