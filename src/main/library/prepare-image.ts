import fs from 'node:fs/promises';
import sharp from 'sharp';
import { libraryLimits, type ImageFormat } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { extractRecipe, type EmbeddedRecipe } from './embedded-recipe.ts';
import { type FileStore, sha256Of } from './file-store.ts';
import { mimeOf, sniffFormat } from './image-format.ts';
import type { ThumbnailKind, Thumbnails } from './thumbnails.ts';

/** An image checked, stored and thumbnailed, ready to become a row (or to stay a remix source). */
export interface PreparedImage {
  sha256: string;
  format: ImageFormat;
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  bytes: number;
  /** As displayed, i.e. after the EXIF orientation is applied. */
  width: number;
  height: number;
  /** Our own recipe if the file carries one (an image exported by this app). */
  embedded: EmbeddedRecipe | null;
}

const refusedFormat = 'Only PNG, JPEG and WebP images can be added; this file is something else.';

/**
 * Size, magic bytes and header: cheap checks before the full decode. `source` is the image itself or
 * its path on disk; `head` is at least its first 16 bytes.
 */
async function probeImage(source: Uint8Array | string, head: Uint8Array, size: number, maxBytes: number) {
  if (size === 0) throw new AppError('unsupported_file', 'The file is empty.');
  if (size > maxBytes) {
    throw new AppError('too_large', `The file is ${mb(size)}; the limit is ${mb(maxBytes)}.`);
  }
  const format = sniffFormat(head);
  if (!format) throw new AppError('unsupported_file', refusedFormat);
  // Header only, no pixels: sharp's own pixel limit is lifted here so ours can name the size.
  const metadata = await sharp(source, { limitInputPixels: false })
    .metadata()
    .catch(() => {
      throw new AppError(
        'unsupported_file',
        `The ${format.toUpperCase()} file is damaged and cannot be read.`,
      );
    });
  const shown = metadata.autoOrient ?? metadata;
  if (!shown.width || !shown.height) {
    throw new AppError('unsupported_file', `The ${format.toUpperCase()} file has no readable size.`);
  }
  // Read from the header, before any pixel is decoded: a decompression bomb is too large, not damaged.
  if (shown.width * shown.height > libraryLimits.maxImagePixels)
    throw tooManyPixels(shown.width, shown.height);
  return { format, width: shown.width, height: shown.height };
}

/** The full decode, done by making the thumbnails: damaged pixel data is refused here. */
async function decodeIntoThumbnails(
  thumbnails: Thumbnails,
  sha256: string,
  source: Uint8Array | string,
  format: ImageFormat,
  kinds: readonly ThumbnailKind[] | undefined,
): Promise<void> {
  try {
    await thumbnails.ensure(sha256, source, { kinds });
  } catch (error) {
    if (isSystemError(error)) throw error;
    // A header that understated its size (or a frame larger than it said) trips sharp's own limit.
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw tooManyPixels();
    throw new AppError(
      'unsupported_file',
      `The ${format.toUpperCase()} file is damaged: its pixels cannot be decoded.`,
    );
  }
}

export async function prepareImage(
  deps: { store: FileStore; thumbnails: Thumbnails },
  bytes: Uint8Array,
  maxBytes: number = libraryLimits.maxImageBytes,
  knownSha256?: string,
  thumbnailKinds?: readonly ThumbnailKind[],
): Promise<PreparedImage> {
  const { format, width, height } = await probeImage(bytes, bytes, bytes.byteLength, maxBytes);
  const sha256 = knownSha256 ?? sha256Of(bytes);
  await decodeIntoThumbnails(deps.thumbnails, sha256, bytes, format, thumbnailKinds);
  await deps.store.put(bytes, sha256);
  return {
    sha256,
    format,
    mime: mimeOf[format],
    bytes: bytes.byteLength,
    width,
    height,
    embedded: extractRecipe(bytes, format),
  };
}

/**
 * The same checks for a file already on disk (a streamed download): read from the file, never held
 * whole in memory, then renamed into the store. Segmind's outputs carry no recipe of ours to read back.
 */
export async function prepareImageFile(
  deps: { store: FileStore; thumbnails: Thumbnails },
  file: string,
  sha256: string,
  maxBytes: number,
  thumbnailKinds?: readonly ThumbnailKind[],
): Promise<PreparedImage> {
  const size = (await fs.stat(file)).size;
  const head = Buffer.alloc(16);
  const handle = await fs.open(file, 'r');
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const { format, width, height } = await probeImage(file, head, size, maxBytes);
  await decodeIntoThumbnails(deps.thumbnails, sha256, file, format, thumbnailKinds);
  await deps.store.adopt(file, sha256);
  return { sha256, format, mime: mimeOf[format], bytes: size, width, height, embedded: null };
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

function tooManyPixels(width?: number, height?: number): AppError {
  const limit = `the limit is ${libraryLimits.maxImagePixels / 1_000_000} megapixels`;
  return new AppError(
    'too_large',
    width && height
      ? `The image is ${width} x ${height} pixels (${Math.round((width * height) / 1_000_000)} megapixels); ${limit}.`
      : `The image has more pixels than it declared; ${limit}.`,
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
