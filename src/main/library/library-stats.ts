import type { LibraryCounts, LibraryStats } from '../../shared/api/library.ts';
import type { ReadableDB } from './db-handles.ts';
import { cached } from './statement-cache.ts';

/** One row kept by triggers (migration 006): cheap enough to send with every change. */
export function libraryCounts(db: ReadableDB): LibraryCounts {
  return cached<[], LibraryCounts>(
    db,
    'SELECT images, trashed, favorites, bytes FROM library_counts WHERE id = 1',
  ).get()!;
}

/** The most used tags, from the per-tag counters and their index: a walk of 200 index entries. */
export function topTags(db: ReadableDB, limit = 200): LibraryStats['tags'] {
  return cached<[number], { name: string; count: number }>(
    db,
    'SELECT name, images AS count FROM tags INDEXED BY tags_by_count WHERE images > 0 ORDER BY images DESC, name LIMIT ?',
  ).all(limit);
}

export function libraryStats(db: ReadableDB): LibraryStats {
  const models = cached<[], { model: string; count: number }>(
    db,
    'SELECT model, images AS count FROM model_counts WHERE images > 0 ORDER BY images DESC, model',
  ).all();
  return { ...libraryCounts(db), models, tags: topTags(db) };
}
