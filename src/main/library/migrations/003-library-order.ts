import type { Migration } from './types.ts';

/**
 * Makes images.pk follow creation time: pk = created_at * 1024 + n (the smallest free value from
 * there). One integer then orders the library, so "newest first" is a walk down the rowid b-tree and
 * a search reads the FTS index (keyed by the same rowid) newest-first and stops after one page,
 * instead of collecting and sorting every match. Indexes are rebuilt to end in that order.
 * 2^53 / 1024 ms reaches the year 2248, so the values stay exact in JavaScript.
 */
export const pkSlots = 1024;

export const m003: Migration = {
  version: 3,
  name: 'library-order',
  up(db) {
    db.exec(`
      DROP INDEX images_live_created;
      DROP INDEX images_live_model;
      DROP INDEX images_live_rating;
      DROP INDEX images_live_favorite;
      CREATE INDEX images_live_model ON images (model) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_rating ON images (rating) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_favorite ON images (favorite) WHERE trashed_at IS NULL AND favorite = 1;
    `);

    const rows = db
      .prepare<[], { pk: number; created_at: number }>(
        'SELECT pk, created_at FROM images ORDER BY created_at, pk',
      )
      .all();
    if (rows.length === 0) return;
    // Children are re-pointed in the same transaction; checking them at commit is what makes that legal.
    db.pragma('defer_foreign_keys = ON');
    db.exec('CREATE TEMP TABLE pk_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL) STRICT');
    const map = db.prepare('INSERT INTO temp.pk_map (old, new) VALUES (?, ?)');
    let last = -1;
    for (const row of rows) {
      last = Math.max(row.created_at * pkSlots, last + 1);
      map.run(row.pk, last);
    }
    // Old values are small autoincrement numbers and new ones start near 1.7e15: the ranges never meet.
    db.exec(`
      UPDATE images SET pk = (SELECT new FROM temp.pk_map WHERE old = images.pk);
      UPDATE image_tags SET image_pk = (SELECT new FROM temp.pk_map WHERE old = image_tags.image_pk);
      UPDATE collection_images SET image_pk = (SELECT new FROM temp.pk_map WHERE old = collection_images.image_pk);
      DROP TABLE temp.pk_map;
      INSERT INTO images_fts (images_fts) VALUES ('rebuild');
    `);
  },
};
