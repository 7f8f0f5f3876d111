import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, quickCheck, schemaVersion } from '../database.ts';
import { m001 } from './001-library.ts';
import { m002 } from './002-jobs.ts';
import { m003 } from './003-library-order.ts';
import { m004 } from './004-search-columns.ts';
import { m006 } from './006-library-counters.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-m006-'));
  dirs.push(dir);
  return path.join(dir, 'library.db');
}

type Db = ReturnType<typeof openDatabase>;

/** What the counters must equal: the full scans they replace. */
function fullCounts(db: Db) {
  return {
    counts: db
      .prepare(
        `SELECT count(*) FILTER (WHERE trashed_at IS NULL) AS images,
                count(*) FILTER (WHERE trashed_at IS NOT NULL) AS trashed,
                count(*) FILTER (WHERE trashed_at IS NULL AND favorite = 1) AS favorites,
                coalesce(sum(bytes), 0) AS bytes
         FROM images`,
      )
      .get(),
    models: db
      .prepare(
        'SELECT model, count(*) AS images FROM images WHERE trashed_at IS NULL GROUP BY model ORDER BY model',
      )
      .all(),
    tags: db
      .prepare(
        'SELECT t.name, count(it.tag_id) AS images FROM tags t LEFT JOIN image_tags it ON it.tag_id = t.id GROUP BY t.id ORDER BY t.name',
      )
      .all(),
  };
}

function counters(db: Db) {
  return {
    counts: db.prepare('SELECT images, trashed, favorites, bytes FROM library_counts').get(),
    models: db.prepare('SELECT model, images FROM model_counts WHERE images > 0 ORDER BY model').all(),
    tags: db.prepare('SELECT name, images FROM tags ORDER BY name').all(),
  };
}

const insert = `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, params, source, created_at, favorite, trashed_at)
  VALUES (?, ?, ?, 'png', ?, 1, 1, ?, 'p', '{}', 'imported', 1, ?, ?)`;

describe('migration 006 (library counters)', () => {
  it('counts the images a version 4 library already has, then keeps the counts in step', () => {
    const file = tempFile();
    const v4 = openDatabase(file, { migrations: [m001, m002, m003, m004] });
    const add = v4.prepare(insert);
    add.run(1, 'a', 'a'.repeat(64), 10, 'ideogram-3', 1, null);
    add.run(2, 'b', 'b'.repeat(64), 20, 'ideogram-3', 0, 5);
    add.run(3, 'c', 'c'.repeat(64), 30, 'ideogram-4', 1, null);
    const tag = v4.prepare("INSERT INTO tags (name) VALUES ('coast')").run().lastInsertRowid;
    v4.prepare('INSERT INTO tags (name) VALUES (?)').run('unused');
    v4.prepare('INSERT INTO image_tags (image_pk, tag_id) VALUES (1, ?), (2, ?)').run(tag, tag);
    v4.close();

    const v6 = openDatabase(file, { migrations: [m001, m002, m003, m004, m006] });
    expect(schemaVersion(v6)).toBe(6);
    expect(counters(v6)).toEqual(fullCounts(v6));
    expect(counters(v6).counts).toEqual({ images: 2, trashed: 1, favorites: 2, bytes: 60 });
    // The search vocabulary starts as the index's own terms; later rows queue up for main to read.
    expect(v6.prepare('SELECT term FROM search_terms ORDER BY term').pluck().all()).toEqual(['coast', 'p']);
    expect(v6.prepare('SELECT count(*) FROM search_terms_pending').pluck().get()).toBe(0);

    // Every kind of change the library makes, each followed by the same comparison.
    const steps: [string, () => void][] = [
      ['insert live', () => v6.prepare(insert).run(4, 'd', 'd'.repeat(64), 40, 'ideogram-4', 0, null)],
      ['insert trashed', () => v6.prepare(insert).run(5, 'e', 'e'.repeat(64), 50, 'ideogram-2a', 1, 9)],
      ['trash', () => v6.prepare("UPDATE images SET trashed_at = 7 WHERE id IN ('a', 'c')").run()],
      ['retrash', () => v6.prepare("UPDATE images SET trashed_at = 8 WHERE id = 'a'").run()],
      ['restore', () => v6.prepare("UPDATE images SET trashed_at = NULL WHERE id IN ('a', 'e')").run()],
      ['favourite', () => v6.prepare('UPDATE images SET favorite = 1 - favorite').run()],
      ['change model', () => v6.prepare("UPDATE images SET model = 'ideogram-3' WHERE id = 'e'").run()],
      [
        'tag',
        () => v6.prepare('INSERT INTO image_tags (image_pk, tag_id) VALUES (4, ?), (5, ?)').run(tag, tag),
      ],
      ['untag', () => v6.prepare('DELETE FROM image_tags WHERE image_pk = 4').run()],
      ['delete (tags go by cascade)', () => v6.prepare("DELETE FROM images WHERE id IN ('a', 'b')").run()],
      ['delete all', () => v6.prepare('DELETE FROM images').run()],
    ];
    for (const [name, step] of steps) {
      step();
      expect(counters(v6), name).toEqual(fullCounts(v6));
    }
    expect(counters(v6).counts).toEqual({ images: 0, trashed: 0, favorites: 0, bytes: 0 });
    expect(v6.prepare('SELECT pk FROM search_terms_pending ORDER BY pk').pluck().all()).toEqual([4, 5]);
    expect(quickCheck(v6)).toEqual([]);
    v6.close();
  });

  it('walks pages in order from covering indexes alone, without the table or a sort', () => {
    const db = openDatabase(tempFile(), { migrations: [m001, m002, m003, m004, m006] });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');
    const live = 'FROM images INDEXED BY';
    for (const [index, sql] of [
      [
        'images_live_order',
        `SELECT pk, rating ${live} images_live_order WHERE trashed_at IS NULL ORDER BY pk DESC`,
      ],
      [
        'images_live_rating',
        `SELECT pk, rating ${live} images_live_rating WHERE trashed_at IS NULL ORDER BY rating DESC, pk DESC`,
      ],
      [
        'images_live_model',
        `SELECT pk ${live} images_live_model WHERE trashed_at IS NULL AND model = 'm' ORDER BY pk DESC`,
      ],
      [
        'images_live_favorite',
        `SELECT pk ${live} images_live_favorite WHERE trashed_at IS NULL AND favorite = 1 ORDER BY pk DESC`,
      ],
    ]) {
      const detail = plan(`${sql} LIMIT 10 OFFSET 100`);
      expect(detail, index).toMatch(new RegExp(`COVERING INDEX ${index}`));
      expect(detail, index).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });
});
