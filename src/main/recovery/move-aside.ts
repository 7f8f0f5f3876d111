import fs from 'node:fs';
import path from 'node:path';

/** A time for file names: sortable, no characters Windows refuses (2026-12-01T09-30-00Z). */
export function fileStamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * The name a damaged file is kept under: `library.sqlite3` -> `library.damaged-<time>.sqlite3`, the
 * extension kept so the file still opens with whatever opens its kind. A clash (twice in one second)
 * gets a counter rather than overwriting what was set aside before.
 */
export function asideName(file: string, now: number, label = 'damaged'): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const dot = base.indexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const ext = dot > 0 ? base.slice(dot) : '';
  for (let n = 1; ; n++) {
    const candidate = path.join(dir, `${stem}.${label}-${fileStamp(now)}${n > 1 ? `-${n}` : ''}${ext}`);
    if (!fs.existsSync(candidate) && !fs.existsSync(`${candidate}-wal`)) return candidate;
  }
}

/**
 * Moves a file (or whatever stands at its path) aside, with its SQLite companions (-wal, -shm,
 * -journal) under the same new name so the set still opens together. Returns the new path, or null
 * when nothing was there. A rename never copies, so it works on a full disk too.
 */
export function moveAside(file: string, now: number, label = 'damaged'): string | null {
  if (!fs.existsSync(file)) return null;
  const target = asideName(file, now, label);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  fs.renameSync(file, target);
  return target;
}
