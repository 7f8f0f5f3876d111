import fs from 'node:fs/promises';
import { libraryLimits, type IntegrityReport } from '../../shared/api/library.ts';
import { quickCheck } from './database.ts';
import type { ReadableDB } from './db-handles.ts';
import type { FileStore } from './file-store.ts';

/**
 * SQLite's quick_check plus a look for every original on disk: one stat per distinct blob. Runs on a
 * SQL worker's read-only connection (see Library.checkIntegrity), never on main's loop.
 */
export async function checkIntegrity(
  db: ReadableDB,
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
  if (missing.length === 0) return { database, missingCount: 0, missingFiles: [], checkedAt: now };
  const missingSql = 'FROM images WHERE sha256 IN (SELECT value FROM json_each(?))';
  const shown = JSON.stringify(missing);
  return {
    database,
    missingCount: db.prepare<[string], number>(`SELECT count(*) ${missingSql}`).pluck().get(shown)!,
    missingFiles: db
      .prepare<[string, number], string>(`SELECT id ${missingSql} ORDER BY pk LIMIT ?`)
      .pluck()
      .all(shown, libraryLimits.maxReportedMissing),
    checkedAt: now,
  };
}
