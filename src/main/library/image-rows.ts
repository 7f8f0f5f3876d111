import type Database from 'better-sqlite3';
import {
  ImageId,
  type ChangedImage,
  type ImageFormat,
  type ImageRecord,
  type ImageSummary,
} from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { quotedPhrases } from '../../shared/quoted-text.ts';
import { newImageId } from './image-id.ts';
import { pkSlots } from './migrations/003-library-order.ts';
import type { PreparedImage } from './prepare-image.ts';
import { cached } from './statement-cache.ts';

/** How a generation (or an imported file's embedded recipe) describes an image. */
export interface Recipe {
  model: string;
  prompt: string;
  expandedPrompt?: string | null;
  negativePrompt?: string | null;
  params: Record<string, unknown>;
  seed?: number | null;
  jobId?: string | null;
  outputIndex?: number;
  createdAt?: number;
  /** The job a variation varies (jobs.parent_id): its images are this one's parents. */
  parentJobId?: string | null;
  /** Keep this id (an import of our own export) unless the library already uses it. */
  id?: string;
}

export interface SummaryRow {
  pk: number;
  id: string;
  sha256: string;
  format: ImageFormat;
  bytes: number;
  width: number;
  height: number;
  orientation: 'landscape' | 'portrait' | 'square';
  model: string;
  prompt: string;
  created_at: number;
  favorite: number;
  rating: number;
  trashed_at: number | null;
  text_status: ImageSummary['textStatus'];
}

interface RecordRow extends SummaryRow {
  expanded_prompt: string | null;
  negative_prompt: string | null;
  params: string;
  seed: number | null;
  job_id: string | null;
  output_index: number | null;
  source: 'generated' | 'imported';
}

export const summaryColumns =
  'i.pk, i.id, i.sha256, i.format, i.bytes, i.width, i.height, i.orientation, i.model, i.prompt, i.created_at, i.favorite, i.rating, i.trashed_at, i.text_status';

export function toSummary(row: SummaryRow, snippet: ImageSummary['snippet'] = null): ImageSummary {
  return {
    id: row.id,
    sha256: row.sha256,
    format: row.format,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    model: row.model,
    prompt: row.prompt,
    createdAt: row.created_at,
    favorite: row.favorite === 1,
    rating: row.rating,
    trashedAt: row.trashed_at,
    textStatus: row.text_status,
    snippet,
  };
}

/** Style codes are searchable words of their own, wherever a model's params keep them. */
function styleCodesOf(params: Record<string, unknown>): string {
  const value = params['style_codes'] ?? params['styleCodes'];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v) => typeof v === 'string').join(' ');
  return '';
}

export function getRecord(db: Database.Database, id: string): ImageRecord {
  const row = db
    .prepare<[string], RecordRow>(
      `SELECT ${summaryColumns}, i.expanded_prompt, i.negative_prompt, i.params, i.seed, i.job_id, i.output_index, i.source
       FROM images i WHERE i.id = ?`,
    )
    .get(id);
  if (!row) throw new AppError('not_found', 'That image is no longer in the library.');
  const tags = db
    .prepare<[number], string>(
      'SELECT t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE it.image_pk = ? ORDER BY t.name',
    )
    .pluck()
    .all(row.pk);
  const collections = db
    .prepare<[number], { id: number; name: string }>(
      'SELECT c.id, c.name FROM collection_images ci JOIN collections c ON c.id = ci.collection_id WHERE ci.image_pk = ? ORDER BY c.name',
    )
    .all(row.pk);
  const { snippet: _snippet, ...summary } = toSummary(row);
  return {
    ...summary,
    expandedPrompt: row.expanded_prompt,
    negativePrompt: row.negative_prompt,
    params: JSON.parse(row.params) as Record<string, unknown>,
    seed: row.seed,
    jobId: row.job_id,
    outputIndex: row.output_index,
    source: row.source,
    tags,
    collections,
  };
}

/**
 * The images a change touched, as they are now (library:changed carries them): three indexed
 * lookups for the whole set, whatever the library's size. Ids no longer in the library are left out.
 */
