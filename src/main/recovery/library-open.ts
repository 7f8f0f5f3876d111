import path from 'node:path';
import Database from 'better-sqlite3';
import type { LibraryProblem, ProblemKind, RecoveryAction } from '../../shared/api/recovery.ts';
import { openDatabase, schemaVersion } from '../library/database.ts';
import { migrations as knownMigrations, type Migration } from '../library/migrations/index.ts';
import { inspectLibraryFile } from './library-file.ts';
import { countOriginals, readableParts } from './library-readable.ts';
import { errorCode, isBusy, isCorruption, isDiskFull } from './storage-errors.ts';

export const libraryFileName = 'library.sqlite3';

export interface OpenedLibrary {
  db: Database.Database;
  /** 'full': opened on a full disk; it reads, and writes fail until space is freed. */
  storage: 'ok' | 'full';
  /** 'full': SQLite's quick_check ran; 'probe': only the schema and each table's edges were read. */
  checked: 'full' | 'probe';
}

export type LibraryOpenResult = { ok: true; library: OpenedLibrary } | { ok: false; problem: LibraryProblem };

export interface OpenLibraryOptions {
  dataDir: string;
  migrations?: Migration[];
  /**
   * Files up to this size get SQLite's full quick_check before the studio opens (it reads every page,
   * about 110 MB/s here: a quarter second at this size). Larger ones get a probe now and the full
   * check in the background, whose verdict can still send the app to the recovery screen.
   */
  fullCheckMaxBytes?: number;
}

const defaultFullCheckMaxBytes = 32 * 1024 * 1024;

class NewerVersion extends Error {}
class Damaged extends Error {
  readonly findings: string[];
  constructor(findings: string[]) {
    super(findings[0] ?? 'damaged');
    this.findings = findings;
  }
}

/**
 * Opens the library for the studio, or says precisely why it cannot. A file that fails is never
 * written to: it is looked at from outside first (the header), then read through a read-only
 * connection, which cannot checkpoint or roll back into it; only a file that passes is opened for
 * writing and migrated. A full disk opens anyway, without the shared-memory file it cannot create.
 */
export function openLibrary(options: OpenLibraryOptions): LibraryOpenResult {
  const file = path.join(options.dataDir, libraryFileName);
  const migrations = options.migrations ?? knownMigrations;
  const facts = inspectLibraryFile(file);
  const fail = (kind: ProblemKind, message: string, details: string[] = []): LibraryOpenResult => ({
    ok: false,
    problem: describeProblem(kind, message, details, file, options.dataDir),
  });

  switch (facts.kind) {
    case 'not_a_file':
      return fail('not_a_file', `Something that is not a file (a folder?) stands where ${file} should be.`);
    case 'no_access':
      return fail('no_access', `The app may not open ${file} (${facts.code}). Check the file's permissions.`);
    case 'not_a_database':
      return fail(
        'not_a_database',
        `${libraryFileName} is not a database any more: ${facts.reason}. It was overwritten or its start was damaged; nothing in it can be read by SQLite.`,
      );
    case 'truncated':
      return fail(
        'truncated',
        `${libraryFileName} is cut short: it holds ${formatBytes(facts.bytes)} of the ${formatBytes(facts.expectedBytes)} SQLite expects.`,
      );
    case 'empty':
      // Only a first start that crashed leaves an empty file; an empty file beside stored images is a loss.
      if (countOriginals(options.dataDir) > 0) {
        return fail('truncated', `${libraryFileName} is empty, but the data folder holds images.`);
      }
      break;
    case 'missing':
    case 'sqlite':
      break;
  }

  const latest = migrations.at(-1)?.version ?? 0;
  const fullCheck =
    facts.kind === 'sqlite' && facts.bytes <= (options.fullCheckMaxBytes ?? defaultFullCheckMaxBytes);
  // A new file has nothing to check.
  const checked: OpenedLibrary['checked'] = fullCheck || facts.kind !== 'sqlite' ? 'full' : 'probe';
  if (facts.kind === 'sqlite') {
    let failure = probeFile(file, latest, fullCheck, true);
    // A read-only connection cannot replay a hot journal or build a missing WAL index: the writable
    // one can, and a file that got this far has a sound header.
    if (failure && /^SQLITE_(READONLY|CANTOPEN)/.test(errorCode(failure))) {
      failure = probeFile(file, latest, fullCheck, false);
    }
    if (failure) {
      if (isDiskFull(failure, options.dataDir)) return openOnFullDisk(file, latest, fullCheck, fail);
      const { kind, message, details } = classify(failure, file);
      return fail(kind, message, details);
    }
  }

  try {
    return { ok: true, library: { db: openDatabase(file, { migrations }), storage: 'ok', checked } };
  } catch (error) {
    if (isDiskFull(error, options.dataDir)) {
      if (facts.kind !== 'sqlite') {
        return fail(
          'disk_full',
          'The disk is full: there is no room to create the library. Free some space, then try again.',
        );
      }
      return openOnFullDisk(file, latest, fullCheck, fail);
    }
    const failure = classify(error, file);
    return fail(failure.kind, failure.message, failure.details);
  }
}

