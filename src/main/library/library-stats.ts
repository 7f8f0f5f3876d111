import type Database from 'better-sqlite3';
import type { LibraryStats } from '../../shared/api/library.ts';

export function libraryStats(db: Database.Database): LibraryStats {
  const counts = db
    .prepare<[], { images: number; trashed: number; favorites: number; bytes: number }>(
      `SELECT count(*) FILTER (WHERE trashed_at IS NULL) AS images,
              count(*) FILTER (WHERE trashed_at IS NOT NULL) AS trashed,
              count(*) FILTER (WHERE trashed_at IS NULL AND favorite = 1) AS favorites,
              coalesce(sum(bytes), 0) AS bytes
       FROM images`,
    )
    .get()!;
  const models = db
    .prepare<[], { model: string; count: number }>(
      'SELECT model, count(*) AS count FROM images WHERE trashed_at IS NULL GROUP BY model ORDER BY count DESC, model',
    )
    .all();
  const tags = db
    .prepare<[], { name: string; count: number }>(
      'SELECT t.name, count(*) AS count FROM tags t JOIN image_tags it ON it.tag_id = t.id GROUP BY t.id ORDER BY count DESC, t.name LIMIT 200',
    )
    .all();
  return { ...counts, models, tags };
}
