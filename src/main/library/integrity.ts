import fs from 'node:fs/promises';
import type Database from 'better-sqlite3';
import type { IntegrityReport } from '../../shared/api/library.ts';
import { quickCheck } from './database.ts';
import type { FileStore } from './file-store.ts';

/**
 * SQLite's quick_check plus a look for every original on disk. Meant for app start, in the
 * background: at 100,000 images the file pass is one stat per distinct blob.
 */
export async function checkIntegrity(
  db: Database.Database,
  store: FileStore,
  now: number,
): Promise<IntegrityReport> {
  const database = quickCheck(db);
  const shas = db.prepare<[], string>('SELECT DISTINCT sha256 FROM images').pluck().all();
  const missing: string[] = [];
  const batch = 64;
  for (let i = 0; i < shas.length; i += batch) {
    const found = await Promise.all(
      shas.slice(i, i + batch).map((sha) =>
        fs.stat(store.pathFor(sha)).then(
          (stat) => stat.size > 0,
          () => false,
        ),
      ),
    );
    found.forEach((ok, j) => {
      if (!ok) missing.push(shas[i + j]!);
    });
  }
  const missingFiles =
    missing.length === 0
      ? []
      : db
          .prepare<[string], string>(
            'SELECT id FROM images WHERE sha256 IN (SELECT value FROM json_each(?)) ORDER BY pk',
          )
          .pluck()
          .all(JSON.stringify(missing));
  return { database, missingFiles, checkedAt: now };
}