export function changedImages(db: Database.Database, ids: readonly string[]): ChangedImage[] {
  const list = JSON.stringify(ids);
  const rows = cached<[string], SummaryRow>(
    db,
    `SELECT ${summaryColumns} FROM images i WHERE i.id IN (SELECT value FROM json_each(?))`,
  ).all(list);
  const tags = new Map<number, string[]>();
  const tagRows = cached<[string], { pk: number; name: string }>(
    db,
    `SELECT it.image_pk AS pk, t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id
     WHERE it.image_pk IN (SELECT pk FROM images WHERE id IN (SELECT value FROM json_each(?))) ORDER BY t.name`,
  ).all(list);
  for (const row of tagRows) tags.set(row.pk, [...(tags.get(row.pk) ?? []), row.name]);
  const collections = new Map<number, number[]>();
  const collectionRows = cached<[string], { pk: number; id: number }>(
    db,
    `SELECT ci.image_pk AS pk, ci.collection_id AS id FROM collection_images ci
     WHERE ci.image_pk IN (SELECT pk FROM images WHERE id IN (SELECT value FROM json_each(?)))`,
  ).all(list);
  for (const row of collectionRows) collections.set(row.pk, [...(collections.get(row.pk) ?? []), row.id]);
  return rows.map((row) => {
    const { snippet: _snippet, ...summary } = toSummary(row);
    return { ...summary, tags: tags.get(row.pk) ?? [], collectionIds: collections.get(row.pk) ?? [] };
  });
}

/** pk = created_at * 1024 + n: see migration 003. Beyond this the product would pass 2^53. */
const maxCreatedAt = Math.floor(Number.MAX_SAFE_INTEGER / pkSlots) - 1;

/** The smallest free pk at or after this creation time's slot. */
export function allocatePk(db: Database.Database, createdAt: number): number {
  const base = createdAt * pkSlots;
  const highest = cached<[number, number], number | null>(
    db,
    'SELECT max(pk) FROM images WHERE pk >= ? AND pk < ?',
  )
    .pluck()
    .get(base, base + pkSlots);
  let pk = highest === null || highest === undefined ? base : highest + 1;
  // Only a slot that overflowed (over 1024 images in one millisecond) spills into the next one.
  const taken = cached<[number], number>(db, 'SELECT 1 FROM images WHERE pk = ?').pluck();
  while (taken.get(pk) !== undefined) pk++;
  return pk;
}

/**
 * Synchronous on purpose: the job engine calls it inside the transaction that completes the job.
 * A job output already stored (same job_id and output_index, e.g. after a crash mid-completion)
 * returns the existing id instead of a second row.
 */
export function insertImageRow(
  db: Database.Database,
  prepared: PreparedImage,
  recipe: Recipe,
  source: 'generated' | 'imported',
  now: number,
): { id: string; inserted: boolean } {
  const jobId = recipe.jobId ?? null;
  const outputIndex = jobId === null ? null : (recipe.outputIndex ?? 0);
  if (jobId !== null) {
    const existing = cached<[string, number], string>(
      db,
      'SELECT id FROM images WHERE job_id = ? AND output_index = ?',
    )
      .pluck()
      .get(jobId, outputIndex!);
    if (existing) return { id: existing, inserted: false };
  }
  const createdAt = Math.min(Math.max(0, Math.floor(recipe.createdAt ?? now)), maxCreatedAt);
  const keep =
    recipe.id !== undefined &&
    ImageId.safeParse(recipe.id).success &&
    cached<[string], number>(db, 'SELECT 1 FROM images WHERE id = ?').pluck().get(recipe.id) === undefined;
  const id = keep ? recipe.id! : newImageId(createdAt);
  cached(
    db,
    `INSERT INTO images (pk, id, sha256, format, bytes, width, height, model, prompt, expanded_prompt, negative_prompt,
       params, style_codes, seed, job_id, output_index, source, created_at, text_status)
     VALUES (@pk, @id, @sha256, @format, @bytes, @width, @height, @model, @prompt, @expandedPrompt, @negativePrompt,
       @params, @styleCodes, @seed, @jobId, @outputIndex, @source, @createdAt, @textStatus)`,
  ).run({
    pk: allocatePk(db, createdAt),
    id,
    sha256: prepared.sha256,
    format: prepared.format,
    bytes: prepared.bytes,
    width: prepared.width,
    height: prepared.height,
    model: recipe.model,
    prompt: recipe.prompt,
    expandedPrompt: recipe.expandedPrompt ?? null,
    negativePrompt: recipe.negativePrompt ?? null,
    params: JSON.stringify(recipe.params),
    styleCodes: styleCodesOf(recipe.params),
    seed: Number.isSafeInteger(recipe.seed) ? recipe.seed : null,
    jobId,
    outputIndex,
    source,
    createdAt,
    // Due for the text check from the moment it is stored, in the same transaction: a quit or a
    // crash before the check service hears of the image leaves it pending for the next start,
    // instead of never checked.
    textStatus: quotedPhrases(recipe.prompt).length > 0 ? 'pending' : null,
  });
  return { id, inserted: true };
}
