import { z } from 'zod';
import { formFieldsOf } from './form-fields.ts';
import { imageCountOf } from './param-roles.ts';
import type { ModelSpec } from './model-spec.ts';
import {
  checkAspectXorResolution,
  v3ExpectedSeconds,
  v3OutputSize,
  v3PromptShape,
  v3StyleShape,
  withDefaultResolution,
} from './ideogram-v3-params.ts';

const schema = z
  .strictObject({ ...v3PromptShape(), ...v3StyleShape() })
  .superRefine(checkAspectXorResolution);

export const ideogram3: ModelSpec = {
  id: 'ideogram-3',
  slug: 'ideogram-3',
  label: 'Ideogram 3.0',
  tagline: 'Photorealistic text-to-image with diverse aesthetic styles.',
  kind: 'text-to-image',
  schema,
  fields: formFieldsOf(schema),
  finalize: withDefaultResolution,
  // ~10.29 s on the model page at DEFAULT speed.
  expectedSeconds: (params) => v3ExpectedSeconds(10.29, params),
  imageCount: (params) => imageCountOf(ideogram3, params),
  outputSize: v3OutputSize,
};
