import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  changedImagesCarried,
  libraryLimits,
  type Collection,
  type ImageFormat,
  type ImageRecord,
  type ImageVariant,
  type ImportResult,
  type IntegrityReport,
  type LibraryChange,
  type LibraryPage,
  type LibraryQuery,
  type LibraryStats,
  type SourceInfo,
  type Updated,
  type ChangedImage,
} from '../../shared/api/library.ts';
import type { RestoreResult } from '../../shared/api/transfers.ts';
import type { Family, Lineage } from '../../shared/api/lineage.ts';
import { AppError } from '../../shared/rpc.ts';
import * as actions from './library-actions.ts';
import { createBackup, restoreBackup } from './backup.ts';
import { backupZip, restoreZip } from './backup-zip.ts';
import * as collections from './collections.ts';
import { exportToFolder, exportToZip } from './exporter.ts';
import { createBlobClaims, removeUnreferencedBlobs } from './blob-cleanup.ts';
import { createFileStore, sha256Of } from './file-store.ts';
import { mimeOf } from './image-format.ts';
import { changedImages, getRecord, insertImageRow, type Recipe } from './image-rows.ts';
import { importItems, itemsFromPaths, type ImportItem } from './importer.ts';
import { looksLikeZip } from './zip-reader.ts';
import { itemsFromZip } from './archive-import.ts';
import { asWritable, type WritableDB } from './db-handles.ts';
import { listImages } from './library-query.ts';
import { edgesOf, familyOf, lineageOf, recordLineage } from './lineage.ts';
import { libraryCounts, libraryStats } from './library-stats.ts';
import { drainPendingTerms } from './search-terms.ts';
import { createInlineSqlReader } from './inline-sql-reader.ts';
import { createSqlReader, type SqlReader } from './sql-reader.ts';
import { checkpointOffLoop } from './wal-checkpoints.ts';
import { prepareImage, prepareImageFile, type PreparedImage } from './prepare-image.ts';
import { checkWritable, removeTempFiles } from './temp-files.ts';
import { createThumbnails, type ThumbnailKind } from './thumbnails.ts';
import { deleteTrashedInSlices, type TrashSlices } from './trash-slices.ts';

export type { Recipe } from './image-rows.ts';
export type { PreparedImage } from './prepare-image.ts';

export interface LibraryFile {
  path: string;
  contentType: string;
  bytes: number;
}

export interface LibraryOptions {
  db: Database.Database;
  /** The app's data folder; originals go to <dataDir>/images, thumbnails to <dataDir>/thumbnails. */
  dataDir: string;
  now?: () => number;
  /** Reads on this connection instead of the SQL worker's: for a library opened on a full disk. */
  inlineReads?: boolean;
  /**
   * A write no caller waits on (the reader thread's WAL checkpoint) met a full disk: the app's
   * disk-full handling, as a handler's failed write gets it through the storage guard.
   */
  onDiskFull?(error: unknown): void;
}

export type Library = ReturnType<typeof createLibrary>;

