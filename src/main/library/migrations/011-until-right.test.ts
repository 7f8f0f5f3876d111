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

describe('migration 011 (until it is right)', () => {
  it('keeps the jobs, and holds each chain and attempt once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m011-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 10) });
    expect(schemaVersion(old)).toBe(10);
    old.exec(
      `INSERT INTO jobs (id, model, params, prompt, state, created_at, updated_at, estimate_key, batch_id)
       VALUES ('j1', 'ideogram-3', '{"prompt":"a sign that says \\"OPEN\\"","seed":101}', 'a sign that says "OPEN"', 'completed', 1, 1, 'k', 'j1')`,
    );
    old.close();

    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 11) });
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare('SELECT id, state FROM jobs').all()).toEqual([{ id: 'j1', state: 'completed' }]);

    const chain = (id: string, retries: number, state = 'running') =>
      db
        .prepare(
          `INSERT INTO until_right_chains (id, model, params, retries, state, created_at, updated_at)
           VALUES (?, 'ideogram-3', (SELECT params FROM jobs WHERE id = 'j1'), ?, ?, 1, 1)`,
        )
        .run(id, retries, state);
    chain('j1', 2);
    const attempt = db.prepare(
      'INSERT INTO until_right_attempts (job_id, chain_id, attempt) VALUES (?, ?, ?)',
    );
    attempt.run('j1', 'j1', 1);
    attempt.run('j2', 'j1', 2);
    // The exactly-once guard: a second job for attempt 2 of the same chain is refused.
    expect(() => attempt.run('j3', 'j1', 2)).toThrow(/UNIQUE/);
    expect(() => db.exec(`UPDATE until_right_chains SET queued = 3 WHERE id = 'j1'`)).toThrow(/CHECK/);
    expect(() => chain('x', 0)).toThrow(/CHECK/);
    expect(() => chain('y', 2, 'maybe')).toThrow(/CHECK/);
    // A passed chain names its image, and only a passed one does.
    expect(() => db.exec(`UPDATE until_right_chains SET state = 'passed' WHERE id = 'j1'`)).toThrow(/CHECK/);
    db.exec(
      `UPDATE until_right_chains SET state = 'passed', passing_job_id = 'j2', passing_image_id = 'IMG' WHERE id = 'j1'`,
    );
    expect(db.prepare('SELECT queued, state, passing_image_id FROM until_right_chains').get()).toEqual({
      queued: 0,
      state: 'passed',
      passing_image_id: 'IMG',
    });
    // A job removed from the queue leaves its chain: the images it made are still in the library.
    db.exec(`DELETE FROM jobs WHERE id = 'j1'`);
    expect(db.prepare('SELECT count(*) FROM until_right_attempts').pluck().get()).toBe(2);
    db.exec(`DELETE FROM until_right_chains WHERE id = 'j1'`);
    expect(db.prepare('SELECT count(*) FROM until_right_attempts').pluck().get()).toBe(0);
    db.close();
  });
});
