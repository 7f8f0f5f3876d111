import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Clears downloads a crash or a kill left half-written: every `.part` file older than this start.
 * This relies on the one-process-per-data-folder lock (taken before the library opens): no other
 * process can be writing a fresh one, and this one has not begun any yet.
 */
export async function removeTempFiles(dir: string, startedAt: number): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && stat.mtimeMs <= startedAt) {
      await fs.rm(file, { force: true }).catch(() => undefined);
      removed++;
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
