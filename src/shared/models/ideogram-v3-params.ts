import { z } from 'zod';
import {
  enumOf,
  labelsFor,
  negativePromptSchema,
  promptSchema,
  seedRule,
  seedSchema,
  titleCase,
} from './common-params.ts';
import type { ImageSize, ModelParams } from './model-spec.ts';

/** The parameters ideogram-3 and ideogram-3-remix share, with Ideogram's full enums. */

export const resolutions = [
  '512x1536',
  '576x1408',
  '576x1472',
  '576x1536',
  '640x1344',
  '640x1408',
  '640x1472',
  '640x1536',
  '704x1152',
  '704x1216',
  '704x1280',
  '704x1344',
  '704x1408',
  '704x1472',
  '736x1312',
  '768x1088',
  '768x1216',
  '768x1280',
  '768x1344',
  '800x1280',
  '832x960',
  '832x1024',
  '832x1088',
  '832x1152',
  '832x1216',
  '832x1248',
  '864x1152',
  '896x960',
  '896x1024',
  '896x1088',
  '896x1120',
  '896x1152',
  '960x832',
  '960x896',
  '960x1024',
  '960x1088',
  '1024x832',
  '1024x896',
  '1024x960',
  '1024x1024',
  '1088x768',
  '1088x832',
  '1088x896',
  '1088x960',
  '1120x896',
  '1152x704',
  '1152x832',
  '1152x864',
  '1152x896',
  '1216x704',
  '1216x768',
  '1216x832',
  '1248x832',
  '1280x704',
  '1280x768',
  '1280x800',
  '1312x736',
  '1344x640',
  '1344x704',
  '1344x768',
  '1408x576',
  '1408x640',
  '1408x704',
  '1472x576',
  '1472x640',
  '1472x704',
  '1536x512',
  '1536x576',
  '1536x640',
] as const;

export const DEFAULT_RESOLUTION = '1024x1024';

/** Each ratio maps to the ~1 MP resolution Ideogram renders it at; every value is in `resolutions`. */
export const aspectRatioSizes = {
  '1x3': '512x1536',
  '3x1': '1536x512',
  '1x2': '704x1408',
  '2x1': '1408x704',
  '9x16': '736x1312',
  '16x9': '1312x736',
  '10x16': '800x1280',
  '16x10': '1280x800',
  '2x3': '832x1248',
  '3x2': '1248x832',
  '3x4': '864x1152',
  '4x3': '1152x864',
  '4x5': '896x1120',
  '5x4': '1120x896',
  '1x1': '1024x1024',
} as const satisfies Record<string, (typeof resolutions)[number]>;

export const aspectRatios = Object.keys(aspectRatioSizes) as (keyof typeof aspectRatioSizes)[];

export const palettePresets = [
  'EMBER',
  'FRESH',
  'JUNGLE',
  'MAGIC',
  'MELON',
  'MOSAIC',
  'PASTEL',
  'ULTRAMARINE',
] as const;
export const magicPromptValues = ['AUTO', 'ON', 'OFF'] as const;
export const v3RenderingSpeeds = ['TURBO', 'DEFAULT', 'QUALITY'] as const;
export const styleTypes = ['AUTO', 'GENERAL', 'REALISTIC', 'DESIGN'] as const;

/** Custom palette weights: Ideogram reads them best in descending order. */
export const colorWeightRange = { min: 0.05, max: 1, step: 0.05 } as const;
const weightMessage = `must be a number from ${colorWeightRange.min} to 1.0`;

const paletteMember = z.strictObject({
  color_hex: z.string({ error: 'must be a hex colour like #FF8800' }).regex(/^#[0-9A-Fa-f]{6}$/, {
    error: 'must be a hex colour like #FF8800',
  }),
  color_weight: z
    .number({ error: weightMessage })
    .min(colorWeightRange.min, { error: weightMessage })
    .max(colorWeightRange.max, { error: weightMessage })
    .optional(),
});

