import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003, pkSlots } from './003-library-order.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m003-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

describe('migration 003 (library order)', () => {
  it('renumbers existing images by creation time and keeps tags, collections and search attached', () => {
    const file = tempFile();
    const v2 = openDatabase(file, { migrations: [m001, m002] });
    expect(schemaVersion(v2)).toBe(2);
    const insert = v2.prepare(
      `INSERT INTO images (id, sha256, format, bytes, width, height, model, prompt, params, source, created_at)
       VALUES (?, ?, 'png', 1, 1, 1, 'm', ?, '{}', 'imported', ?)`,
    );
    // Inserted out of time order, two in the same millisecond.
    insert.run('late', 'a'.repeat(64), 'late lighthouse', 3_000);
    insert.run('early', 'b'.repeat(64), 'early fox', 1_000);
    insert.run('twin', 'c'.repeat(64), 'twin fox', 1_000);
    const tag = v2.prepare("INSERT INTO tags (name) VALUES ('coast')").run().lastInsertRowid;
    v2.prepare("INSERT INTO image_tags SELECT pk, ? FROM images WHERE id = 'late'").run(tag);
    const album = v2
      .prepare("INSERT INTO collections (name, created_at) VALUES ('a', 0)")
      .run().lastInsertRowid;
    v2.prepare("INSERT INTO collection_images SELECT ?, pk, 0 FROM images WHERE id = 'early'").run(album);
    v2.close();

    const v3 = openDatabase(file, { migrations: [m001, m002, m003] });
    expect(schemaVersion(v3)).toBe(3);
    expect(v3.prepare('SELECT id, pk FROM images ORDER BY pk').all()).toEqual([
      { id: 'early', pk: 1_000 * pkSlots },
      { id: 'twin', pk: 1_000 * pkSlots + 1 },
      { id: 'late', pk: 3_000 * pkSlots },
    ]);
    const search = v3.prepare(
      'SELECT i.id FROM images_fts f JOIN images i ON i.pk = f.rowid WHERE images_fts MATCH ? ORDER BY f.rowid',
    );
    expect(search.pluck().all('fox')).toEqual(['early', 'twin']);
    expect(search.pluck().all('coast')).toEqual(['late']);
    expect(
      v3.prepare('SELECT i.id FROM collection_images ci JOIN images i ON i.pk = ci.image_pk').pluck().all(),
    ).toEqual(['early']);
    // FTS5 throws from integrity-check when the index and the images table disagree.
    expect(() =>
      v3.prepare("INSERT INTO images_fts (images_fts) VALUES ('integrity-check')").run(),
    ).not.toThrow();
    expect(quickCheck(v3)).toEqual([]);
    v3.close();
  });

  it('orders the live indexes by pk so pages need no sort', () => {
    const db = openDatabase(tempFile(), { migrations: [m001, m002, m003] });
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT pk FROM images WHERE trashed_at IS NULL AND model = 'm' ORDER BY pk DESC LIMIT 10",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});
