import type Database from 'better-sqlite3';
import type { Collection } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';

interface CollectionRow {
  id: number;
  name: string;
  created_at: number;
  count: number;
  cover_id: string | null;
}

const collectionSelect = `
  SELECT c.id, c.name, c.created_at,
    (SELECT count(*) FROM collection_images ci JOIN images i ON i.pk = ci.image_pk
      WHERE ci.collection_id = c.id AND i.trashed_at IS NULL) AS count,
    (SELECT i.id FROM collection_images ci JOIN images i ON i.pk = ci.image_pk
      WHERE ci.collection_id = c.id AND i.trashed_at IS NULL ORDER BY i.created_at DESC LIMIT 1) AS cover_id
  FROM collections c`;

function toCollection(row: CollectionRow): Collection {
  return { id: row.id, name: row.name, createdAt: row.created_at, count: row.count, coverId: row.cover_id };
}

export function listCollections(db: Database.Database): Collection[] {
  return db
    .prepare<[], CollectionRow>(`${collectionSelect} ORDER BY c.name COLLATE NOCASE`)
    .all()
    .map(toCollection);
}

export function getCollection(db: Database.Database, id: number): Collection {
  const row = db.prepare<[number], CollectionRow>(`${collectionSelect} WHERE c.id = ?`).get(id);
  if (!row) throw new AppError('not_found', 'That collection no longer exists.');
  return toCollection(row);
}

function nameTaken(error: unknown, name: string): never {
  if (error instanceof Error && /UNIQUE/.test(error.message)) {
    throw new AppError('conflict', `A collection named "${name}" already exists.`);
  }
  throw error;
}

export function createCollection(db: Database.Database, name: string, now: number): Collection {
  try {
    const { lastInsertRowid } = db
      .prepare('INSERT INTO collections (name, created_at) VALUES (?, ?)')
      .run(name, now);
    return getCollection(db, Number(lastInsertRowid));
  } catch (error) {
    nameTaken(error, name);
  }
}

export function renameCollection(db: Database.Database, id: number, name: string): Collection {
  try {
    const { changes } = db.prepare('UPDATE collections SET name = ? WHERE id = ?').run(name, id);
    if (changes === 0) throw new AppError('not_found', 'That collection no longer exists.');
    return getCollection(db, id);
  } catch (error) {
    nameTaken(error, name);
  }
}

/** The images stay in the library; only the grouping goes. */
export function deleteCollection(db: Database.Database, id: number): boolean {
  return db.prepare('DELETE FROM collections WHERE id = ?').run(id).changes > 0;
}

export function addToCollection(db: Database.Database, id: number, ids: string[], now: number): string[] {
  getCollection(db, id);
  return db
    .prepare<[number, number, string], string>(
      `INSERT INTO collection_images (collection_id, image_pk, added_at)
       SELECT ?, pk, ? FROM images WHERE id IN (SELECT value FROM json_each(?)) ORDER BY pk
       ON CONFLICT DO NOTHING
       RETURNING (SELECT id FROM images WHERE pk = image_pk)`,
    )
    .pluck()
    .all(id, now, JSON.stringify(ids));
}

export function removeFromCollection(db: Database.Database, id: number, ids: string[]): string[] {
  return db
    .prepare<[number, string], string>(
      `DELETE FROM collection_images
       WHERE collection_id = ? AND image_pk IN (SELECT pk FROM images WHERE id IN (SELECT value FROM json_each(?)))
       RETURNING (SELECT id FROM images WHERE pk = image_pk)`,
    )
    .pluck()
    .all(id, JSON.stringify(ids));
}
