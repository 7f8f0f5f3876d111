import fs from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { AppError } from '../../shared/rpc.ts';
import { openDatabase, quickCheck, schemaVersion } from './database.ts';
import { migrations } from './migrations/index.ts';
import { type FileStore, createFileStore, sha256Of } from './file-store.ts';
import { allocatePk } from './image-rows.ts';

/**
 * A backup is a folder: library.db (an online copy made by SQLite's backup API, consistent while the
 * app keeps writing), files/ (every original, same sharded layout) and manifest.json, written last
 * and under a temp name so a half-made backup never looks complete.
 */
export const Manifest = z.object({
  app: z.literal('ideogram-studio'),
  kind: z.literal('library-backup'),
  version: z.literal(1),
  schemaVersion: z.number().int(),
  createdAt: z.number().int(),
  images: z.number().int(),
  files: z.number().int(),
});
export const manifestName = 'manifest.json';

export function manifestFor(
  snapshot: { images: number; schemaVersion: number },
  now: number,
  files: number,
): z.infer<typeof Manifest> {
  return {
    app: 'ideogram-studio',
    kind: 'library-backup',
    version: 1,
    schemaVersion: snapshot.schemaVersion,
    createdAt: now,
    images: snapshot.images,
    files,
  };
}

export function allBlobs(db: Database.Database, schema = 'main'): string[] {
  return db
    .prepare<[], string>(`SELECT sha256 FROM ${schema}.images UNION SELECT sha256 FROM ${schema}.blobs`)
    .pluck()
    .all();
}

/**
 * Makes a fresh database copy (from db.backup) one self-contained file, and says what it holds: read
 * from the copy, so the file list matches the snapshot exactly.
 */
export function finishCopy(file: string): { blobs: string[]; images: number; schemaVersion: number } {
  const copy = new Database(file, { fileMustExist: true });
  try {
    // The copy inherits WAL mode, which would leave -wal and -shm files beside it at every open.
    copy.pragma('journal_mode = DELETE');
    return {
      blobs: allBlobs(copy),
      images: copy.prepare<[], number>('SELECT count(*) FROM images').pluck().get()!,
      schemaVersion: schemaVersion(copy),
    };
  } finally {
    copy.close();
  }
}

export async function createBackup(
  db: Database.Database,
  store: FileStore,
  destination: string,
  now: number,
) {
  if (!path.isAbsolute(destination))
    throw new AppError('validation', 'The backup destination must be a full path.');
  const name = `ideogram-studio-backup-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  const target = path.join(destination, name);
  const partial = `${target}.partial`;
  await fs.mkdir(partial, { recursive: true });
  try {
    await db.backup(path.join(partial, 'library.db'));
    const snapshot = finishCopy(path.join(partial, 'library.db'));
    const files = createFileStore(path.join(partial, 'files'));
    let copied = 0;
    for (const sha256 of snapshot.blobs) {
      const to = files.pathFor(sha256);
      await fs.mkdir(path.dirname(to), { recursive: true });
      try {
        await fs.copyFile(store.pathFor(sha256), to, fs.constants.COPYFILE_FICLONE);
        copied++;
      } catch (error) {
        // A missing original is already lost; the backup still saves everything else.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    const images = snapshot.images;
    const manifest = manifestFor(snapshot, now, copied);
    await fs.writeFile(path.join(partial, manifestName), JSON.stringify(manifest, null, 2));
    await fs.rename(partial, target);
    return { path: target, images, files: copied };
  } catch (error) {
    await fs.rm(partial, { recursive: true, force: true });
    throw error;
  }
}

const imageColumns =
  'id, sha256, format, bytes, width, height, model, prompt, expanded_prompt, negative_prompt, params, style_codes, seed, job_id, output_index, source, created_at, favorite, rating, trashed_at';

/** Where a backup's pieces come from: a folder (desktop) or an uploaded zip (browser mode). */
export interface BackupSource {
  /** A private copy of the backup's database, which the merge may migrate in place. */
  database: string;
  /** An original by its hash, or null when the backup lacks it. */
  readBlob(sha256: string): Promise<Buffer | null>;
}

export function parseManifest(text: string | null): z.infer<typeof Manifest> {
  let json: unknown = null;
  try {
    json = text === null ? null : JSON.parse(text);
  } catch {
    // reported below like any other bad manifest
  }
  const manifest = Manifest.safeParse(json);
  if (!manifest.success)
    throw new AppError('not_found', 'That is not a library backup (no valid manifest.json).');
  return manifest.data;
}

/**
 * Checks a backup's database before anything is merged: opened read-only (nothing in it changes),
 * of a schema this app can read, and whole by SQLite's quick_check.
 */
export function validateBackupDatabase(file: string): void {
  let backup: Database.Database;
  try {
    backup = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new AppError(
      'unsupported_file',
      `The backup's database cannot be opened: ${(error as Error).message}`,
    );
  }
  try {
    const version = schemaVersion(backup);
    const latest = migrations.at(-1)!.version;
    if (version < 1 || version > latest) {
      throw new AppError(
        'unsupported_file',
        version > latest
          ? `The backup was made by a newer version of the app (schema ${version}; this app knows up to ${latest}). Update the app to restore it.`
          : 'The backup holds no library database.',
      );
    }
    const problems = quickCheck(backup);
    if (problems.length > 0)
      throw new AppError(
        'unsupported_file',
        `The backup's database is damaged: ${problems.slice(0, 3).join('; ')}`,
      );
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'unsupported_file',
      `The backup's database cannot be read: ${(error as Error).message}`,
    );
  } finally {
    backup.close();
  }
}

