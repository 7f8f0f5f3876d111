import {
  imageMimeTypes,
  inlineImageBytes,
  MAX_IMAGE_BYTES,
  sha256FromLocalRef,
  toImageDataUri,
} from '../../shared/models/image-ref.ts';
import type { ModelParams } from '../../shared/models/index.ts';
import { segmindError } from './errors.ts';
import { sniffImageType } from './output-normalizer.ts';

export type ResolveLocalImage = (sha256: string) => Promise<{ bytes: Buffer; mime: string }>;

/** Keys whose values are image references (a string or a list of them). */
const imageParams = ['image', 'style_reference_images'];

async function toDataUri(
  ref: string,
  field: string,
  resolve: ResolveLocalImage | undefined,
): Promise<string> {
  const sha = sha256FromLocalRef(ref);
  if (sha === null) return ref;
  if (!resolve) throw segmindError('bad_request', `${field}: local images cannot be read here`, { field });
  let image: { bytes: Buffer; mime: string };
  try {
    image = await resolve(sha);
  } catch (cause) {
    throw segmindError(
      'bad_request',
      `${field}: the local image ${sha.slice(0, 12)}… is not in the library`,
      {
        field,
        cause,
      },
    );
  }
  const mime = sniffImageType(image.bytes) ?? image.mime;
  if (!(imageMimeTypes as readonly string[]).includes(mime)) {
    throw segmindError('bad_request', `${field}: must be a JPEG, PNG or WebP image`, { field });
  }
  if (image.bytes.length > MAX_IMAGE_BYTES) {
    throw segmindError('bad_request', `${field}: must be an image of at most 10 MB`, { field });
  }
  return toImageDataUri(mime, image.bytes.toString('base64'));
}

/** Local references become data URIs, checked against Ideogram's size rules once their size is known. */
export async function resolveLocalRefs(
  params: ModelParams,
  resolve: ResolveLocalImage | undefined,
  signal: AbortSignal | undefined,
): Promise<ModelParams> {
  const out: ModelParams = { ...params };
  for (const key of imageParams) {
    const value = out[key];
    if (typeof value === 'string') out[key] = await toDataUri(value, key, resolve);
    if (Array.isArray(value)) {
      out[key] = await Promise.all(value.map((ref, i) => toDataUri(String(ref), `${key}.${i}`, resolve)));
    }
    if (signal?.aborted) throw segmindError('aborted');
  }
  const refs = out.style_reference_images;
  if (
    Array.isArray(refs) &&
    refs.reduce((sum: number, ref) => sum + inlineImageBytes(String(ref)), 0) > MAX_IMAGE_BYTES
  ) {
    throw segmindError('bad_request', 'style_reference_images: must be at most 10 MB in total', {
      field: 'style_reference_images',
    });
  }
  return out;
}