export function createLibrary({
  db,
  dataDir,
  now = Date.now,
  inlineReads = false,
  onDiskFull,
}: LibraryOptions) {
  const store = createFileStore(path.join(dataDir, 'images'));
  const thumbnails = createThumbnails(path.join(dataDir, 'thumbnails'));
  const listeners = new Set<(change: LibraryChange) => void>();
  /** emptyTrash must not delete a blob between a job's prepareImageFile and its insertGenerated. */
  const claims = createBlobClaims();
  const cleanup = { db, store, thumbnails, claims };
  const tempDir = path.join(dataDir, 'tmp');
  // Wall-clock time, as file times are; the lock taken before this makes it safe (see temp-files.ts).
  removeTempFiles(tempDir, Date.now());
  // Page queries run on their own thread and connection; writes stay on this one.
  const reader = inlineReads ? createInlineSqlReader(db) : createSqlReader(db.name);
  // With one connection (a full disk) SQLite checkpoints as before; with the thread, off the loop.
  const stopCheckpoints = inlineReads
    ? () => undefined
    : checkpointOffLoop(db, reader, onDiskFull ? { onDiskFull } : {});
  const terms = createTermsDrain(asWritable(db));
  /** Integrity checks on threads of their own, ended with the library. */
  const checkers = new Set<SqlReader>();

  /** `images`: an update's changed images as they are now (see updated). */
  function emit(kind: LibraryChange['kind'], ids: string[], images?: ChangedImage[]): void {
    if (ids.length === 0) return;
    if (kind !== 'removed') terms.soon();
    const counts = libraryCounts(asWritable(db));
    for (const listener of listeners) {
      try {
        listener({ kind, ids, counts, ...(images && { images }) });
      } catch {
        // One broken listener (a closed window) must not stop the others or fail the action.
      }
    }
  }

  /** The event and the answer carry the same images: the page that asked need not look them up. */
  function updated(ids: string[]): Updated {
    const images = ids.length <= changedImagesCarried ? changedImages(db, ids) : undefined;
    emit('updated', ids, images);
    return { updated: ids.length, ...(images && { images }) };
  }

  async function sizeOf(file: string): Promise<number | null> {
    const stat = await fs.stat(file).catch(() => null);
    return stat && stat.size > 0 ? stat.size : null;
  }

  function imageBlob(id: string) {
    const row = db
      .prepare<[string], { sha256: string; format: 'png' | 'jpeg' | 'webp' }>(
        'SELECT sha256, format FROM images WHERE id = ?',
      )
      .get(id);
    if (!row) throw new AppError('not_found', 'That image is no longer in the library.');
    return row;
  }

  function knownBlob(sha256: string) {
    const row = db
      .prepare<[string, string], { format: 'png' | 'jpeg' | 'webp' }>(
        'SELECT format FROM blobs WHERE sha256 = ? UNION ALL SELECT format FROM images WHERE sha256 = ? LIMIT 1',
      )
      .get(sha256, sha256);
    if (!row) throw new AppError('not_found', 'That image is not stored here.');
    return row;
  }

  async function blobFileFor(sha256: string): Promise<LibraryFile> {
    const { format } = knownBlob(sha256);
    const file = store.pathFor(sha256);
    const bytes = await sizeOf(file);
    if (bytes === null) throw new AppError('not_found', 'The image file is missing from disk.');
    return { path: file, contentType: mimeOf[format], bytes };
  }

  async function freeBytes(): Promise<number> {
    await fs.mkdir(dataDir, { recursive: true });
    const stats = await fs.statfs(dataDir);
    return stats.bavail * stats.bsize;
  }

  let closing = false;
  const trashSlices: TrashSlices = {
    db,
    removeFiles: (emptied) => removeUnreferencedBlobs(cleanup, emptied.orphanedSha256),
    report: (ids) => emit('removed', ids),
    stopped: () => closing || !db.open,
  };

  const importDeps = {
    ...cleanup,
    now,
    onAdded: (ids: string[]) => emit('added', ids),
    onRestored: (ids: string[]) => void updated(ids),
  };

  return {
    dataDir,
    checkWritable: () => checkWritable(tempDir),

    /** A fresh path for a download in progress, on the same disk as the store so adopting it is a rename. */
    async tempFile(name: string): Promise<string> {
      await fs.mkdir(tempDir, { recursive: true });
      return path.join(tempDir, `${name.replace(/[^\w-]/g, '_')}-${randomBytes(6).toString('hex')}.part`);
    },

    /**
     * Checks, decodes and stores a finished download (see tempFile); the file moves into the store.
     * `thumbnails` picks the sizes made now (all by default); any other is made on its first request.
     */
    async prepareImageFile(
      file: string,
      options: { sha256: string; thumbnails?: readonly ThumbnailKind[] },
    ): Promise<PreparedImage> {
      claims.claim(options.sha256);
      try {
        return await prepareImageFile(
          { store, thumbnails },
          file,
          options.sha256,
          libraryLimits.maxImageBytes,
          options.thumbnails,
        );
      } catch (error) {
        claims.release(options.sha256);
        throw error;
      }
    },

    /** Synchronous: call it inside your own db.transaction; idempotent on (jobId, outputIndex). */
    insertGenerated(prepared: PreparedImage, recipe: Recipe): ImageRecord {
      const { id, inserted } = insertImageRow(db, prepared, recipe, 'generated', now());
      if (inserted) recordLineage(db, id, recipe);
      claims.release(prepared.sha256);
      // Emitted after the caller's transaction could still roll back; listeners only refresh views.
      if (inserted) queueMicrotask(() => emit('added', [id]));
      return getRecord(db, id);
    },

    async addSource(bytes: Uint8Array): Promise<SourceInfo> {
      const sha256 = sha256Of(bytes);
      claims.claim(sha256);
      let prepared: PreparedImage;
      try {
        prepared = await prepareImage({ store, thumbnails }, bytes, libraryLimits.maxSourceBytes, sha256);
      } finally {
        claims.release(sha256);
      }
      db.prepare(
        `INSERT INTO blobs (sha256, format, bytes, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      ).run(prepared.sha256, prepared.format, prepared.bytes, prepared.width, prepared.height, now());
      return {
        sha256: prepared.sha256,
        ref: `local:${prepared.sha256}`,
        mime: prepared.mime,
        width: prepared.width,
        height: prepared.height,
        bytes: prepared.bytes,
      };
    },

    async readBlob(sha256: string): Promise<{ bytes: Buffer; mime: string }> {
      const file = await blobFileFor(sha256);
      return { bytes: await fs.readFile(file.path), mime: file.contentType };
    },

    lineage: (id: string): Lineage => lineageOf(db, id),
    family: (id: string): Family => familyOf(db, id),
    async list(query: LibraryQuery): Promise<LibraryPage> {
      // The page asks for its first page as soon as it loads, which can be before the thread is up:
      // an unfiltered first page is an index walk of one page (under a millisecond), so it is served
      // here rather than kept waiting.
      if (!reader.ready && isPlainFirstPage(query)) return listImages(asWritable(db), query);
      return reader.run('list', query);
    },
    get: (id: string): ImageRecord => getRecord(db, id),

    async fileFor(id: string, variant: ImageVariant): Promise<LibraryFile> {
      const { sha256, format } = imageBlob(id);
      const original = store.pathFor(sha256);
      if (variant === 'original') {
        const bytes = await sizeOf(original);
        if (bytes === null)
          throw new AppError('not_found', 'The original file of this image is missing from disk.');
        return { path: original, contentType: mimeOf[format], bytes };
      }
      const file = thumbnails.pathFor(sha256, variant);
      let bytes = await sizeOf(file);
      if (bytes === null) {
        if ((await sizeOf(original)) === null) {
          throw new AppError('not_found', 'The original file of this image is missing from disk.');
        }
        await thumbnails.ensure(sha256, original, { force: true, kinds: [variant] });
        bytes = (await sizeOf(file)) ?? 0;
      }
      return { path: file, contentType: 'image/webp', bytes };
    },
    blobFileFor,

    setFavorite: (ids: string[], favorite: boolean) => updated(actions.setFavorite(db, ids, favorite)),
    setRating: (ids: string[], rating: number) => updated(actions.setRating(db, ids, rating)),
    tag: (ids: string[], tags: string[]) => updated(unique(actions.addTags(db, ids, tags))),
    untag: (ids: string[], tags: string[]) => updated(unique(actions.removeTags(db, ids, tags))),
    trash: (ids: string[]) => updated(actions.trash(db, ids, now())),
    restore: (ids: string[]) => updated(actions.restore(db, ids)),

    emptyTrash: (ids?: string[]): Promise<{ removed: number; filesRemoved: number }> =>
      deleteTrashedInSlices(trashSlices, ids === undefined ? {} : { ids }),

    /** Deletes for good what has been in the trash longer than `days` (the retention setting). */
    purgeTrash: (days: number): Promise<{ removed: number; filesRemoved: number }> =>
      deleteTrashedInSlices(trashSlices, { trashedBefore: now() - days * 24 * 3600 * 1000 }),

    listCollections: (): Promise<Collection[]> => reader.run('collections', null),
    createCollection: (name: string) => collections.createCollection(db, name, now()),
    renameCollection: (id: number, name: string) => collections.renameCollection(db, id, name),
    deleteCollection: (id: number) => collections.deleteCollection(db, id),
    addToCollection: (id: number, ids: string[]) => updated(collections.addToCollection(db, id, ids, now())),
    removeFromCollection: (id: number, ids: string[]) =>
      updated(collections.removeFromCollection(db, id, ids)),

    /** Uploaded files; a zip among them (our own export, or any zip of images) is opened and imported. */
    async importFiles(files: { name: string; bytes: Uint8Array }[]): Promise<ImportResult> {
      const items: ImportItem[] = [];
      const refused: ImportResult['refused'] = [];
      const closers: (() => void)[] = [];
      for (const file of files) {
        if (!looksLikeZip(file.bytes)) {
          items.push({ name: file.name, read: async () => ({ bytes: file.bytes }) });
          continue;
        }
        try {
          const zip = await itemsFromZip(Buffer.from(file.bytes), file.name);
          items.push(...zip.items);
          refused.push(...zip.refused);
          closers.push(zip.close);
        } catch (error) {
          refused.push({ name: file.name, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      try {
        return await importItems(importDeps, items, refused);
      } finally {
        for (const close of closers) close();
      }
    },

    async importPaths(paths: string[]): Promise<ImportResult> {
      const { items, refused, close } = await itemsFromPaths(paths);
      try {
        return await importItems(importDeps, items, refused);
      } finally {
        close();
      }
    },

    /** Every image, live and trashed, oldest first: what "export all" moves. */
    allIds: (): string[] => db.prepare<[], string>('SELECT id FROM images ORDER BY pk').pluck().all(),

    export(ids: string[], destination: string, as: 'folder' | 'zip') {
      const deps = {
        store,
        now,
        records: (wanted: string[]) => wanted.map((id) => getRecord(db, id)),
        lineage: (id: string) => edgesOf(db, id),
        sourceFormat: (sha256: string) =>
          db
            .prepare<[string], ImageFormat>('SELECT format FROM blobs WHERE sha256 = ?')
            .pluck()
            .get(sha256) ?? null,
      };
      return as === 'zip' ? exportToZip(deps, ids, destination) : exportToFolder(deps, ids, destination);
    },

    backup: (destination: string) => createBackup(db, store, destination, now()),

    async restoreBackup(source: string) {
      const { restored, files } = await restoreBackup(db, store, source, tempDir);
      emit('added', restored);
      return { restored: restored.length, files };
    },

    /** The backup as a zip stream (browser mode's download). */
    backupZip: () => backupZip({ db, store, tmpDir: tempDir, now }),

    /** A backup zip on disk (browser mode's upload), checked whole, the current database kept aside. */
    async restoreZip(file: string): Promise<RestoreResult> {
      const keepAsideDir = path.join(dataDir, 'backups');
      const { restored, files, keptAside } = await restoreZip(
        { db, store, tmpDir: tempDir, now, dataDir, keepAsideDir, freeBytes },
        file,
      );
      emit('added', restored);
      return { restored: restored.length, files, keptAside };
    },

    freeBytes,

    /**
     * quick_check reads the whole file (9 s at a million images) and every original is looked up on
     * disk: a thread of its own, so neither the loop nor the page's queries wait for it.
     */
    async checkIntegrity(): Promise<IntegrityReport> {
      const checker = inlineReads ? reader : createSqlReader(db.name, { background: true });
      if (checker !== reader) checkers.add(checker);
      try {
        return await checker.run('integrity', { imagesDir: store.root, now: now() });
      } finally {
        checkers.delete(checker);
        if (checker !== reader) await checker.close();
      }
    },
    stats: (): LibraryStats => libraryStats(asWritable(db)),

    close(): Promise<void> {
      closing = true;
      terms.stop();
      stopCheckpoints();
      // A check still running would otherwise keep its connection open past the app's own close.
      return Promise.all([reader, ...checkers].map((thread) => thread.close())).then(() => undefined);
    },

    onChange(listener: (change: LibraryChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Tokenizes rows queued for the search vocabulary (search-terms.ts) a slice at a time, after each
 * change and every few seconds for writers that bypass the library (the text check's read text).
 */
function createTermsDrain(db: WritableDB) {
  let scheduled = false;
  let stopped = false;
  const step = () => {
    if (stopped || !db.open) return;
    // 25 rows is 1-3 ms (up to 14 ms measured for 100 on a loaded machine): a bulk tag of 10,000
    // images is drained a few ms at a time without holding the loop.
    let left: number;
    try {
      left = drainPendingTerms(db, 25);
    } catch {
      // A full disk: thrown from a timer this would end the process. The rows stay queued and
      // the next tick tries again; search reads queued rows meanwhile.
      scheduled = false;
      return;
    }
    if (left > 0) setImmediate(step);
    else scheduled = false;
  };
  const soon = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(step);
  };
  const timer = setInterval(soon, 2_000);
  timer.unref();
  soon();
  return {
    soon,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

const plainKeys = new Set(['sort', 'trashed', 'limit']);
function isPlainFirstPage(query: LibraryQuery): boolean {
  return Object.entries(query).every(([key, value]) => value === undefined || plainKeys.has(key));
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
