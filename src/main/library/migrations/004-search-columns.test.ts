import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003 } from './003-library-order.ts';
import { m004 } from './004-search-columns.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m004-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

const search = (db: ReturnType<typeof openDatabase>, match: string) =>
  db
    .prepare(
      'SELECT i.id FROM images_fts f JOIN images i ON i.pk = f.rowid WHERE images_fts MATCH ? ORDER BY f.rowid',
    )
    .pluck()
    .all(match);

describe('migration 004 (search columns)', () => {
  it('keeps existing images searchable and adds collection names and read text', () => {
    const file = tempFile();
    const v3 = openDatabase(file, { migrations: [m001, m002, m003] });
    const insert = v3.prepare(
      `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, negative_prompt, params, source, created_at)
       VALUES (?, ?, ?, 'png', 1, 1, 1, 'm', ?, ?, '{}', 'imported', 1)`,
    );
    insert.run(1, 'fox', 'a'.repeat(64), 'a red fox', 'no people');
    insert.run(2, 'owl', 'b'.repeat(64), 'an owl at night', null);
    const album = v3
      .prepare("INSERT INTO collections (name, created_at) VALUES ('Autumn campaign', 0)")
      .run();
    v3.prepare('INSERT INTO collection_images VALUES (?, 2, 0)').run(album.lastInsertRowid);
    v3.close();

    const v4 = openDatabase(file, { migrations: [m001, m002, m003, m004] });
    expect(schemaVersion(v4)).toBe(4);
    expect(search(v4, 'fox')).toEqual(['fox']);
    expect(search(v4, 'negative_prompt : people')).toEqual(['fox']);
    // Collections the image was already in before the migration are searchable at once.
    expect(search(v4, 'campaign')).toEqual(['owl']);

    v4.prepare("UPDATE images SET read_text = 'OPEN LATE' WHERE id = 'fox'").run();
    expect(search(v4, 'read_text : late')).toEqual(['fox']);

    v4.prepare("UPDATE collections SET name = 'Winter launch'").run();
    expect(search(v4, 'campaign')).toEqual([]);
    expect(search(v4, 'launch')).toEqual(['owl']);
    v4.prepare('INSERT INTO collection_images SELECT id, 1, 0 FROM collections').run();
    expect(search(v4, 'winter')).toEqual(['fox', 'owl']);
    // Deleting a collection cascades to its links, whose triggers clear the mirrored names.
    v4.prepare('DELETE FROM collections').run();
    expect(search(v4, 'winter')).toEqual([]);
    expect(v4.prepare('SELECT collection_text FROM images ORDER BY pk').pluck().all()).toEqual(['', '']);

    expect(() =>
      v4.prepare("INSERT INTO images_fts (images_fts) VALUES ('integrity-check')").run(),
    ).not.toThrow();
    expect(quickCheck(v4)).toEqual([]);
    v4.close();
  });
});
