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
