import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003 } from './003-library-order.ts';
import { m004 } from './004-search-columns.ts';
import { m007 } from './007-text-check.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m007-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

describe('migration 007 (text check)', () => {
  it('leaves existing images unchecked and stores verdicts that go with their image', () => {
    const file = tempFile();
    const before = openDatabase(file, { migrations: [m001, m002, m003, m004] });
    const insert = before.prepare(
      `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, params, source, created_at)
       VALUES (?, ?, ?, 'png', 1, 1, 1, 'm', ?, '{}', 'imported', 1)`,
    );
    insert.run(1, 'sign', 'a'.repeat(64), 'a shop sign that says "OPEN LATE"');
    insert.run(2, 'fox', 'b'.repeat(64), 'a red fox');
    before.close();

    const db = openDatabase(file, { migrations: [m001, m002, m003, m004, m007] });
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT text_status FROM images ORDER BY pk').pluck().all()).toEqual([null, null]);

    db.prepare("UPDATE images SET text_status = 'attention', read_text = 'OPEN LTAE' WHERE pk = 1").run();
    db.prepare("INSERT INTO text_checks VALUES (1, 5, 'tesseract', NULL)").run();
    db.prepare("INSERT INTO text_check_phrases VALUES (1, 0, 'OPEN LATE', 'misspelled', 'OPEN LTAE')").run();
    expect(() => db.prepare("UPDATE images SET text_status = 'great' WHERE pk = 2").run()).toThrow(/CHECK/);
    // A misspelled verdict says what was read; the others do not.
    expect(() =>
      db.prepare("INSERT INTO text_check_phrases VALUES (1, 1, 'SALE', 'misspelled', NULL)").run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO text_check_phrases VALUES (1, 1, 'SALE', 'right', 'SALE')").run(),
    ).toThrow(/CHECK/);

    // The filter walks the partial index in pk order instead of scanning the library.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT pk FROM images WHERE trashed_at IS NULL AND text_status = 'attention' ORDER BY pk DESC",
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join(' ')).toMatch(/images_live_text_status/);
    expect(
      db
        .prepare(
          "SELECT id FROM images_fts f JOIN images i ON i.pk = f.rowid WHERE images_fts MATCH 'read_text : ltae'",
        )
        .pluck()
        .all(),
    ).toEqual(['sign']);

    db.prepare('DELETE FROM images WHERE pk = 1').run();
    expect(db.prepare('SELECT count(*) FROM text_checks').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM text_check_phrases').pluck().get()).toBe(0);
    expect(quickCheck(db)).toEqual([]);
    db.close();
  });
});
