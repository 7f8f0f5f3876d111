import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openDatabase } from '../database.ts';
import { createLibrary } from '../library.ts';

/** A real library on a temp folder; `cleanup` closes the database and removes the folder. */
export function makeTempLibrary(options: { now?: () => number } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-test-'));
  const db = openDatabase(path.join(dir, 'library.db'));
  const library = createLibrary({ db, dataDir: path.join(dir, 'data'), ...options });
  return {
    dir,
    db,
    library,
    cleanup() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small real image; `seed` changes the colour so each seed gives different bytes. */
export function makeImage(
  format: 'png' | 'jpeg' | 'webp',
  seed = 0,
  width = 64,
  height = 48,
): Promise<Buffer> {
  const background = { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 13 + 100) % 256 };
  const image = sharp({ create: { width, height, channels: 3, background } });
  return (format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg() : image.webp()).toBuffer();
}
