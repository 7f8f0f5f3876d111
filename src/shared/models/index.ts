import { z } from 'zod';
import type { ModelSpec, ParamIssue, ParseResult } from './model-spec.ts';
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
export { aspectRatios, palettePresets, resolutions } from './ideogram-v3-params.ts';
export { imageSizes } from './ideogram-4.ts';

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

/** Validates and applies defaults; every message starts with the field it is about. */
export function parseModelParams(model: ModelId, raw: unknown): ParseResult {
  const spec = models[model];
  const parsed = spec.schema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const params = parsed.data as Record<string, unknown>;
  return { ok: true, params: spec.finalize ? spec.finalize(params) : params };
}

/** One line for an error body or a toast. */
export function describeParamIssues(issues: ParamIssue[]): string {
  return issues.map((issue) => issue.message).join('; ');
}
