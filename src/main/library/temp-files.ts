import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Clears downloads a crash or a kill left half-written: every `.part` file older than this start.
 * This relies on the one-process-per-data-folder lock (taken before the library opens): no other
 * process can be writing a fresh one, and this one has not begun any yet. Synchronous on purpose:
 * the folder holds a handful of files, and done before the first download starts, no later kill
 * can pile debris on top of debris.
 */
export function removeTempFiles(dir: string, startedAt: number): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    try {
      if (statSync(file).mtimeMs > startedAt) continue;
      rmSync(file, { force: true });
      removed++;
    } catch {
      // Gone already, or not ours to remove: the next start tries again.
    }
  }
  return removed;
}

/** Big enough to fail where a disk is nearly full, small enough to cost nothing every minute. */
const PROBE_BYTES = 64 * 1024;

/**
 * Throws the disk's error (ENOSPC, EACCES, EROFS...) if a small durable write to `dir` fails: the
 * job queue's check that a full or read-only data folder can take files again.
 */
export async function checkWritable(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  // A `.part` name, so a crash in between leaves debris the next start clears.
  const file = path.join(dir, `write-check-${randomBytes(6).toString('hex')}.part`);
  try {
    const handle = await fs.open(file, 'wx');
    try {
      await handle.writeFile(Buffer.alloc(PROBE_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
  } finally {
    await fs.rm(file, { force: true });
  }
}