/** A preset name or a list of members, never both: Ideogram refuses a palette with both. */
export const colorPaletteSchema = z
  .strictObject(
    {
      name: enumOf(palettePresets).optional(),
      members: z
        .array(paletteMember, { error: 'must be a list of {color_hex, color_weight}' })
        .min(1, { error: 'must list at least one colour' })
        .max(16, { error: 'must list at most 16 colours' })
        .optional(),
    },
    { error: 'must be {name} with a preset or {members: [{color_hex, color_weight}]}' },
  )
  .superRefine((value, ctx) => {
    if ((value.name === undefined) === (value.members === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must have either a preset name or members, not both' });
    }
  });

export const styleCodesSchema = z
  .array(z.string().regex(/^[0-9A-Fa-f]{8}$/, { error: 'must be 8 hexadecimal characters' }), {
    error: 'must be a list of 8-character hexadecimal codes',
  })
  .default([]);

/**
 * The prompt fields both v3 models start with. Only the main prompt box is labelled "Prompt" (tests and
 * screen-reader users find it by that name), so the others are named without the word.
 */
export function v3PromptShape() {
  return {
    prompt: promptSchema().meta({
      title: 'Prompt',
      description: 'Describe the image in detail; put text that must appear in the image in quotes.',
      group: 'Prompt',
      widget: 'textarea',
      placeholder: 'A futuristic cityscape at sunset',
    }),
    negative_prompt: negativePromptSchema().meta({
      title: 'Negative (leave out)',
      description: 'What to leave out, e.g. "No people, cars". Empty leaves nothing out.',
      group: 'Prompt',
      widget: 'textarea',
    }),
    magic_prompt: enumOf(magicPromptValues)
      .default('AUTO')
      .meta({
        title: 'Magic enhance',
        description:
          'Lets Ideogram enrich the prompt: ON for complex scenes, OFF to keep your words as they are.',
        group: 'Prompt',
        widget: 'segmented',
        optionLabels: labelsFor(magicPromptValues, titleCase),
      }),
  };
}

/** The size, style, colour and seed fields both v3 models share, with Ideogram's full enums. */
export function v3StyleShape() {
  return {
    aspect_ratio: enumOf(aspectRatios as [string, ...string[]])
      .optional()
      .meta({
        title: 'Aspect ratio',
        description:
          'Shape of the image, e.g. 1x1 square or 16x9 widescreen. Use this or a resolution, not both.',
        group: 'Size',
        widget: 'select',
        optionLabels: labelsFor(aspectRatios, (v) => v.replace('x', ':')),
        exclusiveWith: 'resolution',
      }),
    resolution: enumOf(resolutions)
      .optional()
      .meta({
        title: 'Resolution',
        description: 'Exact size in pixels (width x height). Used when no aspect ratio is chosen.',
        group: 'Size',
        widget: 'select',
        // The API's own default, applied by withDefaultResolution when no aspect ratio is chosen either.
        default: DEFAULT_RESOLUTION,
        optionLabels: labelsFor(resolutions, (v) => v.replace('x', ' × ')),
        exclusiveWith: 'aspect_ratio',
      }),
    rendering_speed: enumOf(v3RenderingSpeeds)
      .default('DEFAULT')
      .meta({
        title: 'Rendering speed',
        description: 'TURBO is fastest and cheapest, QUALITY gives the most detail.',
        group: 'Style',
        widget: 'segmented',
        optionLabels: labelsFor(v3RenderingSpeeds, titleCase),
        priceTier: true,
      }),
    style_type: enumOf(styleTypes)
      .default('GENERAL')
      .meta({
        title: 'Style type',
        description: 'REALISTIC for lifelike images, DESIGN for graphic work, GENERAL for anything.',
        group: 'Style',
        widget: 'segmented',
        optionLabels: labelsFor(styleTypes, titleCase),
      }),
    style_codes: styleCodesSchema.meta({
      title: 'Style codes',
      description: 'Ideogram style codes, each 8 hexadecimal characters (e.g. 1A2B3C4D).',
      group: 'Style',
      widget: 'style-codes',
    }),
    color_palette: colorPaletteSchema.optional().meta({
      title: 'Colour palette',
      description:
        'A preset palette, or your own colours with weights from 0.05 to 1.0 (most important first).',
      group: 'Colour',
      widget: 'palette',
      optionLabels: labelsFor(palettePresets, titleCase),
    }),
    seed: seedSchema(seedRule('omit')).meta({
      title: 'Seed',
      description: 'The same seed and settings give the same image. Random draws a new one for each job.',
      group: 'Advanced',
      widget: 'seed',
      seed: seedRule('omit'),
    }),
  };
}

/** Rule shared by both v3 models; zod refinements only run once the object itself parsed. */
export function checkAspectXorResolution(
  value: { aspect_ratio?: string | undefined; resolution?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (value.aspect_ratio !== undefined && value.resolution !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['aspect_ratio'],
      message: 'must not be sent together with resolution: choose one of them',
    });
  }
}

/** The API's own default resolution applies only when the user chose no aspect ratio. */
export function withDefaultResolution(params: ModelParams): ModelParams {
  if (params.aspect_ratio !== undefined || params.resolution !== undefined) return params;
  return { ...params, resolution: DEFAULT_RESOLUTION };
}

export function v3OutputSize(params: ModelParams): ImageSize {
  const ratio = params.aspect_ratio as keyof typeof aspectRatioSizes | undefined;
  const text =
    (ratio ? aspectRatioSizes[ratio] : undefined) ??
    (params.resolution as string | undefined) ??
    DEFAULT_RESOLUTION;
  const [width, height] = text.split('x').map(Number);
  return { width: width ?? 1024, height: height ?? 1024 };
}

const speedFactor: Record<string, number> = { TURBO: 0.6, DEFAULT: 1, QUALITY: 1.5 };

export function v3ExpectedSeconds(base: number, params: ModelParams): number {
  return base * (speedFactor[String(params.rendering_speed)] ?? 1);
}
