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

describe('migration 015 (the trash has its own search index)', () => {
  it('indexes the trashed images a library already has, and follows trash, restore, edits and deletes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m015-'));
    dirs.push(dir);
    const file = path.join(dir, 'library.db');
    const old = openDatabase(file, { migrations: migrations.filter((m) => m.version < 15) });
    expect(schemaVersion(old)).toBe(14);
    const add = old.prepare(insert);
    add.run(10, 'a', 'a'.repeat(64), 'red fox', null);
    add.run(20, 'b', 'b'.repeat(64), 'red fox', 5);
    add.run(30, 'c', 'c'.repeat(64), 'blue fox', 6);
    add.run(40, 'd', 'd'.repeat(64), 'red owl', 7);
    old.close();

    const db = openDatabase(file, { migrations: migrations.filter((m) => m.version <= 15) });
    expect(schemaVersion(db)).toBe(15);
    const inTrash = (match: string) =>
      db
        .prepare<[string], number>(
          'SELECT rowid FROM images_trash_fts WHERE images_trash_fts MATCH ? ORDER BY rowid',
        )
        .pluck()
        .all(match);
    const inLibrary = (match: string) =>
      db
        .prepare<[string], number>(
          'SELECT rowid FROM images_fts WHERE images_fts MATCH ? AND rowid IN (SELECT pk FROM images WHERE trashed_at IS NOT NULL) ORDER BY rowid',
        )
        .pluck()
        .all(match);
    // What the library's own index says of the trash, for every word and prefix these rows hold.
    const words = ['red', 'fox', 'blue', 'owl', 'green', 're*', 'f*', 'o*'];
    const agrees = () => {
      for (const word of words) expect(inTrash(word), word).toEqual(inLibrary(word));
    };
    expect(inTrash('fox')).toEqual([20, 30]);
    expect(inTrash('red')).toEqual([20, 40]);
    agrees();

    db.prepare("UPDATE images SET trashed_at = 8 WHERE id = 'a'").run();
    db.prepare("UPDATE images SET trashed_at = NULL WHERE id = 'b'").run();
    db.prepare("DELETE FROM images WHERE id = 'c'").run();
    // The text of a trashed image changes (a tag removed in the trash), and trashed again later.
    db.prepare("UPDATE images SET prompt = 'green owl' WHERE id = 'd'").run();
    db.prepare("UPDATE images SET trashed_at = 9 WHERE id = 'd'").run();
    db.prepare(insert).run(50, 'e', 'e'.repeat(64), 'blue owl', 10);
    expect(inTrash('fox')).toEqual([10]);
    expect(inTrash('owl')).toEqual([40, 50]);
    expect(inTrash('red')).toEqual([10]);
    agrees();
    db.exec("INSERT INTO images_trash_fts (images_trash_fts) VALUES ('integrity-check')");
    expect(quickCheck(db)).toEqual([]);
    db.close();
  });
});
