import { z } from 'zod';
import type { FieldMeta, ImageSize, ModelParams } from './model-spec.ts';

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

export function oneOf(values: readonly string[]): string {
  return values.length > 20
    ? `must be one of the ${values.length} listed values, e.g. ${values.slice(0, 3).join(', ')}`
    : `must be one of ${values.join(', ')}`;
}

export function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: oneOf(values) });
}

export function intRange(min: number, max: number, extra?: number) {
  const allowed =
    extra === undefined
      ? `an integer from ${min} to ${max}`
      : `an integer from ${min} to ${max}, or ${extra}`;
  const message = `must be ${allowed}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .refine((n) => (n >= min && n <= max) || n === extra, { error: message });
}

const paletteMember = z.strictObject({
  color_hex: z.string({ error: 'must be a hex colour like #FF8800' }).regex(/^#[0-9A-Fa-f]{6}$/, {
    error: 'must be a hex colour like #FF8800',
  }),
  color_weight: z
    .number({ error: 'must be a number from 0.05 to 1.0' })
    .min(0.05, { error: 'must be a number from 0.05 to 1.0' })
    .max(1, { error: 'must be a number from 0.05 to 1.0' })
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

export function v3Shape() {
  return {
    prompt: z.string({ error: 'is required and must be text' }).trim().min(1, { error: 'is required' }),
    aspect_ratio: enumOf(aspectRatios as [string, ...string[]]).optional(),
    resolution: enumOf(resolutions).optional(),
    color_palette: colorPaletteSchema.optional(),
    magic_prompt: enumOf(magicPromptValues).default('AUTO'),
    negative_prompt: z.string({ error: 'must be text' }).optional(),
    rendering_speed: enumOf(v3RenderingSpeeds).default('DEFAULT'),
    seed: intRange(100, 999999).optional(),
    style_codes: styleCodesSchema,
    style_type: enumOf(styleTypes).default('GENERAL'),
  };
}

/** Rule shared by both v3 models; zod refinements only run once the object itself parsed. */
export function checkAspectXorResolution(
  value: { aspect_ratio?: string; resolution?: string },
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

function options(
  values: readonly string[],
  label: (v: string) => string = (v) => v,
): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: label(value) }));
}

const titleCase = (v: string) => v.charAt(0) + v.slice(1).toLowerCase();

export function v3Fields(negativeDefault: string): FieldMeta[] {
  return [
    {
      name: 'prompt',
      label: 'Prompt',
      help: 'Describe the image in detail; put text that must appear in the image in quotes.',
      group: 'Prompt',
      widget: 'textarea',
      required: true,
      placeholder: 'A futuristic cityscape at sunset',
    },
    {
      name: 'negative_prompt',
      label: 'Negative prompt',
      help: 'What to leave out, e.g. "No people, cars".',
      group: 'Prompt',
      widget: 'textarea',
      required: false,
      default: negativeDefault,
    },
    {
      name: 'magic_prompt',
      label: 'Magic prompt',
      help: 'Lets Ideogram enrich the prompt: ON for complex scenes, OFF to keep your words as they are.',
      group: 'Prompt',
      widget: 'segmented',
      required: false,
      default: 'AUTO',
      options: options(magicPromptValues, titleCase),
    },
    {
      name: 'aspect_ratio',
      label: 'Aspect ratio',
      help: 'Shape of the image, e.g. 1x1 square or 16x9 widescreen. Use this or a resolution, not both.',
      group: 'Size',
      widget: 'select',
      required: false,
      options: options(aspectRatios, (v) => v.replace('x', ':')),
      exclusiveWith: 'resolution',
    },
    {
      name: 'resolution',
      label: 'Resolution',
      help: 'Exact size in pixels (width x height). Used when no aspect ratio is chosen.',
      group: 'Size',
      widget: 'select',
      required: false,
      default: DEFAULT_RESOLUTION,
      options: options(resolutions, (v) => v.replace('x', ' × ')),
      exclusiveWith: 'aspect_ratio',
    },
    {
      name: 'rendering_speed',
      label: 'Rendering speed',
      help: 'TURBO is fastest and cheapest, QUALITY gives the most detail.',
      group: 'Style',
      widget: 'segmented',
      required: false,
      default: 'DEFAULT',
      options: options(v3RenderingSpeeds, titleCase),
    },
    {
      name: 'style_type',
      label: 'Style type',
      help: 'REALISTIC for lifelike images, DESIGN for graphic work, GENERAL for anything.',
      group: 'Style',
      widget: 'segmented',
      required: false,
      default: 'GENERAL',
      options: options(styleTypes, titleCase),
    },
    {
      name: 'style_codes',
      label: 'Style codes',
      help: 'Ideogram style codes, each 8 hexadecimal characters (e.g. 1A2B3C4D).',
      group: 'Style',
      widget: 'style-codes',
      required: false,
      default: [],
    },
    {
      name: 'color_palette',
      label: 'Colour palette',
      help: 'A preset palette, or your own colours with weights from 0.05 to 1.0 (most important first).',
      group: 'Colour',
      widget: 'palette',
      required: false,
      options: options(palettePresets, titleCase),
      min: 0.05,
      max: 1,
      step: 0.05,
    },
    {
      name: 'seed',
      label: 'Seed',
      help: 'The same seed and settings give the same image. Leave empty for a random one.',
      group: 'Advanced',
      widget: 'seed',
      required: false,
      min: 100,
      max: 999999,
      step: 1,
    },
  ];
}
