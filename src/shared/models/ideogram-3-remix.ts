import { z } from 'zod';
import type { FieldMeta, ModelSpec } from './model-spec.ts';
import { imageRefSchema, inlineImageBytes, MAX_IMAGE_BYTES } from './image-ref.ts';
import {
  checkAspectXorResolution,
  intRange,
  v3ExpectedSeconds,
  v3Fields,
  v3OutputSize,
  v3Shape,
  withDefaultResolution,
} from './ideogram-v3-params.ts';

const NEGATIVE_DEFAULT = 'No people, no buildings';

const schema = z
  .strictObject({
    ...v3Shape(),
    image: imageRefSchema,
    image_weight: intRange(1, 100).default(50),
    negative_prompt: z.string({ error: 'must be text' }).default(NEGATIVE_DEFAULT),
    style_reference_images: z.array(imageRefSchema, { error: 'must be a list of images' }).default([]),
  })
  .superRefine((value, ctx) => {
    checkAspectXorResolution(value, ctx);
    // Local references are measured by the client when it reads them from the store.
    const inline = value.style_reference_images.reduce((sum, ref) => sum + inlineImageBytes(ref), 0);
    if (inline > MAX_IMAGE_BYTES) {
      ctx.addIssue({
        code: 'custom',
        path: ['style_reference_images'],
        message: 'must be at most 10 MB in total',
      });
    }
  });

const sourceFields: FieldMeta[] = [
  {
    name: 'image',
    label: 'Source image',
    help: 'The image to remix: a URL, or a JPEG, PNG or WebP file of up to 10 MB.',
    group: 'Source',
    widget: 'image',
    required: true,
  },
  {
    name: 'image_weight',
    label: 'Image weight',
    help: 'How strongly the source shapes the result: high keeps it close, low lets the prompt lead.',
    group: 'Source',
    widget: 'slider',
    required: false,
    default: 50,
    min: 1,
    max: 100,
    step: 1,
  },
  {
    name: 'style_reference_images',
    label: 'Style references',
    help: 'Images whose look should carry over; JPEG, PNG or WebP, 10 MB in total.',
    group: 'Style',
    widget: 'images',
    required: false,
    default: [],
  },
];

const [prompt, ...rest] = v3Fields(NEGATIVE_DEFAULT);

export const ideogram3Remix: ModelSpec = {
  id: 'ideogram-3-remix',
  slug: 'ideogram-3-remix',
  label: 'Ideogram 3 Remix',
  tagline: 'Transform an image you have, guided by a prompt and style.',
  kind: 'image-to-image',
  schema,
  fields: [...sourceFields.slice(0, 2), ...(prompt ? [prompt] : []), ...rest, sourceFields[2] as FieldMeta],
  finalize: withDefaultResolution,
  // ~10.54 s on the model page at DEFAULT speed.
  expectedSeconds: (params) => v3ExpectedSeconds(10.54, params),
  imageCount: () => 1,
  outputSize: v3OutputSize,
};
