import type { Migration } from './types.ts';

/**
 * The library: images, tags, collections and a full-text index.
 *
 * `pk` is the rowid alias the FTS index and link tables key on (a table without an INTEGER PRIMARY KEY
 * may renumber rowids on VACUUM, which would silently detach an external-content FTS index); `id` is
 * the sortable text id the outside world sees. `job_id` deliberately has no foreign key: jobs are
 * pruned on their own schedule and an image outlives its job.
 */
/** tag_text mirrors image_tags so the FTS index can see tags without a join. */
function refreshTagText(row: 'new' | 'old'): string {
  return `UPDATE images SET tag_text = (
    SELECT coalesce(group_concat(t.name, ' '), '') FROM image_tags it JOIN tags t ON t.id = it.tag_id
    WHERE it.image_pk = ${row}.image_pk
  ) WHERE pk = ${row}.image_pk;`;
}

export const m001: Migration = {
  version: 1,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE images (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        format TEXT NOT NULL CHECK (format IN ('png', 'jpeg', 'webp')),
        bytes INTEGER NOT NULL CHECK (bytes > 0),
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        model TEXT NOT NULL,
        prompt TEXT NOT NULL DEFAULT '',
        expanded_prompt TEXT,
        negative_prompt TEXT,
        params TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(params)),
        style_codes TEXT NOT NULL DEFAULT '',
        seed INTEGER,
        job_id TEXT,
        output_index INTEGER,
        source TEXT NOT NULL CHECK (source IN ('generated', 'imported')),
        created_at INTEGER NOT NULL,
        favorite INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1)),
        rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
        trashed_at INTEGER,
        tag_text TEXT NOT NULL DEFAULT '',
        orientation TEXT GENERATED ALWAYS AS (
          CASE WHEN width > height THEN 'landscape' WHEN width < height THEN 'portrait' ELSE 'square' END
        ) VIRTUAL,
        UNIQUE (job_id, output_index)
      ) STRICT;

      CREATE INDEX images_sha256 ON images (sha256);
      CREATE INDEX images_live_created ON images (created_at, pk) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_model ON images (model, created_at, pk) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_rating ON images (rating, created_at, pk) WHERE trashed_at IS NULL;
      CREATE INDEX images_live_favorite ON images (created_at, pk) WHERE trashed_at IS NULL AND favorite = 1;
      CREATE INDEX images_trashed ON images (trashed_at, pk) WHERE trashed_at IS NOT NULL;

      CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 64)
      ) STRICT;

      CREATE TABLE image_tags (
        image_pk INTEGER NOT NULL REFERENCES images (pk) ON DELETE CASCADE,
        tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (image_pk, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX image_tags_tag ON image_tags (tag_id, image_pk);

      CREATE TABLE collections (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) BETWEEN 1 AND 100),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE collection_images (
        collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
        image_pk INTEGER NOT NULL REFERENCES images (pk) ON DELETE CASCADE,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (collection_id, image_pk)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX collection_images_image ON collection_images (image_pk);

      -- Remix sources and other blobs that live in the file store without being library images; the
      -- row is what keeps emptyTrash from deleting a file a source still needs.
      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        format TEXT NOT NULL CHECK (format IN ('png', 'jpeg', 'webp')),
        bytes INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE VIRTUAL TABLE images_fts USING fts5 (
        prompt, expanded_prompt, negative_prompt, tag_text, style_codes,
        content = 'images', content_rowid = 'pk',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );

      CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
        INSERT INTO images_fts (rowid, prompt, expanded_prompt, negative_prompt, tag_text, style_codes)
        VALUES (new.pk, new.prompt, new.expanded_prompt, new.negative_prompt, new.tag_text, new.style_codes);
      END;
      CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, prompt, expanded_prompt, negative_prompt, tag_text, style_codes)
        VALUES ('delete', old.pk, old.prompt, old.expanded_prompt, old.negative_prompt, old.tag_text, old.style_codes);
      END;
      -- Only text changes reach the index: favourite, rating and trash flips stay cheap.
      CREATE TRIGGER images_fts_update
      AFTER UPDATE OF prompt, expanded_prompt, negative_prompt, tag_text, style_codes ON images BEGIN
        INSERT INTO images_fts (images_fts, rowid, prompt, expanded_prompt, negative_prompt, tag_text, style_codes)
        VALUES ('delete', old.pk, old.prompt, old.expanded_prompt, old.negative_prompt, old.tag_text, old.style_codes);
        INSERT INTO images_fts (rowid, prompt, expanded_prompt, negative_prompt, tag_text, style_codes)
        VALUES (new.pk, new.prompt, new.expanded_prompt, new.negative_prompt, new.tag_text, new.style_codes);
      END;

      CREATE TRIGGER image_tags_insert AFTER INSERT ON image_tags BEGIN ${refreshTagText('new')} END;
      CREATE TRIGGER image_tags_delete AFTER DELETE ON image_tags BEGIN ${refreshTagText('old')} END;
    `);
  },
};
