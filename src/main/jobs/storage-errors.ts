/** Why the data folder cannot take a write. */
export type StorageProblem = 'full' | 'quota' | 'denied' | 'read_only' | 'io';

const byCode: Record<string, StorageProblem> = {
  ENOSPC: 'full',
  EDQUOT: 'quota',
  EACCES: 'denied',
  EPERM: 'denied',
  EROFS: 'read_only',
  EIO: 'io',
  SQLITE_FULL: 'full',
  SQLITE_READONLY: 'read_only',
  SQLITE_PERM: 'denied',
  SQLITE_CANTOPEN: 'denied',
  SQLITE_IOERR: 'io',
};

/**
 * The storage problem behind an error thrown while writing a download, the file store or the
 * database: Node's errno codes and SQLite's result codes (extended ones such as SQLITE_IOERR_WRITE
 * count as their family). Null for anything else: a socket's EACCES never reaches here, since
 * network errors come wrapped as SegmindErrors.
 */
export function storageProblemOf(error: unknown): StorageProblem | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      const family = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
      const problem = byCode[code] ?? byCode[family];
      if (problem) return problem;
    }
    current = current.cause;
  }
  return null;
}

const resumes = 'The queue resumes by itself once it can write again; nothing already paid for is dropped.';

/** What the user reads in the banner and on the waiting job: what is wrong, where, and what to do. */
export function storageMessage(problem: StorageProblem, dataDir: string): string {
  switch (problem) {
    case 'full':
      return `The disk is full: the data folder (${dataDir}) has no room for new images. Free some space on that disk (emptying the library's trash helps). ${resumes}`;
    case 'quota':
      return `Your disk quota is used up: the data folder (${dataDir}) cannot grow. Free some space or ask for a larger quota. ${resumes}`;
    case 'denied':
      return `The app may not write to its data folder (${dataDir}): permission denied. Check the folder's permissions. ${resumes}`;
    case 'read_only':
      return `The data folder (${dataDir}) is on a read-only disk. Make it writable again. ${resumes}`;
    case 'io':
      return `The disk holding the data folder (${dataDir}) reported a write error. Check the disk. ${resumes}`;
  }
}
