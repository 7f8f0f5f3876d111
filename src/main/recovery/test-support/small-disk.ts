import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes filler until the disk refuses more; returns the filler's files. */
  fill(): string[];
  /** Removes the filler: the user freed space. */
  unfill(): void;
  unmount(): void;
}

/**
 * A real, small file system (tmpfs) for full-disk tests: SQLite and Node see a true ENOSPC, not a
 * mock. Mounting needs root (CI runs as root); elsewhere this returns the reason and tests skip.
 */
export function mountSmallDisk(megabytes: number): SmallDisk | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `cannot mount a tmpfs here (${((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim()})`;
  }
  const filler = path.join(dir, 'filler');
  const written: string[] = [];
  return {
    dir,
    fill() {
      fs.mkdirSync(filler, { recursive: true });
      // Big blocks first, then small ones for the last few kilobytes.
      for (const size of [1024 * 1024, 64 * 1024, 4096, 512]) {
        try {
          for (;;) {
            const file = path.join(filler, `${written.length}`);
            written.push(file);
            fs.writeFileSync(file, Buffer.alloc(size, 1));
          }
        } catch {
          // This size no longer fits: try the next smaller one.
        }
      }
      return written;
    },
    unfill() {
      fs.rmSync(filler, { recursive: true, force: true });
      written.length = 0;
    },
    unmount() {
      try {
        // Lazy: a reader thread still closing its file must not leave the mount behind.
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
