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
    return parts.filter((p) => tables.has(p.table)).map((p) => readPart(db, p.table, p.label));
  } catch {
    return [];
  } finally {
    db.close();
  }
}

// Table names below come from the fixed list above, never from the file: quoting is not enough
// protection against a name a damaged schema could hold.
function readPart(db: Database.Database, table: string, label: string): ReadablePart {
  const damaged = !tableChecksOut(db, table);
  try {
    const rows = db.prepare<[], number>(`SELECT count(*) FROM ${table} NOT INDEXED`).pluck().get()!;
    return { label, rows, damaged };
  } catch {
    return { label, rows: countAroundDamage(db, table), damaged: true };
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

/**
 * Counts by rowid range, halving each range that fails to read: the rows on either side of a damaged
 * page are still counted, only that page's are lost. A damaged interior page fails every range
 * beneath it, so the halving has a budget of queries rather than running on to single rowids.
 */
function countAroundDamage(db: Database.Database, table: string): number | null {
  let bounds: { lo: number | null; hi: number | null } | undefined;
  try {
    bounds = db
      .prepare<[], { lo: number | null; hi: number | null }>(
        `SELECT min(rowid) AS lo, max(rowid) AS hi FROM ${table}`,
      )
      .get();
  } catch {
    return null;
  }
  if (!bounds || bounds.lo === null || bounds.hi === null) return null;
  const count = db
    .prepare<[number, number], number>(
      `SELECT count(*) FROM ${table} NOT INDEXED WHERE rowid >= ? AND rowid < ?`,
    )
    .pluck();
  let budget = 4000;
  const countRange = (lo: number, hi: number): number | null => {
    if (budget-- <= 0) return null;
    try {
      return count.get(lo, hi)!;
    } catch {
      if (hi - lo <= 1) return null;
      const mid = lo + Math.floor((hi - lo) / 2);
      const left = countRange(lo, mid);
      const right = countRange(mid, hi);
      return left === null && right === null ? null : (left ?? 0) + (right ?? 0);
    }
  };
  return countRange(bounds.lo, bounds.hi + 1);
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