/**
 * For a library that passed its checks but whose first writes then found the disk full (a disk with
 * room for the -shm but not for the WAL): the same file, opened the full-disk way.
 */
export function openLibraryOnFullDisk(dataDir: string): LibraryOpenResult {
  const file = path.join(dataDir, libraryFileName);
  const latest = knownMigrations.at(-1)?.version ?? 0;
  return openOnFullDisk(file, latest, false, (kind, message, details = []) => ({
    ok: false,
    problem: describeProblem(kind, message, details, file, dataDir),
  }));
}

/**
 * Exclusive locking mode keeps the WAL index in this process's memory instead of the -shm file a full
 * disk has no room for. Reads work; writes fail with SQLITE_FULL until space is freed, then succeed
 * on this same connection. Nothing else may open the file meanwhile, which the data-folder lock
 * already promises.
 */
function openOnFullDisk(
  file: string,
  latest: number,
  fullCheck: boolean,
  fail: (kind: ProblemKind, message: string, details?: string[]) => LibraryOpenResult,
): LibraryOpenResult {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    db.pragma('locking_mode = EXCLUSIVE');
    checkReadable(db, latest, fullCheck);
    if (schemaVersion(db) < latest) {
      db.close();
      return fail(
        'disk_full',
        'The disk is full, and this version of the app must update the library before it can open it. Free some space, then try again.',
      );
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return { ok: true, library: { db, storage: 'full', checked: fullCheck ? 'full' : 'probe' } };
  } catch (error) {
    db?.close();
    if (isDiskFull(error, path.dirname(file))) {
      return fail(
        'disk_full',
        'The disk is full: the library cannot be opened even read-only. Free some space, then try again.',
      );
    }
    const failure = classify(error, file);
    return fail(failure.kind, failure.message, failure.details);
  }
}

function probeFile(file: string, latest: number, fullCheck: boolean, readonly: boolean): unknown {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly, fileMustExist: true });
    checkReadable(db, latest, fullCheck);
    return null;
  } catch (error) {
    return error;
  } finally {
    db?.close();
  }
}

/**
 * The app's own tables, probed by name from this list (never by names read from a damaged file).
 * A table a later migration adds and this list lacks is still covered by the full check.
 */
const probedTables = [
  'images',
  'tags',
  'image_tags',
  'collections',
  'collection_images',
  'blobs',
  'jobs',
  'job_attempts',
  'job_duration_estimates',
];

/** Reads what the studio reads first (or, when cheap enough, every page), on a connection that cannot write. */
function checkReadable(db: Database.Database, latest: number, fullCheck: boolean): void {
  const version = schemaVersion(db);
  if (version > latest) {
    throw new NewerVersion(
      `This library was written by a newer version of the app (schema ${version}; this app knows up to ${latest}). Update the app to open it; the file was left untouched.`,
    );
  }
  const present = new Set(
    db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(),
  );
  if (fullCheck) {
    const findings = (db.pragma('quick_check(20)') as { quick_check: string }[])
      .map((row) => row.quick_check)
      .filter((message) => message !== 'ok');
    if (findings.length > 0) throw new Damaged(findings);
    return;
  }
  // Each table's first and last row: its root and the pages down both edges, a few reads however
  // big it is (count(*) would walk a whole index: 350 ms at 1M images, measured by bench:startup).
  // The newest images are the grid's first page. Damage deeper in is the background check's.
  const withoutRowid = new Set(
    (db.pragma('table_list') as { name: string; wr: number }[]).filter((t) => t.wr).map((t) => t.name),
  );
  for (const table of probedTables) {
    if (!present.has(table)) continue;
    db.prepare(`SELECT * FROM ${table} LIMIT 1`).get();
    if (!withoutRowid.has(table)) db.prepare(`SELECT * FROM ${table} ORDER BY rowid DESC LIMIT 1`).get();
  }
  if (present.has('images')) db.prepare('SELECT * FROM images ORDER BY pk DESC LIMIT 200').all();
}

