import { AppError } from '../../shared/rpc.ts';
import type { Library } from './library.ts';

export interface MediaResponse {
  path: string;
  contentType: string;
  cacheControl: string;
}

// An id or a hash never changes what it names, so the browser may keep the bytes for good.
const immutable = 'private, max-age=31536000, immutable';
const imageRoute = /^\/image\/([0-9A-HJKMNP-TV-Z]{26})\/(original|thumb|preview)$/;
const blobRoute = /^\/blob\/([0-9a-f]{64})$/;

/**
 * Maps a media URL path to a file we own. The grammar is strict on the raw path: no percent
 * escapes, dots or extra slashes can match, so traversal has nothing to work with, and the path on
 * disk always comes from the database, never from the URL. A query string is ignored.
 */
export async function resolveMediaRequest(
  library: Pick<Library, 'fileFor' | 'blobFileFor'>,
  urlPath: string,
): Promise<MediaResponse> {
  const pathname = urlPath.split('?', 1)[0]!;
  const image = imageRoute.exec(pathname);
  if (image) {
    const file = await library.fileFor(image[1]!, image[2] as 'original' | 'thumb' | 'preview');
    return { path: file.path, contentType: file.contentType, cacheControl: immutable };
  }
  const blob = blobRoute.exec(pathname);
  if (blob) {
    const file = await library.blobFileFor(blob[1]!);
    return { path: file.path, contentType: file.contentType, cacheControl: immutable };
  }
  throw new AppError('not_found', 'No such image.');
}
