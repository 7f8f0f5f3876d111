import { z } from 'zod';
import type { ImageSize, ModelSpec } from './model-spec.ts';
import { enumOf, intRange } from './ideogram-v3-params.ts';

export const imageSizes = [
  'square_hd',
  'square',
  'portrait_4_3',
  'portrait_16_9',
  'landscape_4_3',
  'landscape_16_9',
] as const;
export const v4RenderingSpeeds = ['TURBO', 'BALANCED', 'QUALITY'] as const;
export const outputFormats = ['jpeg', 'png'] as const;

/**
 * The page says "2K posters" but gives no pixel sizes; these keep the long side at 2048 (square at
 * 1024 for the non-HD preset) so the simulator and the library see 2K-class images.
 */
const pixelSizes: Record<(typeof imageSizes)[number], ImageSize> = {
  square_hd: { width: 2048, height: 2048 },
  square: { width: 1024, height: 1024 },
  portrait_4_3: { width: 1536, height: 2048 },
  portrait_16_9: { width: 1152, height: 2048 },
  landscape_4_3: { width: 2048, height: 1536 },
  landscape_16_9: { width: 2048, height: 1152 },
};

const schema = z.strictObject({
  prompt: z.string({ error: 'is required and must be text' }).trim().min(1, { error: 'is required' }),
  enable_prompt_expansion: z.boolean({ error: 'must be true or false' }).default(true),
  enable_safety_checker: z.boolean({ error: 'must be true or false' }).default(true),
  image_size: enumOf(imageSizes).default('square_hd'),
  num_images: intRange(1, 8).default(1),
  output_format: enumOf(outputFormats).default('jpeg'),
  rendering_speed: enumOf(v4RenderingSpeeds).default('QUALITY'),
  seed: intRange(100, 999999, -1).default(123456),
});

const speedFactor: Record<string, number> = { TURBO: 0.45, BALANCED: 0.7, QUALITY: 1 };
const titleCase = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

export const ideogram4: ModelSpec = {
  id: 'ideogram-4',
  slug: 'ideogram-4',
  label: 'Ideogram 4.0',
  tagline: '2K posters and logos with accurate text rendering.',
  kind: 'text-to-image',
  schema,
  fields: [
    {
      name: 'prompt',
      label: 'Prompt',
      help: 'Describe the design; put the exact text that must appear in the image in quotes.',
      group: 'Prompt',
      widget: 'textarea',
      required: true,
      placeholder: 'A travel poster with the title "TOKYO"',
    },
    {
      name: 'enable_prompt_expansion',
      label: 'Expand prompt',
      help: 'Lets a language model enrich the prompt. Turn off when quoted text must stay exactly as typed.',
      group: 'Prompt',
      widget: 'switch',
      required: false,
      default: true,
    },
    {
      name: 'image_size',
      label: 'Image size',
      help: 'Shape of the 2K image: portrait for posters, landscape for banners.',
      group: 'Size',
      widget: 'select',
      required: false,
      default: 'square_hd',
      options: imageSizes.map((value) => {
        const { width, height } = pixelSizes[value];
        return { value, label: `${value.replaceAll('_', ' ')} (${width} × ${height})` };
      }),
    },
    {
      name: 'num_images',
      label: 'Number of images',
      help: 'Variations made by one request, 1 to 8.',
      group: 'Output',
      widget: 'number',
      required: false,
      default: 1,
      min: 1,
      max: 8,
      step: 1,
    },
    {
      name: 'output_format',
      label: 'Format',
      help: 'JPEG for smaller files, PNG for crisp text edges.',
      group: 'Output',
      widget: 'segmented',
      required: false,
      default: 'jpeg',
      options: outputFormats.map((value) => ({ value, label: value.toUpperCase() })),
    },
    {
      name: 'rendering_speed',
      label: 'Rendering speed',
      help: 'QUALITY for text-heavy design, TURBO for fast, cheap drafts.',
      group: 'Style',
      widget: 'segmented',
      required: false,
      default: 'QUALITY',
      options: v4RenderingSpeeds.map((value) => ({ value, label: titleCase(value) })),
    },
    {
      name: 'enable_safety_checker',
      label: 'Safety checker',
      help: 'Filters unsafe content from the outputs. Keep it on for anything public.',
      group: 'Advanced',
      widget: 'switch',
      required: false,
      default: true,
    },
    {
      name: 'seed',
      label: 'Seed',
      help: 'Fix a value (100 to 999999) to reproduce an image; -1 picks a random one.',
      group: 'Advanced',
      widget: 'seed',
      required: false,
      default: 123456,
      min: -1,
      max: 999999,
      step: 1,
    },
  ],
  // ~16.94 s on the model page at QUALITY; each extra image adds a share of that (an estimate).
  expectedSeconds: (params) =>
    16.94 *
    (speedFactor[String(params.rendering_speed)] ?? 1) *
    (1 + 0.2 * (Number(params.num_images ?? 1) - 1)),
  imageCount: (params) => Number(params.num_images ?? 1),
  outputSize: (params) =>
    pixelSizes[params.image_size as (typeof imageSizes)[number]] ?? pixelSizes.square_hd,
};
