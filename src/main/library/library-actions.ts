import type Database from 'better-sqlite3';
import { cached } from './statement-cache.ts';

/**
 * Bulk edits by image id. Ids travel as one JSON array parameter, so 10,000 of them need neither
 * 10,000 placeholders nor SQL built from values. Each returns the ids it actually changed.
 */
const idsSql = 'SELECT value FROM json_each(?)';

function returningIds(db: Database.Database, sql: string, ...params: unknown[]): string[] {
  return db
    .prepare<unknown[], string>(sql)
    .pluck()
    .all(...params);
}

export function setFavorite(db: Database.Database, ids: string[], favorite: boolean): string[] {
  return returningIds(
    db,
    `UPDATE images SET favorite = ? WHERE id IN (${idsSql}) AND favorite != ? RETURNING id`,
    favorite ? 1 : 0,
    JSON.stringify(ids),
    favorite ? 1 : 0,
  );
}

export function setRating(db: Database.Database, ids: string[], rating: number): string[] {
  return returningIds(
    db,
    `UPDATE images SET rating = ? WHERE id IN (${idsSql}) AND rating != ? RETURNING id`,
    rating,
    JSON.stringify(ids),
    rating,
  );
}

export function trash(db: Database.Database, ids: string[], now: number): string[] {
  return returningIds(
    db,
    `UPDATE images SET trashed_at = ? WHERE id IN (${idsSql}) AND trashed_at IS NULL RETURNING id`,
    now,
    JSON.stringify(ids),
  );
}

export function restore(db: Database.Database, ids: string[]): string[] {
  return returningIds(
    db,
    `UPDATE images SET trashed_at = NULL WHERE id IN (${idsSql}) AND trashed_at IS NOT NULL RETURNING id`,
    JSON.stringify(ids),
  );
}

export function addTags(db: Database.Database, ids: string[], names: string[]): string[] {
  return db.transaction(() => {
    const insertTag = db.prepare('INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING');
    for (const name of names) insertTag.run(name);
    return returningIds(
      db,
      `INSERT INTO image_tags (image_pk, tag_id)
       SELECT i.pk, t.id FROM images i JOIN tags t ON t.name IN (${idsSql})
       WHERE i.id IN (${idsSql}) ORDER BY i.pk
       ON CONFLICT DO NOTHING
       RETURNING (SELECT id FROM images WHERE pk = image_pk)`,
      JSON.stringify(names),
      JSON.stringify(ids),
    );
  })();
}

export function removeTags(db: Database.Database, ids: string[], names: string[]): string[] {
  return db.transaction(() => {
    const removed = returningIds(
      db,
      `DELETE FROM image_tags
       WHERE image_pk IN (SELECT pk FROM images WHERE id IN (${idsSql}))
         AND tag_id IN (SELECT id FROM tags WHERE name IN (${idsSql}))
       RETURNING (SELECT id FROM images WHERE pk = image_pk)`,
      JSON.stringify(ids),
      JSON.stringify(names),
    );
    // A tag nobody uses any more would linger in the tag list forever.
    db.prepare('DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM image_tags)').run();
    return removed;
  })();
}

export interface TrashEmptied {
  ids: string[];
  /** Blobs no row needs any more: their files can go. */
  orphanedSha256: string[];
}

/**
 * Deletes trashed rows (all, just these ids, or those trashed before a time; at most `limit` of
 * them) and reports which files nothing references now.
 */
export function deleteTrashed(
  db: Database.Database,
  which: { ids?: string[]; trashedBefore?: number; limit?: number } = {},
): TrashEmptied {
  const { ids, trashedBefore, limit } = which;
  return db.transaction(() => {
    const where: string[] = ['trashed_at IS NOT NULL'];
    const params: unknown[] = [];
    if (ids !== undefined) {
      where.push(`id IN (${idsSql})`);
      params.push(JSON.stringify(ids));
    }
    if (trashedBefore !== undefined) {
      where.push('trashed_at < ?');
      params.push(trashedBefore);
    }
    let rows = where.join(' AND ');
    if (limit !== undefined) {
      // Oldest in the trash first, from the trash's own index.
      rows = `pk IN (SELECT pk FROM images INDEXED BY images_trashed WHERE ${rows} ORDER BY trashed_at LIMIT ?)`;
      params.push(limit);
    }
    const deleted = db
      .prepare<unknown[], { id: string; sha256: string }>(
        `DELETE FROM images WHERE ${rows} RETURNING id, sha256`,
      )
      .all(...params);
    const candidates = [...new Set(deleted.map((d) => d.sha256))];
    const stillUsed = db
      .prepare<[string], string>(
        `SELECT value FROM json_each(?) WHERE value IN (SELECT sha256 FROM images) OR value IN (SELECT sha256 FROM blobs)`,
      )
      .pluck();
    const used = new Set(stillUsed.all(JSON.stringify(candidates)));
    return { ids: deleted.map((d) => d.id), orphanedSha256: candidates.filter((sha) => !used.has(sha)) };
  })();
}

/** True when some image or source row still needs this blob. */
export function isBlobReferenced(db: Database.Database, sha256: string): boolean {
  return (
    // Cached: asked once per blob of an emptied trash, where preparing it was a third of the time.
    cached<[string, string], number>(
      db,
      'SELECT EXISTS (SELECT 1 FROM images WHERE sha256 = ?) OR EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?)',
    )
      .pluck()
      .get(sha256, sha256) === 1
  );
}
