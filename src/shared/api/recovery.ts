import { z } from 'zod';
import { defineMethod } from '../rpc.ts';

/**
 * What the page shows when the studio cannot open its library (a damaged file, a data folder another
 * process holds, a full disk), and the few ways out. No method takes a path: a backup is named by the
 * id main listed, and every file is chosen and moved by main.
 */
export const ProblemKind = z.enum([
  /** The file is not SQLite (overwritten, or its header smashed). */
  'not_a_database',
  /** The file is shorter than SQLite says it is. */
  'truncated',
  /** SQLite opens it, but parts of it do not read back (partial damage). */
  'damaged',
  /** A folder (or something else that is not a file) stands where the library file should be. */
  'not_a_file',
  /** The library file is gone, though automatic backups of it are there. */
  'missing',
  'no_access',
  /** Written by a newer version of the app. */
  'newer_version',
  /** Another Ideogram Studio process holds this data folder. */
  'in_use',
  /** Another program holds a lock on the library file. */
  'busy',
  /** The disk is too full even to open the library read-only. */
  'disk_full',
  'unknown',
]);
export type ProblemKind = z.infer<typeof ProblemKind>;

export const RecoveryAction = z.enum(['restore', 'start_fresh', 'retry', 'quit']);
export type RecoveryAction = z.infer<typeof RecoveryAction>;

export const ReadablePart = z.object({
  label: z.string(),
  /** Rows that read back; null when nothing of this part could be read. */
  rows: z.number().int().nullable(),
  /** SQLite found damage in this part: rows beyond the damage may be missing from the count. */
  damaged: z.boolean(),
});
export type ReadablePart = z.infer<typeof ReadablePart>;

export const LibraryProblem = z.object({
  kind: ProblemKind,
  title: z.string(),
  message: z.string(),
  /** What SQLite or the file system said, for the curious and for support. */
  details: z.array(z.string()).max(20),
  /** What can still be read, part by part (empty when nothing can). */
  readable: z.array(ReadablePart),
  /** Original image files still in the data folder: they survive whatever happens to the database. */
  originals: z.number().int().nullable(),
  actions: z.array(RecoveryAction),
});
export type LibraryProblem = z.infer<typeof LibraryProblem>;

/** Automatic backups are named by main; the page can only pick one of the ids it was given. */
export const BackupId = z.string().regex(/^library-[0-9TZ-]{1,40}\.sqlite3$/, 'not an automatic backup');

export const AutoBackup = z.object({
  id: BackupId,
  createdAt: z.number().int(),
  bytes: z.number().int(),
  /** null when the backup could not be opened to count. */
  images: z.number().int().nullable(),
});
export type AutoBackup = z.infer<typeof AutoBackup>;

export const Notice = z.object({
  id: z.string(),
  tone: z.enum(['info', 'warning']),
  message: z.string(),
  /** A way to act on it: 'adopt_orphans' is recovery:adoptOrphans. */
  action: z.enum(['adopt_orphans']).optional(),
});
export type Notice = z.infer<typeof Notice>;

export const RecoveryStatus = z.object({
  /** 'recovery': the library is not open, the page shows the recovery screen instead of the studio. */
  state: z.enum(['studio', 'recovery']),
  /** 'full': the disk is full, the library is open read-only until space is freed. */
  storage: z.enum(['ok', 'full']),
  problem: LibraryProblem.nullable(),
  backups: z.array(AutoBackup),
  /** Things the user should know about this start (settings reset, a backup restored). */
  notices: z.array(Notice),
  dataDir: z.string(),
  logFile: z.string().nullable(),
});
export type RecoveryStatus = z.infer<typeof RecoveryStatus>;

const NoInput = z.object({}).strict().optional();

export const recoveryApi = {
  'recovery:status': defineMethod(NoInput, RecoveryStatus),
  /** Puts a copy of this automatic backup in place of the damaged library (kept aside), then opens it. */
  'recovery:restoreBackup': defineMethod(z.object({ backup: BackupId }).strict(), RecoveryStatus),
  /** Moves the damaged library aside (kept, with the time in its name) and opens an empty one. */
  'recovery:startFresh': defineMethod(NoInput, RecoveryStatus),
  /** Tries to open the library again (after the other process quit, or space was freed). */
  'recovery:retry': defineMethod(NoInput, RecoveryStatus),
  'recovery:quit': defineMethod(NoInput, z.object({ ok: z.literal(true) })),
  /**
   * After a restore or a fresh start: brings the original files in the data folder that this library
   * does not know back in, as imported images (their files stay where they are).
   */
  'recovery:adoptOrphans': defineMethod(
    NoInput,
    z.object({ added: z.number().int(), refused: z.number().int() }),
  ),
};

export const recoveryEvents = {
  'recovery:changed': RecoveryStatus,
};
