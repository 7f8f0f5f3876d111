export const outputShapes = ['url', 'urls', 'base64', 'data-uri', 'nested'] as const;
export type OutputShape = (typeof outputShapes)[number];

export interface StoredImage {
  url: string;
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** Only the nested shape has a place for each image's own seed; the flat ones carry one seed per request. */
export function reportsSeedPerImage(shape: OutputShape): boolean {
  return shape === 'nested';
}

/** The `output` field in each of the shapes Segmind-hosted models are seen to use. */
export function shapeOutput(shape: OutputShape, images: StoredImage[], seeds: readonly number[]): unknown {
  const one = <T>(list: T[]): T | T[] => (list.length === 1 ? (list[0] as T) : list);
  switch (shape) {
    case 'url':
      return one(images.map((image) => image.url));
    case 'urls':
      return images.map((image) => image.url);
    case 'base64':
      return one(images.map((image) => image.bytes.toString('base64')));
    case 'data-uri':
      return one(images.map((image) => `data:${image.contentType};base64,${image.bytes.toString('base64')}`));
    case 'nested':
      return {
        images: images.map((image, i) => ({
          url: image.url,
          content_type: image.contentType,
          width: image.width,
          height: image.height,
          seed: seeds[i],
        })),
      };
  }
}
