import fs from 'node:fs';
import { storageProblemOf } from '../jobs/storage-errors.ts';

/** SQLite's and the file system's error code, if the error carries one. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** The bytes this process may still write on the disk holding `dir` (Infinity when unknown). */
export function freeBytes(dir: string): number {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Below this, an I/O error that does not say "full" is still taken for a full disk. */
const nearlyFullBytes = 1024 * 1024;

/**
 * A full disk, however it surfaces: SQLite says SQLITE_FULL for a page it could not write, but when
 * the -shm cannot grow it says SQLITE_IOERR_SHMSIZE, and other writes fail as plain I/O errors; the
 * file system's free count tells those apart from a failing disk.
 */
export function isDiskFull(error: unknown, dir: string): boolean {
  const problem = storageProblemOf(error);
  if (problem === 'full' || problem === 'quota') return true;
  return problem === 'io' && freeBytes(dir) < nearlyFullBytes;
}

/** The database file itself is damaged (as opposed to the disk, a lock, or a bug). */
export function isCorruption(error: unknown): boolean {
  const code = errorCode(error);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

export function isBusy(error: unknown): boolean {
  const code = errorCode(error);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

export function diskFullMessage(dataDir: string): string {
  return `The disk is full: the library is read-only until space is freed on the disk that holds ${dataDir}. Emptying the trash frees space.`;
}
