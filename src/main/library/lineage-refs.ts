import { sha256FromLocalRef } from '../../shared/models/image-ref.ts';
import { models } from '../../shared/models/index.ts';

export type LineageRole = 'source' | 'style' | 'variation';

export interface LineageEdge {
  role: LineageRole;
  position: number;
  sha256: string;
}

/**
 * Which params hold images, read from the models' own field lists: a single image field is the
 * remix source, a list of images the style references. A new model with image fields needs no
 * change here.
 */
const imageFields = new Map<string, 'source' | 'style'>();
for (const spec of Object.values(models)) {
  for (const field of spec.fields) {
    if (field.widget === 'image') imageFields.set(field.name, 'source');
    else if (field.widget === 'images') imageFields.set(field.name, 'style');
  }
}

/** The images a recipe was made from, as far as its params name them by hash (`local:<sha256>`). */
export function lineageFromParams(params: Record<string, unknown>): LineageEdge[] {
  const edges: LineageEdge[] = [];
  for (const [name, role] of imageFields) {
    const value = params[name];
    const refs = Array.isArray(value) ? value : [value];
    refs.forEach((ref, position) => {
      const sha256 = typeof ref === 'string' ? sha256FromLocalRef(ref) : null;
      if (sha256) edges.push({ role, position, sha256 });
    });
  }
  return edges;
}

/** The same params with every `local:` ref mapped to another hash (an imported parent's new bytes). */
export function withMappedRefs(
  params: Record<string, unknown>,
  map: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const mapRef = (ref: unknown) => {
    const sha = typeof ref === 'string' ? sha256FromLocalRef(ref) : null;
    const to = sha ? map.get(sha) : undefined;
    return to ? `local:${to}` : ref;
  };
  const out = { ...params };
  for (const name of imageFields.keys()) {
    const value = out[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(mapRef) : mapRef(value);
  }
  return out;
}
