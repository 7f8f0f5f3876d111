import fs from 'node:fs';
import sharp from 'sharp';
import { openDatabase } from '../../library/database.ts';
import { createLibrary } from '../../library/library.ts';
import { mulberry32 } from '../../simulator/seeded-random.ts';
import { libraryFile } from './damaged-library.ts';

/** Noise does not compress: each image really takes its ~150 KB on a small disk. */
async function noisePng(random: () => number): Promise<Buffer> {
  const pixels = Buffer.from(Array.from({ length: 220 * 220 * 3 }, () => Math.floor(random() * 256)));
  return sharp(pixels, { raw: { width: 220, height: 220, channels: 3 } })
    .png()
    .toBuffer();
}

/** A library of `images` imported noise pictures, the first `trashed` of them in the trash. */
export async function seedNoiseLibrary(
  dataDir: string,
  options: { images: number; trashed: number; seed: number },
): Promise<{ ids: string[]; trashedIds: string[] }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = openDatabase(libraryFile(dataDir));
  try {
    const library = createLibrary({ db, dataDir });
    const random = mulberry32(options.seed);
    const files = [];
    for (let i = 0; i < options.images; i++)
      files.push({ name: `noise-${i}.png`, bytes: await noisePng(random) });
    const { imported } = await library.importFiles(files);
    const trashedIds = imported.slice(0, options.trashed);
    library.trash(trashedIds);
    await library.close();
    return { ids: imported, trashedIds };
  } finally {
    db.close();
  }
}
