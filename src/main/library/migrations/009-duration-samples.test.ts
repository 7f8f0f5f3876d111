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

describe('migration 009 (duration samples)', () => {
  it('replaces the learned averages with a samples table and keeps the jobs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m009-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const before = migrations.filter((m) => m.version < 9);
    const old = openDatabase(file, { migrations: before });
    old
      .prepare(
        "INSERT INTO job_duration_estimates (key, mean_ms, deviation_ms, samples, updated_at) VALUES ('k', 10000, 800, 5, 1)",
      )
      .run();
    old
      .prepare(
        `INSERT INTO jobs (id, model, params, prompt, state, created_at, updated_at, estimate_key, batch_id)
       VALUES ('j', 'ideogram-3', '{}', 'fox', 'queued', 1, 1, 'k', 'j')`,
      )
      .run();
    old.close();

    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 9) });
    expect(schemaVersion(db)).toBe(9);
    expect(
      db.prepare("SELECT name FROM sqlite_master WHERE name = 'job_duration_estimates'").get(),
    ).toBeUndefined();
    expect(db.prepare('SELECT id FROM jobs').pluck().all()).toEqual(['j']);
    db.prepare(
      "INSERT INTO job_duration_samples (key, total_ms, inference_ms, saw_processing, at) VALUES ('k', 10000, NULL, 1, 1)",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO job_duration_samples (key, total_ms, inference_ms, saw_processing, at) VALUES ('k', 0, NULL, 1, 1)",
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
