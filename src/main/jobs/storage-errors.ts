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

const headlines: Record<StorageProblem, (dataDir: string) => string> = {
  full: (dir) => `The disk is full: the data folder (${dir}) has no room for new images.`,
  quota: (dir) => `Your disk quota is used up: the data folder (${dir}) cannot grow.`,
  denied: (dir) => `The app may not write to its data folder (${dir}): permission denied.`,
  read_only: (dir) => `The data folder (${dir}) is on a read-only disk.`,
  io: (dir) => `The disk holding the data folder (${dir}) reported a write error.`,
};

const advice: Record<StorageProblem, string> = {
  full: "Free some space on that disk (emptying the library's trash helps).",
  quota: 'Free some space or ask for a larger quota.',
  denied: "Check the folder's permissions.",
  read_only: 'Make it writable again.',
  io: 'Check the disk.',
};

/** The banner's text: what is wrong, where, and what to do. */
export function storageMessage(problem: StorageProblem, dataDir: string): string {
  return `${headlines[problem](dataDir)} ${advice[problem]} The queue resumes by itself once it can write again; nothing already paid for is dropped.`;
}

/** The same for one waiting job, which already shows the way out as its action. */
export function storageJobNote(problem: StorageProblem, dataDir: string): string {
  return `${headlines[problem](dataDir)} This image is saved as soon as the app can write again.`;
}
