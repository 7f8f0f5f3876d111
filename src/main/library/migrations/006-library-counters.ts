import { ftsColumns } from './004-search-columns.ts';
import type { Migration } from './types.ts';

/** How one image row counts, as SQL over `row` ('new' or 'old') and a sign (+1 adds, -1 takes away). */
function countsDelta(row: 'new' | 'old', sign: '+' | '-'): string {
  return `
    UPDATE library_counts SET
      images = images ${sign} (${row}.trashed_at IS NULL),
      trashed = trashed ${sign} (${row}.trashed_at IS NOT NULL),
      favorites = favorites ${sign} (${row}.trashed_at IS NULL AND ${row}.favorite = 1),
      bytes = bytes ${sign} ${row}.bytes;
    ${
      // An upsert's CHECK sees the inserted value before the conflict, so only adding may insert.
      sign === '+'
        ? `INSERT INTO model_counts (model, images) SELECT ${row}.model, 1 WHERE ${row}.trashed_at IS NULL
             ON CONFLICT (model) DO UPDATE SET images = images + 1;`
        : `UPDATE model_counts SET images = images - 1 WHERE model = ${row}.model AND ${row}.trashed_at IS NULL;`
    }`;
}

/**
 * Counters kept by triggers, so the library's size, the trash, favourites, bytes, per-model and
 * per-tag counts are one row read instead of a scan (a full count took ~400 ms at 1M images, on the
 * loop, several times per change). Plus `images_live_order`: the live images in pk order with their
 * rating and filter columns, ~30 bytes a row, so a page at a deep offset, a filtered walk and a
 * search sorted by rating read it instead of the ~500-byte table rows; and the other live indexes
 * made covering. And the search index's vocabulary, for the word being typed (search-terms.ts).
 */
export const m006: Migration = {
  version: 6,
  name: 'library-counters',
  up(db) {
    db.exec(`
      CREATE TABLE library_counts (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        images INTEGER NOT NULL CHECK (images >= 0),
        trashed INTEGER NOT NULL CHECK (trashed >= 0),
        favorites INTEGER NOT NULL CHECK (favorites >= 0),
        bytes INTEGER NOT NULL CHECK (bytes >= 0)
      ) STRICT;
      INSERT INTO library_counts (id, images, trashed, favorites, bytes)
        SELECT 1,
          count(*) FILTER (WHERE trashed_at IS NULL),
          count(*) FILTER (WHERE trashed_at IS NOT NULL),
          count(*) FILTER (WHERE trashed_at IS NULL AND favorite = 1),
          coalesce(sum(bytes), 0)
        FROM images;

      CREATE TABLE model_counts (
        model TEXT PRIMARY KEY,
        images INTEGER NOT NULL CHECK (images >= 0)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO model_counts (model, images)
        SELECT model, count(*) FROM images WHERE trashed_at IS NULL GROUP BY model;

      ALTER TABLE tags ADD COLUMN images INTEGER NOT NULL DEFAULT 0 CHECK (images >= 0);
      UPDATE tags SET images = (SELECT count(*) FROM image_tags it WHERE it.tag_id = tags.id);
      CREATE INDEX tags_by_count ON tags (images DESC, name);

      CREATE TRIGGER images_count_insert AFTER INSERT ON images BEGIN ${countsDelta('new', '+')} END;
      CREATE TRIGGER images_count_delete AFTER DELETE ON images BEGIN ${countsDelta('old', '-')} END;
      CREATE TRIGGER images_count_update AFTER UPDATE OF trashed_at, favorite, bytes, model ON images
      WHEN old.trashed_at IS NOT new.trashed_at OR old.favorite != new.favorite
        OR old.bytes != new.bytes OR old.model != new.model
      BEGIN ${countsDelta('old', '-')} ${countsDelta('new', '+')} END;

      -- Also fired by the cascade when an image is deleted.
      CREATE TRIGGER image_tags_count_insert AFTER INSERT ON image_tags BEGIN
        UPDATE tags SET images = images + 1 WHERE id = new.tag_id;
      END;
      CREATE TRIGGER image_tags_count_delete AFTER DELETE ON image_tags BEGIN
        UPDATE tags SET images = images - 1 WHERE id = old.tag_id;
      END;

      -- Each live index ends in trashed_at (always NULL in it, so it costs a byte): the planner
      -- counts an index as covering only if it holds every column the query names, and every
      -- query names trashed_at. pk comes before it, so (x, pk) order needs no sort; the filter
      -- columns ride along so a filtered walk reads the index, not 1M ~500-byte table rows
      -- (a model + favourite filter: 320 ms at 1M before, 1-10 ms after).
      CREATE INDEX images_live_order ON images (pk, rating, favorite, model, width, height, trashed_at)
        WHERE trashed_at IS NULL;
      DROP INDEX images_live_rating;
      DROP INDEX images_live_model;
      DROP INDEX images_live_favorite;
      CREATE INDEX images_live_rating ON images (rating, pk, trashed_at) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_model ON images (model, pk, favorite, rating, width, height, trashed_at)
        WHERE trashed_at IS NULL;
      CREATE INDEX images_live_favorite ON images (favorite, pk, rating, model, width, height, trashed_at)
        WHERE trashed_at IS NULL AND favorite = 1;

      -- Every term of the search index, for search-terms.ts to expand the word being typed. Filled
      -- from the index itself; a row written since waits in search_terms_pending (by trigger, so
      -- every writer is covered) until main tokenizes it. Terms are never removed: a stale one
      -- matches nothing.
      CREATE TABLE search_terms (term TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
      CREATE TABLE search_terms_pending (pk INTEGER PRIMARY KEY) STRICT;
      CREATE VIRTUAL TABLE temp.images_fts_terms USING fts5vocab (main, images_fts, row);
      INSERT INTO search_terms (term) SELECT term FROM temp.images_fts_terms;
      DROP TABLE temp.images_fts_terms;
      CREATE TRIGGER images_terms_insert AFTER INSERT ON images BEGIN
        INSERT OR IGNORE INTO search_terms_pending (pk) VALUES (new.pk);
      END;
      CREATE TRIGGER images_terms_update AFTER UPDATE OF ${ftsColumns.join(', ')} ON images BEGIN
        INSERT OR IGNORE INTO search_terms_pending (pk) VALUES (new.pk);
      END;
    `);
  },
};
