import { z } from 'zod';
import { intRange } from './common-params.ts';
import { formFieldsOf } from './form-fields.ts';
import { imageCountOf } from './param-roles.ts';
import type { ModelSpec } from './model-spec.ts';
import { imageRefSchema, inlineImageBytes, MAX_IMAGE_BYTES } from './image-ref.ts';
import {
  checkAspectXorResolution,
  v3ExpectedSeconds,
  v3OutputSize,
  v3PromptShape,
  v3StyleShape,
  withDefaultResolution,
} from './ideogram-v3-params.ts';

// Keys in display order: the source first, then what ideogram-3 has, style references last.
const schema = z
  .strictObject({
    image: imageRefSchema.meta({
      title: 'Source image',
      description: 'The image to remix: a URL, or a JPEG, PNG or WebP file of up to 10 MB.',
      group: 'Source',
      widget: 'image',
      image: 'one',
    }),
    image_weight: intRange(1, 100).default(50).meta({
      title: 'Image weight',
      description:
        'How strongly the source shapes the result: high keeps it close, low lets the prompt lead.',
      group: 'Source',
      widget: 'slider',
      step: 1,
    }),
    ...v3PromptShape(),
    ...v3StyleShape(),
    style_reference_images: z.array(imageRefSchema, { error: 'must be a list of images' }).default([]).meta({
      title: 'Style references',
      description: 'Images whose look should carry over; JPEG, PNG or WebP, 10 MB in total.',
      group: 'Style',
      widget: 'images',
      image: 'list',
    }),
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

export const ideogram3Remix: ModelSpec = {
  id: 'ideogram-3-remix',
  slug: 'ideogram-3-remix',
  label: 'Ideogram 3 Remix',
  tagline: 'Transform an image you have, guided by a prompt and style.',
  kind: 'image-to-image',
  schema,
  fields: formFieldsOf(schema),
  finalize: withDefaultResolution,
  // ~10.54 s on the model page at DEFAULT speed.
  expectedSeconds: (params) => v3ExpectedSeconds(10.54, params),
  imageCount: (params) => imageCountOf(ideogram3Remix, params),
  outputSize: v3OutputSize,
};
