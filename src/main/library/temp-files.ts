import fs from 'node:fs/promises';
import path from 'node:path';

/** Older than any download can take: what is left this long is debris from a crash. */
const staleAfterMs = 6 * 60 * 60 * 1000;

/**
 * Clears downloads a crash left half-written. Only old ones: the desktop app and browser mode may
 * share a data folder, and the other may be writing a fresh one right now.
 */
export async function removeStaleTempFiles(dir: string, now: number): Promise<number> {
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
    if (stat && now - stat.mtimeMs > staleAfterMs) {
      await fs.rm(file, { force: true });
      removed++;
    }
  }
  return removed;
}
