import fs from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { errorCode, isBusy } from './storage-errors.ts';

export const lockFileName = 'studio.lock';
export const lockOwnerFileName = 'studio.lock.json';

export const LockOwner = z.object({
  pid: z.number().int(),
  kind: z.enum(['desktop', 'browser']),
  /** When the holder took the lock (ms since the epoch). */
  since: z.number().int(),
  host: z.string(),
  version: z.string(),
});
export type LockOwner = z.infer<typeof LockOwner>;

/** Another process holds the data folder; `owner` is what it wrote about itself (null if unreadable). */
export class DataFolderInUse extends Error {
  readonly owner: LockOwner | null;
  constructor(dataDir: string, owner: LockOwner | null) {
    super(describeOwner(dataDir, owner));
    this.name = 'DataFolderInUse';
    this.owner = owner;
  }
}

export interface DataLock {
  /** False when the file system would not lock (the app runs, unguarded, and says so in the log). */
  readonly held: boolean;
  release(): void;
}

export interface AcquireOptions {
  kind: LockOwner['kind'];
  version: string;
  now?: () => number;
  /** Told why the folder could not be locked at all (the app then runs without the guard). */
  onUnlockable?: (error: unknown) => void;
}

/**
 * One process per data folder. The lock is an OS file lock that SQLite takes on an empty database
 * file (an exclusive transaction held open for the life of the process): the kernel drops it the
 * moment the holder dies, however it dies, so a stale lock cannot exist and a reused pid cannot fool
 * it. Who holds it (pid, kind, since) is written beside it for the message the next process shows.
 */
export function acquireDataLock(dataDir: string, options: AcquireOptions): DataLock {
  const file = path.join(dataDir, lockFileName);
  const ownerFile = path.join(dataDir, lockOwnerFileName);
  let db: Database.Database;
  try {
    db = lockDatabase(file);
  } catch (error) {
    if (isBusy(error)) throw new DataFolderInUse(dataDir, readOwner(ownerFile));
    // Not a database (someone wrote into it): it holds nothing, so a fresh one takes its place.
    if (errorCode(error) === 'SQLITE_NOTADB') {
      fs.rmSync(file, { force: true });
      return acquireDataLock(dataDir, options);
    }
    options.onUnlockable?.(error);
    return { held: false, release() {} };
  }
  const owner: LockOwner = {
    pid: process.pid,
    kind: options.kind,
    since: (options.now ?? Date.now)(),
    host: hostname(),
    version: options.version,
  };
  try {
    fs.writeFileSync(ownerFile, `${JSON.stringify(owner)}\n`);
  } catch {
    // A full disk: the lock still holds; an owner file left by an earlier holder would lie, so it goes.
    fs.rmSync(ownerFile, { force: true });
  }
  let released = false;
  return {
    held: true,
    release() {
      if (released) return;
      released = true;
      fs.rmSync(ownerFile, { force: true });
      db.close();
    },
  };
}

function lockDatabase(file: string): Database.Database {
  const db = new Database(file, { timeout: 0 });
  try {
    // MEMORY: no journal file beside the lock, nothing written at all (it works on a full disk).
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = LockOwner.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const kindNames: Record<LockOwner['kind'], string> = {
  desktop: 'the desktop app',
  browser: 'browser mode',
};

export function describeOwner(dataDir: string, owner: LockOwner | null): string {
  const who = owner
    ? `${kindNames[owner.kind]} (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, since ${new Date(owner.since).toLocaleString()})`
    : 'another Ideogram Studio process';
  return `The data folder ${dataDir} is in use by ${who}. Close it first, or give this one its own folder (browser mode: --data-dir).`;
}
