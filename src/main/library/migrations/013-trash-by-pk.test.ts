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

const insert = `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, trashed_at)
  VALUES (?, ?, ?, 'png', 1, 1, 1, 'ideogram-3', ?, '{}', 'imported', 1, ?)`;

describe('migration 013 (the trash by pk)', () => {
  it('indexes exactly the trashed images a library already has, and keeps up with trash and restore', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m013-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 13) });
    expect(schemaVersion(old)).toBe(migrations.filter((m) => m.version < 13).at(-1)!.version);
    const add = old.prepare(insert);
    add.run(10, 'a', 'a'.repeat(64), 'red fox', null);
    add.run(20, 'b', 'b'.repeat(64), 'red fox', 5);
    add.run(30, 'c', 'c'.repeat(64), 'blue fox', 6);
    old.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.at(-1)!.version);
    const trashedByIndex = () =>
      db
        .prepare(
          'SELECT pk FROM images INDEXED BY images_trashed_pk WHERE trashed_at IS NOT NULL ORDER BY pk',
        )
        .pluck()
        .all();
    const plan = (
      db
        .prepare(
          'EXPLAIN QUERY PLAN SELECT 1 FROM images INDEXED BY images_trashed_pk WHERE trashed_at IS NOT NULL AND pk = ?',
        )
        .all(20) as { detail: string }[]
    )
      .map((p) => p.detail)
      .join(' ');
    // A lookup, one pk at a time: what a search asks for each match it walks.
    expect(plan).toMatch(/SEARCH images USING COVERING INDEX images_trashed_pk \(pk=\?/);
    expect(trashedByIndex()).toEqual([20, 30]);
    db.prepare("UPDATE images SET trashed_at = 7 WHERE id = 'a'").run();
    db.prepare("UPDATE images SET trashed_at = NULL WHERE id = 'b'").run();
    db.prepare("DELETE FROM images WHERE id = 'c'").run();
    expect(trashedByIndex()).toEqual([10]);
    expect(quickCheck(db)).toEqual([]);
    db.close();
  });
});
