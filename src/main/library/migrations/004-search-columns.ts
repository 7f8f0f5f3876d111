import type { Migration } from './types.ts';

/** The columns the full-text index covers, in index order. Search code names them, never numbers them. */
export const ftsColumns = [
  'prompt',
  'expanded_prompt',
  'negative_prompt',
  'tag_text',
  'style_codes',
  'collection_text',
  'read_text',
] as const;

const columnList = ftsColumns.join(', ');
const newValues = ftsColumns.map((c) => `new.${c}`).join(', ');
const oldValues = ftsColumns.map((c) => `old.${c}`).join(', ');

/** collection_text mirrors the names of an image's collections, as tag_text mirrors its tags. */
function refreshCollectionText(where: string): string {
  return `UPDATE images SET collection_text = (
    SELECT coalesce(group_concat(c.name, ' '), '') FROM collection_images ci JOIN collections c ON c.id = ci.collection_id
    WHERE ci.image_pk = images.pk
  ) WHERE ${where};`;
}

/**
 * Search grows two sources: the names of the collections an image is in, and the text read from the
 * image itself (`read_text`, written by the text check). Both become columns of the one FTS index, so a
 * search is still one MATCH walked in pk order; the index is rebuilt once with the new columns.
 */
export const m004: Migration = {
  version: 4,
  name: 'search-columns',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN collection_text TEXT NOT NULL DEFAULT '';
      ALTER TABLE images ADD COLUMN read_text TEXT NOT NULL DEFAULT '';

      DROP TRIGGER images_fts_insert;
      DROP TRIGGER images_fts_delete;
      DROP TRIGGER images_fts_update;
      DROP TABLE images_fts;
      -- Filled while no FTS trigger exists: an external-content index must never be told to delete
      -- values it was never given.
      ${refreshCollectionText('pk IN (SELECT image_pk FROM collection_images)')}

      CREATE VIRTUAL TABLE images_fts USING fts5 (
        ${columnList},
        content = 'images', content_rowid = 'pk',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );

      CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
        INSERT INTO images_fts (rowid, ${columnList}) VALUES (new.pk, ${newValues});
      END;
      CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, ${columnList}) VALUES ('delete', old.pk, ${oldValues});
      END;
      -- Only text changes reach the index: favourite, rating and trash flips stay cheap.
      CREATE TRIGGER images_fts_update AFTER UPDATE OF ${columnList} ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, ${columnList}) VALUES ('delete', old.pk, ${oldValues});
        INSERT INTO images_fts (rowid, ${columnList}) VALUES (new.pk, ${newValues});
      END;

      CREATE TRIGGER collection_images_insert AFTER INSERT ON collection_images BEGIN
        ${refreshCollectionText('pk = new.image_pk')}
      END;
      CREATE TRIGGER collection_images_delete AFTER DELETE ON collection_images BEGIN
        ${refreshCollectionText('pk = old.image_pk')}
      END;
      CREATE TRIGGER collections_rename AFTER UPDATE OF name ON collections BEGIN
        ${refreshCollectionText('pk IN (SELECT image_pk FROM collection_images WHERE collection_id = new.id)')}
      END;
    `);
    db.exec(`INSERT INTO images_fts (images_fts) VALUES ('rebuild')`);
  },
};
