import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { lowerImageThreadsPriority } from './thread-priority.ts';

/** Each thread of this process by name, with its nice value, from the kernel's own accounts. */
function threads(): { name: string; nice: number }[] {
  return fs.readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After the name, in parentheses and maybe holding spaces: the state is field 3, nice field 19.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return [{ name, nice: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]) }];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

const encode = () =>
  sharp({ create: { width: 512, height: 512, channels: 3, background: { r: 9, g: 80, b: 200 } } })
    .webp()
    .toBuffer();

describe.runIf(process.platform === 'linux')('image threads priority', () => {
  it('lowers the image pool threads, also ones started later, and leaves the others alone', async () => {
    await encode(); // starts libuv's pool and libvips's workers
    const others = threads().filter((t) => t.name !== 'libuv-worker' && t.name !== 'libvips worker');
    const stop = lowerImageThreadsPriority(20);
    try {
      // Work in flight while the sweeps run: any worker libvips starts for it is found too.
      await Promise.all(Array.from({ length: 8 }, encode));
      await new Promise((resolve) => setTimeout(resolve, 60));
      const pool = threads().filter((t) => t.name === 'libuv-worker' || t.name === 'libvips worker');
      expect(pool.length).toBeGreaterThan(0);
      expect(pool.every((t) => t.nice === 10)).toBe(true);
      const still = threads().filter((t) => others.some((o) => o.name === t.name));
      expect(still.map((t) => t.nice)).toEqual(still.map(() => others[0]!.nice));
    } finally {
      stop();
    }
  });
});