function classify(error: unknown, file: string): { kind: ProblemKind; message: string; details: string[] } {
  const detail = [`${errorCode(error) || 'error'}: ${(error as Error).message}`];
  if (error instanceof NewerVersion) return { kind: 'newer_version', message: error.message, details: [] };
  if (error instanceof Damaged) {
    return {
      kind: 'damaged',
      message: `Parts of ${libraryFileName} are damaged: SQLite's check found ${error.findings.length === 20 ? '20 or more' : error.findings.length} problem(s). What can still be read is listed below.`,
      details: error.findings,
    };
  }
  if (errorCode(error) === 'SQLITE_NOTADB') {
    return {
      kind: 'not_a_database',
      message: `${libraryFileName} is not a database any more (it was overwritten).`,
      details: detail,
    };
  }
  if (isCorruption(error)) {
    return {
      kind: 'damaged',
      message: `Parts of ${libraryFileName} are damaged: SQLite could not read them. What can still be read is listed below.`,
      details: detail,
    };
  }
  if (isBusy(error)) {
    return {
      kind: 'busy',
      message: `Another program holds a lock on ${file} (a database browser, a sync or backup tool?). Close it, then try again.`,
      details: detail,
    };
  }
  const code = errorCode(error);
  if (
    code === 'SQLITE_CANTOPEN' ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_PERM' ||
    code === 'SQLITE_AUTH'
  ) {
    return {
      kind: 'no_access',
      message: `The app may not open ${file} for writing. Check the file's and the folder's permissions.`,
      details: detail,
    };
  }
  return {
    kind: 'unknown',
    message: `The library could not be opened: ${(error as Error).message}`,
    details: detail,
  };
}

const titles: Record<ProblemKind, string> = {
  not_a_database: 'The library file is damaged',
  truncated: 'The library file is cut short',
  damaged: 'The library file is partly damaged',
  not_a_file: 'The library file is missing',
  missing: 'The library file is missing',
  no_access: 'The library file cannot be opened',
  newer_version: 'This library needs a newer version of the app',
  in_use: 'The library is open in another Ideogram Studio',
  busy: 'The library file is locked by another program',
  disk_full: 'The disk is full',
  unknown: 'The library could not be opened',
};

/** What each problem lets the user do: a file that cannot be trusted is never opened for writing. */
const actionsFor: Record<ProblemKind, RecoveryAction[]> = {
  not_a_database: ['restore', 'start_fresh', 'quit'],
  truncated: ['restore', 'start_fresh', 'quit'],
  damaged: ['restore', 'start_fresh', 'quit'],
  not_a_file: ['restore', 'start_fresh', 'quit'],
  missing: ['restore', 'start_fresh', 'quit'],
  no_access: ['retry', 'quit'],
  newer_version: ['quit'],
  in_use: ['retry', 'quit'],
  busy: ['retry', 'quit'],
  disk_full: ['retry', 'quit'],
  unknown: ['retry', 'restore', 'start_fresh', 'quit'],
};

export function describeProblem(
  kind: ProblemKind,
  message: string,
  details: string[],
  file: string,
  dataDir: string,
): LibraryProblem {
  const listsParts = kind === 'damaged' || kind === 'unknown';
  return {
    kind,
    title: titles[kind],
    message,
    details: details.slice(0, 20),
    readable: listsParts ? readableParts(file) : [],
    originals: kind === 'in_use' || kind === 'newer_version' ? null : countOriginals(dataDir),
    actions: actionsFor[kind],
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 10 * 1024) return `${bytes} bytes`;
  if (bytes < 10 * 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}
