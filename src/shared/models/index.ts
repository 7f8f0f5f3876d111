import { z } from 'zod';
import type { ModelParams, ModelSpec, ParamIssue, ParseResult } from './model-spec.ts';
import { ideogram3 } from './ideogram-3.ts';
import { ideogram3Remix } from './ideogram-3-remix.ts';
import { ideogram4 } from './ideogram-4.ts';

export type * from './model-spec.ts';
export {
  imageMimeTypes,
  imageRefSchema,
  isHttpUrl,
  isLocalImageRef,
  localImageRef,
  MAX_IMAGE_BYTES,
  parseImageDataUri,
  sha256FromLocalRef,
  toImageDataUri,
} from './image-ref.ts';
export { aspectRatios, colorWeightRange, palettePresets, resolutions } from './ideogram-v3-params.ts';
export { imageSizes } from './ideogram-4.ts';
export { MAX_PROMPT_CHARS, SEED_RANGE } from './common-params.ts';
export {
  drawSeed,
  imageCountOf,
  imageCountParamOf,
  imageParamsOf,
  isRandomSeed,
  priceTierOf,
  priceTiersOf,
  seedParamOf,
  withDrawnSeed,
} from './param-roles.ts';

/** Adding a model: one new file exporting a ModelSpec, plus its id here. */
export const modelIds = ['ideogram-3', 'ideogram-3-remix', 'ideogram-4'] as const;
export type ModelId = (typeof modelIds)[number];
export const ModelIdSchema = z.enum(modelIds);

export const models: Record<ModelId, ModelSpec> = {
  'ideogram-3': ideogram3,
  'ideogram-3-remix': ideogram3Remix,
  'ideogram-4': ideogram4,
};

export function isModelId(value: unknown): value is ModelId {
  return typeof value === 'string' && (modelIds as readonly string[]).includes(value);
}

export function getModel(id: ModelId): ModelSpec {
  return models[id];
}

function issuesOf(error: z.ZodError): ParamIssue[] {
  return error.issues.flatMap((issue) => {
    // zod reports stray keys once on the object; the form wants one message per field.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const path = [...issue.path.map(String), key].join('.');
        return { path, message: `${path}: is not a parameter of this model` };
      });
    }
    const path = issue.path.map(String).join('.');
    return [{ path, message: path ? `${path}: ${issue.message}` : issue.message }];
  });
}

/**
 * A model's parameters as one schema: validation, zod defaults, then the defaults that depend on other
 * fields. The contract (jobs:create), the form and the simulator all parse with this.
 */
export function paramsSchemaOf(model: ModelId): z.ZodType<ModelParams> {
  const spec = models[model];
  const { finalize } = spec;
  return finalize
    ? spec.schema.transform((params) => finalize(params as ModelParams))
    : (spec.schema as z.ZodType<ModelParams>);
}

const paramsSchemas = Object.fromEntries(modelIds.map((id) => [id, paramsSchemaOf(id)])) as Record<
  ModelId,
  z.ZodType<ModelParams>
>;

/** Validates and applies defaults; every message starts with the field it is about. */
export function parseModelParams(model: ModelId, raw: unknown): ParseResult {
  const parsed = paramsSchemas[model].safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  return { ok: true, params: parsed.data };
}

/** One line for an error body or a toast. */
export function describeParamIssues(issues: ParamIssue[]): string {
  return issues.map((issue) => issue.message).join('; ');
}
