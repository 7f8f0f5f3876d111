import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Library } from '../library/library.ts';

const shaName = /^[0-9a-f]{64}$/;

/**
 * Originals in the data folder that no row of this library knows: after a restored backup, the
 * images made since it; after a fresh start, all of them. Each is a file named by its content, and
 * the ones the studio made carry their recipe inside, so they can come back as they were.
 */
export function findOrphanOriginals(db: Database.Database, dataDir: string): string[] {
  const root = path.join(dataDir, 'images');
  const known = db.prepare<[string, string], number>(
    'SELECT EXISTS (SELECT 1 FROM images WHERE sha256 = ?) OR EXISTS (SELECT 1 FROM blobs WHERE sha256 = ?)',
  );
  const orphans: string[] = [];
  let shards: string[];
  try {
    shards = fs.readdirSync(root).filter((name) => /^[0-9a-f]{2}$/.test(name));
  } catch {
    return [];
  }
  for (const shard of shards) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(root, shard));
    } catch {
      continue;
    }
    for (const name of names) {
      if (shaName.test(name) && known.pluck().get(name, name) === 0) orphans.push(name);
    }
  }
  return orphans;
}

/**
 * Imports those originals, a few at a time (each is read whole to be checked and decoded). The
 * importer reads each one's embedded recipe, so a generated image returns with its prompt and seed.
 */
export async function adoptOrphanOriginals(
  db: Database.Database,
  library: Library,
  dataDir: string,
): Promise<{ added: number; refused: number }> {
  const root = path.join(dataDir, 'images');
  let added = 0;
  let refused = 0;
  const orphans = findOrphanOriginals(db, dataDir);
  for (let i = 0; i < orphans.length; i += 8) {
    const files = [];
    for (const sha of orphans.slice(i, i + 8)) {
      try {
        files.push({ name: sha, bytes: fs.readFileSync(path.join(root, sha.slice(0, 2), sha)) });
      } catch {
        refused++;
      }
    }
    const result = await library.importFiles(files);
    added += result.imported.length - result.duplicates;
    refused += result.refused.length;
  }
  return { added, refused };
}
