/**
 * The automatic backup's thread: its own read-only connection (WAL lets it read while the app
 * writes) copies the library with SQLite's online backup. On the main thread even the stepped backup
 * ends with one commit of the whole copy, whose fsync can hold the loop for as long as the disk takes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface BackupJob {
  source: string;
  destination: string;
}

export type BackupReply = { ok: true } | { ok: false; message: string };

const { source, destination } = workerData as BackupJob;
const db = new Database(source, { readonly: true, fileMustExist: true });
try {
  await db.backup(destination);
  parentPort!.postMessage({ ok: true } satisfies BackupReply);
} catch (error) {
  parentPort!.postMessage({ ok: false, message: (error as Error).message } satisfies BackupReply);
} finally {
  db.close();
}
