import { models, type ModelId } from '../../../../shared/models/index.ts';

/** What a model's form holds: raw values as the widgets set them, before cleaning and parsing. */
export type Draft = Record<string, unknown>;

export function defaultsOf(model: ModelId): Draft {
  const draft: Draft = {};
  for (const field of models[model].fields) {
    if (field.default !== undefined) draft[field.name] = structuredClone(field.default);
  }
  return draft;
}

/** What the form holds -> what the API gets: empty optional values are left out, not sent as "". */
export function cleanDraft(model: ModelId, draft: Draft): Draft {
  const known = new Set(models[model].fields.map((field) => field.name));
  const out: Draft = {};
  for (const [name, value] of Object.entries(draft)) {
    if (!known.has(name) || value === undefined || value === null) continue;
    if (typeof value === 'string' && value.trim() === '' && name !== 'prompt') continue;
    out[name] = value;
  }
  return out;
}

/** Defaults overlaid with known parameters of a recipe. */
export function draftFrom(model: ModelId, params: Draft): Draft {
  const known = new Set(models[model].fields.map((field) => field.name));
  const draft: Draft = defaultsOf(model);
  for (const [name, value] of Object.entries(params)) if (known.has(name)) draft[name] = value;
  // A v3 form holds either an aspect ratio or a resolution: the recipe's choice wins over the default.
  if (params.aspect_ratio !== undefined && params.resolution === undefined) delete draft.resolution;
  return draft;
}

/**
 * Values older versions of the form filled in by themselves (the seed pages' playground examples) and
 * remembered as the user's last settings. They were never chosen, so they do not come back.
 */
const oldFormExamples: Record<string, unknown[]> = {
  negative_prompt: ['No people, no animals.', 'No people, no buildings'],
};
const oldSeedExample: Partial<Record<ModelId, number>> = { 'ideogram-4': 123456 };

export function withoutOldExamples(model: ModelId, params: Draft): Draft {
  const out: Draft = { ...params };
  for (const [name, examples] of Object.entries(oldFormExamples)) {
    if (examples.includes(out[name])) delete out[name];
  }
  if (out.seed !== undefined && out.seed === oldSeedExample[model]) delete out.seed;
  return out;
}
