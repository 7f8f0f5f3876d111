import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { AutoBackup } from '../../shared/api/recovery.ts';
import { BackupId } from '../../shared/api/recovery.ts';
import type { Logger } from '../logging/logger.ts';
import type { BackupJob, BackupReply } from './backup-worker.ts';
import { fileStamp } from './move-aside.ts';
import { freeBytes } from './storage-errors.ts';

export const autoBackupDirName = 'auto-backups';

export interface AutoBackupOptions {
  dataDir: string;
  logger: Logger;
  now?: () => number;
  /** How many to keep; the oldest goes when a new one is complete. */
  keep?: number;
  /** A new one is made when the newest is older than this. */
  everyMs?: number;
}

export interface AutoBackups {
  /**
   * Removes copies cut off when the app last quit or crashed (each as big as the library). Only
   * with the data-folder lock held: another process could be writing one right now.
   */
  removeUnfinished(): void;
  /** Newest first, each with its image count (opened read-only to count). */
  list(): AutoBackup[];
  /** The file of a listed backup; throws for an id that is not one. */
  fileOf(id: string): string;
  /**
   * Makes one if the newest is older than `everyMs` (or there is none) and the disk has room;
   * 'stopped' once stop() was called (a copy under way is then dropped).
   */
  maybeRun(db: Database.Database): Promise<'made' | 'fresh' | 'no_room' | 'stopped'>;
  /**
   * Ends a copy under way (its thread, and the partial file) and any to come: quitting must not
   * wait for a copy as big as the library, nor leave a thread writing into the data folder.
   */
  stop(): Promise<void>;
}

const day = 24 * 60 * 60 * 1000;

/** From source (tests, browser mode) the worker is the .ts beside this file; built, the chunk beside index.js. */
const workerUrl = import.meta.url.endsWith('.ts')
  ? new URL('./backup-worker.ts', import.meta.url)
  : new URL('./backup-worker.js', import.meta.url);

function backupOnThread(job: BackupJob, started: (worker: Worker) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl, { workerData: job });
    started(worker);
    let answered = false;
    worker.once('message', (reply: BackupReply) => {
      answered = true;
      if (reply.ok) resolve();
      else reject(new Error(reply.message));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the backup thread stopped (exit ${code})`));
    });
  });
}
const namePattern = /^library-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(?:-\d+)?\.sqlite3$/;

/**
 * The rolling daily copy the recovery screen restores from: the database file only, since originals
 * are content-addressed files that stay where they are. Made with SQLite's online backup on a thread
 * of its own (backup-worker.ts) while the app keeps running and writing, into a .partial name renamed
 * when done, so a copy cut off by a crash never counts. Only called once the library has passed its
 * check: a damaged file must not push the last good copy out.
 */
export function createAutoBackups(options: AutoBackupOptions): AutoBackups {
  const dir = path.join(options.dataDir, autoBackupDirName);
  const now = options.now ?? Date.now;
  const keep = options.keep ?? 3;
  const everyMs = options.everyMs ?? day;
  let stopped = false;
  /** The copy under way: its thread, and the attempt that ends when the thread does. */
  let running: { worker: Worker; settled: Promise<unknown> } | null = null;

  function names(): string[] {
    try {
      return fs
        .readdirSync(dir)
        .filter((name) => namePattern.test(name))
        .sort()
        .reverse();
    } catch {
      return [];
    }
  }

  function createdAt(name: string): number {
    const stamp = namePattern.exec(name)![1]!;
    return Date.parse(stamp.replace(/T(\d{2})-(\d{2})-(\d{2})Z$/, 'T$1:$2:$3Z'));
  }

  function countImages(file: string): number | null {
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
      try {
        return db.prepare<[], number>('SELECT count(*) FROM images').pluck().get() ?? null;
      } finally {
        db.close();
      }
    } catch {
      return null;
    }
  }

  function prune(): void {
    for (const name of names().slice(keep)) {
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(dir, name + suffix), { force: true });
    }
  }

  return {
    removeUnfinished() {
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        if (name.endsWith('.partial')) fs.rmSync(path.join(dir, name), { force: true });
      }
    },

    list() {
      return names().map((name) => {
        const file = path.join(dir, name);
        return {
          id: name,
          createdAt: createdAt(name),
          bytes: fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0,
          images: countImages(file),
        };
      });
    },

    fileOf(id) {
      const name = BackupId.parse(id);
      if (!names().includes(name)) throw new Error(`There is no automatic backup named ${name}.`);
      return path.join(dir, name);
    },

    async maybeRun(db) {
      if (stopped) return 'stopped';
      const newest = names()[0];
      if (newest && now() - createdAt(newest) < everyMs) return 'fresh';
      const size = fs.statSync(db.name, { throwIfNoEntry: false })?.size ?? 0;
      // Room for the copy and then some: a backup must never be what fills the disk.
      if (freeBytes(options.dataDir) < size * 1.5 + 64 * 1024 * 1024) {
        options.logger.warn(
          `[backup] no automatic backup today: the disk has too little room for a ${Math.round(size / 1e6)} MB copy`,
        );
        return 'no_room';
      }
      fs.mkdirSync(dir, { recursive: true });
      let name = `library-${fileStamp(now())}.sqlite3`;
      for (let n = 2; names().includes(name); n++) name = `library-${fileStamp(now())}-${n}.sqlite3`;
      const partial = path.join(dir, `${name}.partial`);
      const started = Date.now();
      let worker: Worker | undefined;
      const attempt = (async () => {
        try {
          await backupOnThread({ source: db.name, destination: partial }, (thread) => (worker = thread));
          fs.renameSync(partial, path.join(dir, name));
          return true;
        } catch (error) {
          fs.rmSync(partial, { force: true });
          if (stopped) return false;
          throw error;
        } finally {
          running = null;
        }
      })();
      running = { worker: worker!, settled: attempt.catch(() => undefined) };
      if (!(await attempt)) return 'stopped';
      prune();
      options.logger.info(`[backup] automatic backup ${name} made in ${Date.now() - started} ms`);
      return 'made';
    },

    async stop() {
      stopped = true;
      const copy = running;
      if (!copy) return;
      await copy.worker.terminate();
      await copy.settled;
    },
  };
}
