import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryLimits } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

/** A real PNG whose header is rewritten to declare width x height, CRC fixed: a bomb's first bytes. */
function declaringSize(png: Buffer, width: number, height: number): Buffer {
  const bomb = Buffer.from(png);
  // Signature (8), IHDR length (4), 'IHDR' (4), then width and height.
  bomb.writeUInt32BE(width, 16);
  bomb.writeUInt32BE(height, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

describe('prepareImageFile', () => {
  it('makes both thumbnails from one decode, each the size asked for', async () => {
    const l = makeTempLibrary();
    libs.push(l);
    const prepared = await prepareOutput(l.library, await makeImage('jpeg', 7, 2000, 1500));
    const thumbs = path.join(l.dir, 'data', 'thumbnails', prepared.sha256.slice(0, 2));
    const sizeOf = async (kind: string) => {
      const { width, height, format } = await sharp(
        path.join(thumbs, `${prepared.sha256}-${kind}.webp`),
      ).metadata();
      return { width, height, format };
    };
    expect(await sizeOf('preview')).toEqual({ width: 1280, height: 960, format: 'webp' });
    expect(await sizeOf('thumb')).toEqual({ width: 384, height: 288, format: 'webp' });
  });

  it('refuses a decompression bomb as too large, from its header, and keeps nothing of it', async () => {
    const l = makeTempLibrary();
    libs.push(l);
    const bomb = declaringSize(await makeImage('png', 8, 64, 48), 30_000, 30_000);
    const error = await prepareOutput(l.library, bomb).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'too_large',
      message: `The image is 30000 x 30000 pixels (900 megapixels); the limit is ${libraryLimits.maxImagePixels / 1_000_000} megapixels.`,
    });
    const stored = fs.readdirSync(path.join(l.dir, 'data'), { recursive: true, withFileTypes: true });
    expect(stored.filter((entry) => entry.isFile() && !entry.name.endsWith('.part'))).toEqual([]);
    // The limit is the area, not a side: a long banner within it is accepted.
    const banner = await prepareOutput(l.library, await makeImage('png', 9, 12_000, 40));
    expect(banner).toMatchObject({ width: 12_000, height: 40 });
  });
});
