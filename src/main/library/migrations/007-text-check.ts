import type { Migration } from './types.ts';

/**
 * The text check (issue 13): whether each image spells its prompt's quoted phrases.
 *
 * `images.text_status` is the one word a grid tile needs (NULL: nothing to check; 'pending': queued,
 * which is also how a check interrupted by a quit is found again at start; 'ok'; 'attention';
 * 'failed': the image could not be read). The partial index serves the library's two text filters
 * and the start-up scan for pending checks without touching the many images that have no text.
 * The verdict of each phrase lives in its own table; the text read goes to `images.read_text`, which
 * migration 004 made searchable.
 */
export const m007: Migration = {
  version: 7,
  name: 'text-check',
  up(db) {
    db.exec(`
      ALTER TABLE images ADD COLUMN text_status TEXT
        CHECK (text_status IN ('pending', 'ok', 'attention', 'failed'));
      CREATE INDEX images_live_text_status ON images (text_status, pk)
        WHERE trashed_at IS NULL AND text_status IS NOT NULL;

      CREATE TABLE text_checks (
        image_pk INTEGER PRIMARY KEY REFERENCES images (pk) ON DELETE CASCADE,
        checked_at INTEGER NOT NULL,
        -- The OCR engines that read the image, comma-separated, e.g. 'tesseract,paddle'.
        engines TEXT NOT NULL,
        -- Why the image could not be read; NULL when it was.
        error TEXT
      ) STRICT;

      CREATE TABLE text_check_phrases (
        image_pk INTEGER NOT NULL REFERENCES text_checks (image_pk) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        phrase TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('right', 'misspelled', 'missing')),
        read TEXT CHECK ((verdict = 'misspelled') = (read IS NOT NULL)),
        PRIMARY KEY (image_pk, position)
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
