import { z } from 'zod';
import type { ImageRecord } from '../../shared/api/library.ts';
import { EmbeddedRecipe } from './embedded-recipe.ts';
import type { ExportedEdge } from './lineage.ts';

/** Sidecar names are fixed so an import of an export folder knows to skip them. */
export const sidecarNames = {
  json: 'ideogram-studio-export.json',
  csv: 'ideogram-studio-export.csv',
} as const;

/** Where a file source of a remix travels in an export, by its hash. */
export const sourcesFolder = 'sources';

export interface ExportedImage {
  file: string;
  record: ImageRecord;
  recipe: EmbeddedRecipe;
  /** False when the recipe would not fit in the file's metadata (huge JPEG XMP): the sidecars still carry it. */
  embedded: boolean;
  lineage: ExportedEdge[];
}

export interface ExportedSource {
  file: string;
  sha256: string;
}

const Sha = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * What an export says about each image beyond its recipe: enough for an import into another library
 * to give back the same library (favourites, ratings, tags, collections, trash and lineage).
 * Parsed leniently: an entry that does not fit is imported from its embedded recipe alone.
 */
export const ManifestImage = EmbeddedRecipe.omit({ app: true, version: true }).extend({
  file: z.string().max(1000),
  id: z.string().max(64).optional(),
  sha256: Sha.optional(),
  favorite: z.boolean().default(false),
  rating: z.number().int().min(0).max(5).default(0),
  tags: z.array(z.string().trim().min(1).max(64)).max(1000).default([]),
  collections: z.array(z.string().trim().min(1).max(100)).max(1000).default([]),
  trashedAt: z.number().int().nullable().default(null),
  lineage: z
    .array(
      z.object({
        role: z.enum(['source', 'style', 'variation']),
        position: z.number().int().nonnegative(),
        sha256: Sha,
        parentId: z.string().max(64).nullable(),
      }),
    )
    .max(1000)
    .default([]),
});
export type ManifestImage = z.infer<typeof ManifestImage>;

export interface Manifest {
  images: Map<string, ManifestImage>;
  sources: ExportedSource[];
}

/** Our own sidecar, read from an export; null when the text is not one. */
export function parseManifest(text: string): Manifest | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const shape = z
    .object({
      app: z.literal('ideogram-studio'),
      images: z.array(z.unknown()),
      sources: z.array(z.object({ file: z.string().max(1000), sha256: Sha })).default([]),
    })
    .safeParse(raw);
  if (!shape.success) return null;
  const images = new Map<string, ManifestImage>();
  for (const entry of shape.data.images) {
    const image = ManifestImage.safeParse(entry);
    if (image.success) images.set(image.data.file, image.data);
  }
  return { images, sources: shape.data.sources };
}

export function sidecarJson(images: ExportedImage[], sources: ExportedSource[], exportedAt: number): string {
  return JSON.stringify(
    {
      app: 'ideogram-studio',
      version: 2,
      exportedAt: new Date(exportedAt).toISOString(),
      images: images.map(({ file, record, recipe, embedded, lineage }) => ({
        file,
        ...recipe,
        id: record.id,
        sha256: record.sha256,
        width: record.width,
        height: record.height,
        format: record.format,
        favorite: record.favorite,
        rating: record.rating,
        tags: record.tags,
        collections: record.collections.map((c) => c.name),
        trashedAt: record.trashedAt,
        lineage,
        embedded,
      })),
      sources,
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
