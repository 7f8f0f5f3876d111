import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { openDatabase } from '../database.ts';
import { sha256Of } from '../file-store.ts';
import { createLibrary, type Library } from '../library.ts';
import type { PreparedImage } from '../prepare-image.ts';
import type { ThumbnailKind } from '../thumbnails.ts';

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
      void library.close();
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

/** A job output the way the engine hands it over: a finished download on disk, prepared from there. */
export async function prepareOutput(
  library: Library,
  bytes: Uint8Array,
  thumbnails?: readonly ThumbnailKind[],
): Promise<PreparedImage> {
  const file = await library.tempFile('test-output');
  fs.writeFileSync(file, bytes);
  return library.prepareImageFile(file, { sha256: sha256Of(bytes), thumbnails });
}
