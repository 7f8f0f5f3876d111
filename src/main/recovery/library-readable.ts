import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ReadablePart } from '../../shared/api/recovery.ts';

/** The library's tables a user would recognise, in the order the recovery screen lists them. */
const parts: { table: string; label: string }[] = [
  { table: 'images', label: 'Images' },
  { table: 'jobs', label: 'Jobs' },
  { table: 'collections', label: 'Collections' },
  { table: 'tags', label: 'Tags' },
  { table: 'blobs', label: 'Remix sources' },
];

/**
 * What of a damaged library can still be read, table by table. Run only on the recovery screen: it
 * reads every page. A table that fails to scan whole is counted around its damage (see
 * countAroundDamage); its `damaged` flag comes from SQLite's own check of it.
 */
export function readableParts(file: string): ReadablePart[] {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch {
    return [];
  }
  try {
    const tables = new Set(
      db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(),
    );
    const withoutRowid = new Set(
      (db.pragma('table_list') as { name: string; wr: number }[]).filter((t) => t.wr).map((t) => t.name),
    );
    return parts
      .filter((p) => tables.has(p.table))
      .map((p) => readPart(db, p.table, p.label, withoutRowid.has(p.table)));
  } catch {
    return [];
  } finally {
    db.close();
  }
}

// Table names below come from the fixed list above, never from the file: quoting is not enough
// protection against a name a damaged schema could hold.
function readPart(db: Database.Database, table: string, label: string, withoutRowid: boolean): ReadablePart {
  const damaged = !tableChecksOut(db, table);
  try {
    const rows = db.prepare<[], number>(`SELECT count(*) FROM ${table} NOT INDEXED`).pluck().get()!;
    return { label, rows, damaged };
  } catch {
    // A WITHOUT ROWID table has no rowid ranges to count by.
    return { label, rows: withoutRowid ? null : countAroundDamage(db, table), damaged: true };
  }
}

function tableChecksOut(db: Database.Database, table: string): boolean {
  try {
    const result = db.pragma(`quick_check(${table})`) as { quick_check: string }[];
    return result.length === 1 && result[0]!.quick_check === 'ok';
  } catch {
    return false;
  }
}

const identifier = /^[a-z_][a-z0-9_]*$/;

/**
 * Counts the rows that read back when a whole scan does not. The rowids come from one of the
 * table's indexes (an index holds every rowid, on pages of its own, so the table's damage does not
 * reach it); the table is then read in runs of rowids, and a run that fails is read row by row, so
 * only the rows on damaged pages are missed. Without a readable index, nothing can be counted.
 */
function countAroundDamage(db: Database.Database, table: string): number | null {
  const rowids = rowidsFromAnIndex(db, table);
  if (rowids === null) return null;
  const run = db
    .prepare<[number, number], number>(
      `SELECT count(*) FROM ${table} NOT INDEXED WHERE rowid BETWEEN ? AND ?`,
    )
    .pluck();
  const one = db.prepare<[number], number>(`SELECT 1 FROM ${table} NOT INDEXED WHERE rowid = ?`).pluck();
  let rows = 0;
  for (let i = 0; i < rowids.length; i += 64) {
    const chunk = rowids.slice(i, i + 64);
    try {
      rows += run.get(chunk[0]!, chunk.at(-1)!)!;
      continue;
    } catch {
      // This run crosses the damage: row by row below.
    }
    for (const rowid of chunk) {
      try {
        if (one.get(rowid) === 1) rows++;
      } catch {
        // On a damaged page: not readable.
      }
    }
  }
  return rows;
}

function rowidsFromAnIndex(db: Database.Database, table: string): number[] | null {
  let indexes: string[];
  try {
    indexes = (db.pragma(`index_list(${table})`) as { name: string; partial: number }[])
      .filter((index) => !index.partial && identifier.test(index.name))
      .map((index) => index.name);
  } catch {
    return null;
  }
  for (const index of indexes) {
    try {
      // Names from the file, passed only when they are plain identifiers (checked above).
      return db
        .prepare<[], number>(`SELECT rowid FROM ${table} INDEXED BY ${index} ORDER BY rowid`)
        .pluck()
        .all();
    } catch {
      // This index is damaged too: try the next.
    }
  }
  return null;
}

/** Original image files in the data folder: they are named by content and outlive any database. */
export function countOriginals(dataDir: string): number {
  const root = path.join(dataDir, 'images');
  let count = 0;
  let shards: fs.Dirent[];
  try {
    shards = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const shard of shards) {
    if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
    try {
      count += fs.readdirSync(path.join(root, shard.name)).filter((n) => /^[0-9a-f]{64}$/.test(n)).length;
    } catch {
      // An unreadable shard: its files are not counted, the rest are.
    }
  }
  return count;
}
