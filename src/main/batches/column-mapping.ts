import type { ColumnMapping } from '../../shared/api/batches.ts';
import { getModel, type ModelId } from '../../shared/models/index.ts';

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Words people put in a header for a parameter whose name or label they did not copy. */
const aliases: Record<string, string> = {
  negative: 'negative_prompt',
  negativeprompt: 'negative_prompt',
  speed: 'rendering_speed',
  style: 'style_type',
  ratio: 'aspect_ratio',
  aspect: 'aspect_ratio',
  size: 'image_size',
  images: 'num_images',
  format: 'output_format',
  palette: 'color_palette',
  weight: 'image_weight',
  source: 'image',
};

/**
 * The columns that map themselves: a header spelled like a parameter (`style_type`, `Style type`,
 * `STYLE-TYPE`) or like its label in the form, or a common short word for it. Each parameter is
 * taken by the first column that names it; the rest are left for the user to map by hand.
 */
export function suggestMapping(model: ModelId, headers: readonly string[]): ColumnMapping {
  const fields = getModel(model).fields;
  const byName = new Map<string, string>();
  for (const field of fields) {
    byName.set(squash(field.name), field.name);
    byName.set(squash(field.label), field.name);
  }
  const known = new Set(fields.map((field) => field.name));
  const taken = new Set<string>();
  return headers.map((header) => {
    const key = squash(header);
    const param = byName.get(key) ?? (known.has(aliases[key] ?? '') ? aliases[key] : undefined);
    if (!param || taken.has(param)) return null;
    taken.add(param);
    return param;
  });
}
