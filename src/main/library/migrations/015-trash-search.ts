import { ftsColumns } from './004-search-columns.ts';
import type { Migration } from './types.ts';

const columnList = ftsColumns.join(', ');
const newValues = ftsColumns.map((c) => `new.${c}`).join(', ');
const oldValues = ftsColumns.map((c) => `old.${c}`).join(', ');

/**
 * A search inside the trash walked the library's whole index and looked each match up in the trash:
 * with 1 % of a library in the trash, a page of 100 trashed matches of a common word (and the count
 * of up to 1,000 read in the same pass) walked ~100,000 matches at 1M images, and a word with
 * fewer matches than that in the trash walked every one. The trash gets an index of its own, kept
 * by triggers, so the walk is over trashed matches only and stops with its page.
 *
 * Same columns and tokenizer as images_fts, so one MATCH expression (toFtsQuery's) means the same
 * in both. Contentless: the text stays in `images` alone, and a row leaves the index by the 'delete'
 * command with the text it came in with, which is the row's own text for as long as it is in the
 * trash (every text change of a trashed row goes through the update trigger). contentless_delete
 * (delete by rowid) would need no text, but each delete rewrote the segments' tombstones: 2.4-3.2 ms
 * per emptied image at 100k against 1.4-1.5 ms with 'delete' and 0.7-0.9 ms with no trash index.
 * A later migration that rewrites image text with these triggers dropped must refill the index
 * ('delete-all', then insert the trash again), as 004 rebuilt images_fts.
 */
export const m015: Migration = {
  version: 15,
  name: 'trash-search',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE images_trash_fts USING fts5 (
        ${columnList},
        content = '',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      INSERT INTO images_trash_fts (rowid, ${columnList})
        SELECT pk, ${columnList} FROM images WHERE trashed_at IS NOT NULL;

      CREATE TRIGGER images_trash_fts_insert AFTER INSERT ON images WHEN new.trashed_at IS NOT NULL BEGIN
        INSERT INTO images_trash_fts (rowid, ${columnList}) VALUES (new.pk, ${newValues});
      END;
      CREATE TRIGGER images_trash_fts_delete AFTER DELETE ON images WHEN old.trashed_at IS NOT NULL BEGIN
        INSERT INTO images_trash_fts (images_trash_fts, rowid, ${columnList})
          VALUES ('delete', old.pk, ${oldValues});
      END;
      -- Trashed, restored, or its text changed while in the trash: favourites and ratings stay cheap.
      CREATE TRIGGER images_trash_fts_update AFTER UPDATE OF trashed_at, ${columnList} ON images
        WHEN old.trashed_at IS NOT NULL OR new.trashed_at IS NOT NULL
      BEGIN
        INSERT INTO images_trash_fts (images_trash_fts, rowid, ${columnList})
          SELECT 'delete', old.pk, ${oldValues} WHERE old.trashed_at IS NOT NULL;
        INSERT INTO images_trash_fts (rowid, ${columnList})
          SELECT new.pk, ${newValues} WHERE new.trashed_at IS NOT NULL;
      END;
    `);
  },
};