/**
 * Merges a backup in: images it has that the library lacks come back with their tags and
 * collections; nothing in the library is changed or removed. The backup's database is a private copy,
 * already checked by validateBackupDatabase; it is migrated to this app's schema, so older backups
 * restore too.
 */
export async function mergeBackup(db: Database.Database, store: FileStore, source: BackupSource) {
  try {
    openDatabase(source.database).close();
  } catch (error) {
    throw new AppError('unsupported_file', `The backup cannot be opened: ${(error as Error).message}`);
  }
  db.prepare('ATTACH DATABASE ? AS backup').run(source.database);
  try {
    let restoredFiles = 0;
    const available = new Set<string>();
    for (const sha256 of allBlobs(db, 'backup')) {
      if (await store.has(sha256)) {
        available.add(sha256);
        continue;
      }
      const bytes = await source.readBlob(sha256);
      // A file that does not hash to its name is damaged: leave its rows out rather than restore garbage.
      if (bytes === null || sha256Of(bytes) !== sha256) continue;
      await store.put(bytes, sha256);
      available.add(sha256);
      restoredFiles++;
    }
    const restored = mergeRows(db, [...available]);
    return { restored, files: restoredFiles };
  } finally {
    db.prepare('DETACH DATABASE backup').run();
  }
}

/** A backup folder (the desktop app's): its manifest, a copy of its database in `tmpDir`, its files. */
export async function restoreBackup(db: Database.Database, store: FileStore, source: string, tmpDir: string) {
  if (!path.isAbsolute(source)) throw new AppError('validation', 'The backup location must be a full path.');
  parseManifest(await fs.readFile(path.join(source, manifestName), 'utf8').catch(() => null));
  await fs.mkdir(tmpDir, { recursive: true });
  const work = await fs.mkdtemp(path.join(tmpDir, 'restore-'));
  try {
    const copy = path.join(work, 'library.db');
    await fs.copyFile(path.join(source, 'library.db'), copy);
    validateBackupDatabase(copy);
    const files = createFileStore(path.join(source, 'files'));
    return await mergeBackup(db, store, {
      database: copy,
      readBlob: (sha256) => fs.readFile(files.pathFor(sha256)).catch(() => null),
    });
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

function mergeRows(db: Database.Database, available: string[]): string[] {
  return db.transaction(() => {
    const shas = JSON.stringify(available);
    const candidates = db
      .prepare<[string], { id: string; created_at: number }>(
        `SELECT b.id, b.created_at FROM backup.images b
         WHERE b.sha256 IN (SELECT value FROM json_each(?)) AND b.id NOT IN (SELECT id FROM main.images)
         ORDER BY b.created_at, b.pk`,
      )
      .all(shas);
    // Each row gets a pk from its creation time, as every insert does (see migration 003).
    const insert = db
      .prepare<[number, string], string>(
        `INSERT INTO main.images (pk, ${imageColumns}) SELECT ?, ${imageColumns} FROM backup.images WHERE id = ?
         ON CONFLICT DO NOTHING RETURNING id`,
      )
      .pluck();
    const restored: string[] = [];
    for (const row of candidates) {
      const id = insert.get(allocatePk(db, row.created_at), row.id);
      if (id !== undefined) restored.push(id);
    }
    const ids = JSON.stringify(restored);
    db.prepare(
      `INSERT INTO main.blobs SELECT * FROM backup.blobs WHERE sha256 IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
    ).run(shas);
    db.prepare(
      `INSERT INTO main.tags (name)
       SELECT DISTINCT bt.name FROM backup.tags bt
       JOIN backup.image_tags bit ON bit.tag_id = bt.id JOIN backup.images bi ON bi.pk = bit.image_pk
       WHERE bi.id IN (SELECT value FROM json_each(?))
       ON CONFLICT DO NOTHING`,
    ).run(ids);
    db.prepare(
      `INSERT INTO main.image_tags (image_pk, tag_id)
       SELECT mi.pk, mt.id FROM backup.image_tags bit
       JOIN backup.images bi ON bi.pk = bit.image_pk JOIN backup.tags bt ON bt.id = bit.tag_id
       JOIN main.images mi ON mi.id = bi.id JOIN main.tags mt ON mt.name = bt.name
       WHERE bi.id IN (SELECT value FROM json_each(?))
       ON CONFLICT DO NOTHING`,
    ).run(ids);
    db.prepare(
      `INSERT INTO main.collections (name, created_at) SELECT name, created_at FROM backup.collections WHERE true
       ON CONFLICT DO NOTHING`,
    ).run();
    db.prepare(
      `INSERT INTO main.collection_images (collection_id, image_pk, added_at)
       SELECT mc.id, mi.pk, bci.added_at FROM backup.collection_images bci
       JOIN backup.images bi ON bi.pk = bci.image_pk JOIN backup.collections bc ON bc.id = bci.collection_id
       JOIN main.images mi ON mi.id = bi.id JOIN main.collections mc ON mc.name = bc.name
       WHERE bi.id IN (SELECT value FROM json_each(?))
       ON CONFLICT DO NOTHING`,
    ).run(ids);
    return restored;
  })();
}
