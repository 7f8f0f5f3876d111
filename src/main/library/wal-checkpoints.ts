import path from 'node:path';
import type Database from 'better-sqlite3';
import { freeBytes } from '../recovery/storage-errors.ts';
import type { SqlReader } from './sql-reader.ts';

/**
 * WAL pages main lets pile up before it checkpoints on its own loop after all (about 40 MB): only
 * when the reader thread is gone or keeps failing, or a long read keeps its checkpoints from catching up.
 */
export const FALLBACK_PAGES = 10_000;
/**
 * What the WAL file is cut back to when a writer starts it over (SQLite otherwise keeps it at its
 * largest): the images of a working session stay well under it; a 10,000-row batch's 17 MB burst
 * leaves no larger file behind once it has been copied.
 */
export const WAL_LIMIT_BYTES = 16 * 1024 * 1024;
const EVERY_MS = 1_000;
/**
 * Below this much free space on the data folder's disk, SQLite checkpoints on main's connection as
 * it always did (its own 1,000 pages): the full-disk handling (queue paused, library read-only, a
 * banner naming the folder) was built on that. A checkpoint on the thread that met a full disk left
 * the job saving an image stuck instead, with no banner (e2e/studio-disk-full.test.ts; the cause was
 * not found), so the thread only copies while a checkpoint cannot be what fills the disk.
 */
export const LOW_DISK_BYTES = 256 * 1024 * 1024;
const SQLITE_OWN_PAGES = 1_000;

export interface CheckpointOptions {
  /** Time between two checkpoints on the thread; tests shorten it. */
  everyMs?: number;
  /** Main's own wal_autocheckpoint, for when the thread cannot keep up; tests lower it. */
  fallbackPages?: number;
  /** Free bytes on the data folder's disk; tests pretend it is nearly full. */
  free?: () => number;
}

/**
 * SQLite checkpoints inside the commit that crosses wal_autocheckpoint (1,000 pages by default), so
 * a write on main's loop now and then also pays for copying the last 4 MB of pages into the file
 * and syncing it: a 10,000-row batch's commits cost 250-590 ms with those checkpoints and ~130 ms
 * without (bench:batch). The reader thread's own writable connection copies them instead, once a
 * tick and without waiting on anyone (PASSIVE), while main's commits only append. A checkpoint that
 * fails copies nothing it cannot finish: every commit stays in the WAL until one succeeds, and past
 * FALLBACK_PAGES main checkpoints itself as before. Returns the function that stops it.
 */
export function checkpointOffLoop(
  db: Database.Database,
  reader: SqlReader,
  {
    everyMs = EVERY_MS,
    fallbackPages = FALLBACK_PAGES,
    free = () => freeBytes(path.dirname(db.name)),
  }: CheckpointOptions = {},
): () => void {
  db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
  let onThread: boolean | null = null;
  /** Whether the thread copies now: set on main's connection whenever the answer changes. */
  const roomy = (): boolean => {
    const now = free() >= LOW_DISK_BYTES;
    if (now !== onThread) {
      onThread = now;
      db.pragma(`wal_autocheckpoint = ${now ? Math.trunc(fallbackPages) : SQLITE_OWN_PAGES}`);
    }
    return now;
  };
  roomy();
  // Rows main's connection has written since it opened: an idle library asks the thread for nothing.
  const written = db.prepare<[], number>('SELECT total_changes()').pluck();
  let copiedUpTo = -1;
  let busy = false;
  const timer = setInterval(() => {
    // Main's connection closed without the library (a test, a failed start): nothing more to copy,
    // and a checkpoint now would be the file's last connection, in a folder that may be going away.
    if (!db.open) return clearInterval(timer);
    if (busy || !reader.ready || !roomy()) return;
    const changes = written.get()!;
    if (changes === copiedUpTo) return;
    busy = true;
    reader
      .run('checkpoint', null)
      .then(({ walPages, copied }) => {
        // Pages a reader still needed stay for the next tick, new writes or not.
        if (copied === walPages) copiedUpTo = changes;
      })
      // Tried again at the next tick (a lock, the disk); until then the WAL holds every commit.
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
