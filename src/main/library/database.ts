import Database from 'better-sqlite3';
import { migrations as knownMigrations, type Migration } from './migrations/index.ts';

export interface OpenDatabaseOptions {
  /** The schema steps to apply; defaults to every migration the app knows. Tests pass a prefix. */
  migrations?: Migration[];
}

/**
 * Opens (creating if needed) the app database and brings its schema up to date.
 * WAL lets the UI read while a job writes; NORMAL sync is durable across app crashes in WAL mode
 * (only an OS crash can drop the last commits, never corrupt the file).
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations ?? knownMigrations);
    // No ANALYZE / PRAGMA optimize, on purpose: statistics taken while the library was small were
    // measured to make inserts 3x slower and fall off a cliff past ~45,000 images (FTS5's own
    // statements get planned from them). The library's queries are written to plan well without.
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file's user_version, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  assertOrdered(migrations);
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `This library was written by a newer version of the app (schema ${current}; this app knows up to ${latest}). ` +
        'Update the app to open it; the file was left untouched.',
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      // user_version cannot take a bound parameter; the value is a checked integer from our own list.
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `Migration "${m.name}" has version ${m.version}; versions must be integers that strictly increase.`,
      );
    }
    previous = m.version;
  }
}

/** Problems SQLite finds in the file (empty = healthy). Cheap enough to run at every start. */
export function quickCheck(db: Database.Database): string[] {
  const problems = (db.pragma('quick_check') as { quick_check: string }[])
    .map((row) => row.quick_check)
    .filter((message) => message !== 'ok');
  const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
  for (const o of orphans) problems.push(`${o.table} row ${o.rowid} points at a missing ${o.parent} row`);
  return problems;
}
