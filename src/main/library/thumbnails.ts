import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { libraryLimits } from '../../shared/api/library.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { shardedPath } from './file-store.ts';

/** Grid cells are about 190 CSS px, so 384 is sharp on 2x screens; previews fill a detail pane. */
export const thumbnailSizes = { thumb: 384, preview: 1280 } as const;
export type ThumbnailKind = keyof typeof thumbnailSizes;

const webpOptions = { quality: 80, effort: 2 } as const;

/** Refuses a decompression bomb before sharp allocates its pixels: see libraryLimits.maxImagePixels. */
export const decodeOptions = { failOn: 'error', limitInputPixels: libraryLimits.maxImagePixels } as const;

const fitInside = (size: number) =>
  ({ width: size, height: size, fit: 'inside', withoutEnlargement: true }) as const;

/**
 * The sizes asked for, in that order, from one decode: the image is decoded and shrunk to the
 * largest size once, and the smaller ones are resized from those pixels instead of decoding the
 * original again (sharp's clone() re-runs the whole pipeline, decode included). A 384 px thumbnail
 * from 1280 px pixels is indistinguishable from one taken from the original.
 */
async function encodeThumbnails(original: Uint8Array | string, kinds: ThumbnailKind[]): Promise<Buffer[]> {
  // failOn 'error' refuses truncated or garbled data instead of rendering a half-grey picture.
  const decoded = sharp(original, decodeOptions).rotate();
  if (kinds.length === 1) {
    return [await decoded.resize(fitInside(thumbnailSizes[kinds[0]!])).webp(webpOptions).toBuffer()];
  }
  const largest = Math.max(...kinds.map((kind) => thumbnailSizes[kind]));
  const { data, info } = await decoded.resize(fitInside(largest)).raw().toBuffer({ resolveWithObject: true });
  const pixels = { raw: { width: info.width, height: info.height, channels: info.channels } };
  return Promise.all(
    kinds.map((kind) =>
      sharp(data, pixels).resize(fitInside(thumbnailSizes[kind])).webp(webpOptions).toBuffer(),
    ),
  );
}

export interface Thumbnails {
  pathFor(sha256: string, kind: ThumbnailKind): string;
  /** Makes whichever of the two is missing; decodes the image fully, so a corrupt file throws here. */
  ensure(
    sha256: string,
    original: Uint8Array | string,
    options?: { force?: boolean; kinds?: readonly ThumbnailKind[] },
  ): Promise<void>;
}

export function createThumbnails(rootDir: string): Thumbnails {
  const pathFor = (sha256: string, kind: ThumbnailKind) =>
    shardedPath(path.resolve(rootDir), sha256, `-${kind}.webp`);

  async function exists(file: string): Promise<boolean> {
    return fs.stat(file).then(
      (stat) => stat.size > 0,
      () => false,
    );
  }

  return {
    pathFor,
    async ensure(sha256, original, options = {}) {
      const kinds = options.kinds ?? (Object.keys(thumbnailSizes) as ThumbnailKind[]);
      const missing: ThumbnailKind[] = [];
      for (const kind of kinds)
        if (options.force || !(await exists(pathFor(sha256, kind)))) missing.push(kind);
      if (missing.length === 0) return;
      const encoded = await encodeThumbnails(original, missing);
      await Promise.all(
        missing.map((kind, i) => writeFileAtomic(pathFor(sha256, kind), encoded[i]!, { durable: false })),
      );
    },
  };
}
