import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m002-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

const insertJob = `INSERT INTO jobs (id, model, params, prompt, state, created_at, updated_at, estimate_key, batch_id)
  VALUES (?, 'ideogram-3', '{"prompt":"fox"}', 'fox', ?, 1, 1, 'ideogram-3|DEFAULT|1024x1024', ?)`;

describe('migration 002 (jobs)', () => {
  it('adds the queue to a version 1 library without touching its images', () => {
    const file = tempFile();
    const v1 = openDatabase(file, { migrations: [m001] });
    v1.prepare(
      `INSERT INTO images (id, sha256, format, bytes, width, height, model, prompt, source, created_at, job_id, output_index)
       VALUES ('img1', ?, 'png', 10, 20, 10, 'ideogram-3', 'fox', 'generated', 1, 'job1', 0)`,
    ).run('a'.repeat(64));
    v1.close();

    const v2 = openDatabase(file, { migrations: [m001, m002] });
    expect(schemaVersion(v2)).toBe(2);
    expect(v2.prepare('SELECT id, job_id FROM images').all()).toEqual([{ id: 'img1', job_id: 'job1' }]);
    v2.prepare(insertJob).run('job1', 'queued', 'job1');
    v2.prepare(
      "INSERT INTO job_attempts (job_id, at, step, outcome) VALUES ('job1', 2, 'submit', 'ok')",
    ).run();
    expect(v2.prepare('SELECT state, attempts, image_ids FROM jobs').get()).toEqual({
      state: 'queued',
      attempts: 0,
      image_ids: '[]',
    });
    v2.prepare("DELETE FROM jobs WHERE id = 'job1'").run();
    expect(v2.prepare('SELECT count(*) FROM job_attempts').pluck().get()).toBe(0);
    v2.close();
  });

  it('refuses rows the state machine cannot produce', () => {
    const db = openDatabase(tempFile(), { migrations: [m001, m002] });
    const insert = db.prepare(insertJob);
    expect(() => insert.run('a', 'running', 'a')).toThrow(/CHECK/);
    // A submitted job without the URLs to poll would be polled forever or never.
    expect(() => insert.run('b', 'submitted', 'b')).toThrow(/CHECK/);
    insert.run('c', 'queued', 'c');
    expect(() => db.prepare("UPDATE jobs SET error_kind = 'server' WHERE id = 'c'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE jobs SET attempts = 'many' WHERE id = 'c'").run()).toThrow(
      /cannot store TEXT value in INTEGER/,
    );
    expect(() =>
      db
        .prepare(
          "INSERT INTO job_duration_estimates (key, mean_ms, deviation_ms, samples, updated_at) VALUES ('k', 0, 1, 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
