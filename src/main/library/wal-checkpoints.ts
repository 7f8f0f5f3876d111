import path from 'node:path';
import type Database from 'better-sqlite3';
import { isDiskFull } from '../recovery/storage-errors.ts';
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

export interface CheckpointOptions {
  /** Time between two checkpoints on the thread; tests shorten it. */
  everyMs?: number;
  /** Main's own wal_autocheckpoint, for when the thread cannot keep up; tests lower it. */
  fallbackPages?: number;
  /**
   * A checkpoint failed for want of space: the app's disk-full handling (the banner, the watch for
   * space). Told once per run of failures, not at every tick.
   */
  onDiskFull?(error: unknown): void;
}

/**
 * SQLite checkpoints inside the commit that crosses wal_autocheckpoint (1,000 pages by default), so
 * a write on main's loop now and then also pays for copying the last 4 MB of pages into the file
 * and syncing it: a 10,000-row batch's commits cost 250-590 ms with those checkpoints and ~130 ms
 * without (bench:batch). The reader thread's own writable connection copies them instead, once a
 * tick and without waiting on anyone (PASSIVE), while main's commits only append. A checkpoint that
 * fails copies nothing it cannot finish: every commit stays in the WAL until one succeeds, and past
 * FALLBACK_PAGES main checkpoints itself as before; one that fails for want of space goes to
 * onDiskFull, since no caller waits on it to say so. Returns the function that stops it.
 */
export function checkpointOffLoop(
  db: Database.Database,
  reader: SqlReader,
  { everyMs = EVERY_MS, fallbackPages = FALLBACK_PAGES, onDiskFull }: CheckpointOptions = {},
): () => void {
  db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
  db.pragma(`wal_autocheckpoint = ${Math.trunc(fallbackPages)}`);
  const dir = path.dirname(db.name);
  // Rows main's connection has written since it opened: an idle library asks the thread for nothing.
  const written = db.prepare<[], number>('SELECT total_changes()').pluck();
  let copiedUpTo = -1;
  let busy = false;
  let toldFull = false;
  const timer = setInterval(() => {
    // Main's connection closed without the library (a test, a failed start): nothing more to copy,
    // and a checkpoint now would be the file's last connection, in a folder that may be going away.
    if (!db.open) return clearInterval(timer);
    if (busy || !reader.ready) return;
    const changes = written.get()!;
    if (changes === copiedUpTo) return;
    busy = true;
    reader
      .run('checkpoint', null)
      .then(({ walPages, copied }) => {
        toldFull = false;
        // Pages a reader still needed stay for the next tick, new writes or not.
        if (copied === walPages) copiedUpTo = changes;
      })
      // Tried again at the next tick (a lock, the disk); until then the WAL holds every commit.
      .catch((error: unknown) => {
        // The file could not grow. Main's commits go on landing in the room the WAL file already
        // has (it starts over from its beginning after each copy), so main meets the full disk only
        // once the WAL itself must grow, and a download may meet it first: said here, it is said now.
        if (toldFull || !isDiskFull(error, dir)) return;
        toldFull = true;
        onDiskFull?.(error);
      })
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
