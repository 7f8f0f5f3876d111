import {
  imageMimeTypes,
  inlineImageBytes,
  MAX_IMAGE_BYTES,
  sha256FromLocalRef,
  toImageDataUri,
} from '../../shared/models/image-ref.ts';
import { getModel, imageParamsOf, type ModelId, type ModelParams } from '../../shared/models/index.ts';
import { segmindError } from './errors.ts';
import { sniffImageType } from './output-normalizer.ts';

export type ResolveLocalImage = (sha256: string) => Promise<{ bytes: Buffer; mime: string }>;

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
  model: ModelId,
  params: ModelParams,
  resolve: ResolveLocalImage | undefined,
  signal: AbortSignal | undefined,
): Promise<ModelParams> {
  const out: ModelParams = { ...params };
  for (const { name: key, kind } of imageParamsOf(getModel(model))) {
    const value = out[key];
    if (typeof value === 'string') out[key] = await toDataUri(value, key, resolve);
    if (Array.isArray(value)) {
      const list = await Promise.all(value.map((ref, i) => toDataUri(String(ref), `${key}.${i}`, resolve)));
      // A list (the style references) shares one 10 MB allowance.
      if (kind === 'list' && list.reduce((sum, ref) => sum + inlineImageBytes(ref), 0) > MAX_IMAGE_BYTES) {
        throw segmindError('bad_request', `${key}: must be at most 10 MB in total`, { field: key });
      }
      out[key] = list;
    }
    if (signal?.aborted) throw segmindError('aborted');
  }
  return out;
}
