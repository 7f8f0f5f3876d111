import { z } from 'zod';
import type { ModelSpec } from './model-spec.ts';
import {
  checkAspectXorResolution,
  v3ExpectedSeconds,
  v3Fields,
  v3OutputSize,
  v3Shape,
  withDefaultResolution,
} from './ideogram-v3-params.ts';

const NEGATIVE_DEFAULT = 'No people, no animals.';

const schema = z
  .strictObject({
    ...v3Shape(),
    negative_prompt: z.string({ error: 'must be text' }).default(NEGATIVE_DEFAULT),
  })
  .superRefine(checkAspectXorResolution);

export const ideogram3: ModelSpec = {
  id: 'ideogram-3',
  slug: 'ideogram-3',
  label: 'Ideogram 3.0',
  tagline: 'Photorealistic text-to-image with diverse aesthetic styles.',
  kind: 'text-to-image',
  schema,
  fields: v3Fields(NEGATIVE_DEFAULT),
  finalize: withDefaultResolution,
  // ~10.29 s on the model page at DEFAULT speed.
  expectedSeconds: (params) => v3ExpectedSeconds(10.29, params),
  imageCount: () => 1,
  outputSize: v3OutputSize,
};
