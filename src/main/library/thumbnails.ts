import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from './atomic-write.ts';
import { shardedPath } from './file-store.ts';

/** Grid cells are about 190 CSS px, so 384 is sharp on 2x screens; previews fill a detail pane. */
export const thumbnailSizes = { thumb: 384, preview: 1280 } as const;
export type ThumbnailKind = keyof typeof thumbnailSizes;

const webpOptions = { quality: 80, effort: 2 } as const;

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
      // failOn 'error' refuses truncated or garbled data instead of rendering a half-grey picture.
      const image = sharp(original, { failOn: 'error' }).rotate();
      const encoded = await Promise.all(
        missing.map((kind) =>
          image
            .clone()
            .resize(thumbnailSizes[kind], thumbnailSizes[kind], { fit: 'inside', withoutEnlargement: true })
            .webp(webpOptions)
            .toBuffer(),
        ),
      );
      await Promise.all(
        missing.map((kind, i) => writeFileAtomic(pathFor(sha256, kind), encoded[i]!, { durable: false })),
      );
    },
  };
}
