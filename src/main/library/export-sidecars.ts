import type { ImageRecord } from '../../shared/api/library.ts';
import type { EmbeddedRecipe } from './embedded-recipe.ts';

/** Sidecar names are fixed so an import of an export folder knows to skip them. */
export const sidecarNames = {
  json: 'ideogram-studio-export.json',
  csv: 'ideogram-studio-export.csv',
} as const;

export interface ExportedImage {
  file: string;
  record: ImageRecord;
  recipe: EmbeddedRecipe;
  /** False when the recipe would not fit in the file's metadata (huge JPEG XMP): the sidecars still carry it. */
  embedded: boolean;
}

export function sidecarJson(images: ExportedImage[], exportedAt: number): string {
  return JSON.stringify(
    {
      app: 'ideogram-studio',
      version: 1,
      exportedAt: new Date(exportedAt).toISOString(),
      images: images.map(({ file, record, recipe, embedded }) => ({
        file,
        ...recipe,
        width: record.width,
        height: record.height,
        format: record.format,
        favorite: record.favorite,
        rating: record.rating,
        tags: record.tags,
        embedded,
      })),
    },
    null,
    2,
  );
}

const csvColumns = [
  'file',
  'created_at',
  'model',
  'prompt',
  'expanded_prompt',
  'negative_prompt',
  'seed',
  'width',
  'height',
  'rating',
  'favorite',
  'tags',
  'params',
] as const;

/** RFC 4180 quoting, plus a leading apostrophe on cells a spreadsheet would run as a formula. */
function csvCell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function sidecarCsv(images: ExportedImage[]): string {
  const lines = [csvColumns.join(',')];
  for (const { file, record, recipe } of images) {
    lines.push(
      [
        file,
        new Date(recipe.createdAt).toISOString(),
        recipe.model,
        recipe.prompt,
        recipe.expandedPrompt,
        recipe.negativePrompt,
        recipe.seed,
        record.width,
        record.height,
        record.rating,
        record.favorite,
        record.tags.join(' '),
        JSON.stringify(recipe.params),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
