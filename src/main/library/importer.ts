import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { libraryLimits, type ImportResult } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { sidecarNames } from './export-sidecars.ts';
import { type CleanupDeps, removeUnreferencedBlobs } from './blob-cleanup.ts';
import { sha256Of } from './file-store.ts';
import type { EmbeddedRecipe } from './embedded-recipe.ts';
import type { ManifestImage } from './export-sidecars.ts';
import { insertImageRow, type Recipe } from './image-rows.ts';
import { applyManifest, type Landed } from './manifest-import.ts';
import { itemsFromExportFolder, itemsFromZip } from './archive-import.ts';
import { prepareImage } from './prepare-image.ts';

export interface ImportDeps extends CleanupDeps {
  now: () => number;
  /** Called as images arrive (in batches), so the grid can grow while a big folder imports. */
  onAdded: (ids: string[]) => void;
  onRestored: (ids: string[]) => void;
}

/**
 * One file to import; `read` is called only when a worker gets to it, keeping memory flat. Its
 * createdAt (a file's modification time) dates the image when the file carries no recipe of ours.
 */
export interface ImportItem {
  name: string;
  read: () => Promise<{ bytes: Uint8Array; createdAt?: number }>;
  /** What our own export said about this image (favourite, tags, lineage...). */
  meta?: ManifestImage;
  /** A remix source file that travelled with an export: stored, not added to the library. */
  kind?: 'image' | 'source';
}

export const maxFilesPerImport = 100_000;
const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.webp']);
const notAnImage = 'Only PNG, JPEG and WebP images can be added; this file is something else.';
const eventBatch = 50;

type Outcome =
  | { id: string; sha256: string; duplicate: boolean; restored?: boolean }
  | { source: string }
  | { refused: string };

function existingBySha(db: Database.Database, sha256: string) {
  return db
    .prepare<[string], { id: string; trashed: number }>(
      'SELECT id, trashed_at IS NOT NULL AS trashed FROM images WHERE sha256 = ? ORDER BY trashed_at IS NOT NULL LIMIT 1',
    )
    .get(sha256);
}

/** A source file from an export: kept by its hash as the remix that used it refers to it. */
async function importSource(deps: ImportDeps, bytes: Uint8Array): Promise<Outcome> {
  const sha256 = sha256Of(bytes);
  deps.claims.claim(sha256);
  try {
    const prepared = await prepareImage(deps, bytes, libraryLimits.maxImageBytes, sha256);
    deps.db
      .prepare(
        `INSERT INTO blobs (sha256, format, bytes, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(sha256, prepared.format, prepared.bytes, prepared.width, prepared.height, deps.now());
  } finally {
    deps.claims.release(sha256);
  }
  return { source: sha256 };
}

function recipeFrom(
  item: ImportItem,
  embedded: EmbeddedRecipe | null,
  createdAt: number | undefined,
): Recipe {
  const from = item.meta ?? embedded;
  if (!from) return { model: '', prompt: '', params: {}, ...(createdAt === undefined ? {} : { createdAt }) };
  return {
    model: from.model,
    prompt: from.prompt,
    expandedPrompt: from.expandedPrompt,
    negativePrompt: from.negativePrompt,
    params: from.params,
    seed: from.seed,
    jobId: from.jobId,
    ...(from.outputIndex === null ? {} : { outputIndex: from.outputIndex }),
    createdAt: from.createdAt,
    ...(item.meta?.id ? { id: item.meta.id } : {}),
  };
}

async function importOne(deps: ImportDeps, item: ImportItem): Promise<Outcome> {
  const { bytes, createdAt } = await item.read();
  if (item.kind === 'source') return importSource(deps, bytes);
  const sha256 = sha256Of(bytes);
  // Same bytes as an image we have: report it (back from the trash if it was there), decode nothing.
  // An image our export says was in the trash stays there.
  const before = existingBySha(deps.db, sha256);
  if (before) {
    const restored = before.trashed && item.meta?.trashedAt == null;
    return { id: before.id, sha256, duplicate: true, ...(restored ? { restored: true } : {}) };
  }

  deps.claims.claim(sha256);
  let outcome: { id: string; sha256: string; duplicate: boolean };
  try {
    const prepared = await prepareImage(deps, bytes, libraryLimits.maxImageBytes, sha256);
    const recipe = recipeFrom(item, prepared.embedded, createdAt);
    outcome = deps.db.transaction(() => {
      // Another worker may have stored the same bytes while this one was decoding.
      const raced = existingBySha(deps.db, sha256);
      if (raced) return { id: raced.id, sha256, duplicate: true };
      const { id, inserted } = insertImageRow(deps.db, prepared, recipe, 'imported', deps.now());
      return { id, sha256, duplicate: !inserted };
    })();
  } finally {
    deps.claims.release(sha256);
  }
  // An export of an image we already hold has other bytes (the recipe is embedded) but the same
  // job output: it is a duplicate, and the copy just stored would be an orphan.
  if (outcome.duplicate) await removeUnreferencedBlobs(deps, [sha256]);
  return outcome;
}

function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'The file is gone.';
  if (code === 'EACCES' || code === 'EPERM') return 'The file cannot be read (permission denied).';
  if (code === 'EISDIR') return 'That is a folder, not a file.';
  return `The file could not be imported: ${error instanceof Error ? error.message : String(error)}`;
}

/** Imports with a small worker pool: sharp does the decoding on libuv's threads, one image per worker. */
export async function importItems(
  deps: ImportDeps,
  items: ImportItem[],
  refusedEarly: ImportResult['refused'] = [],
): Promise<ImportResult> {
  const outcomes: Outcome[] = [];
  let pendingAdded: string[] = [];
  const restored: string[] = [];
  const flush = () => {
    if (pendingAdded.length > 0) deps.onAdded(pendingAdded);
    pendingAdded = [];
  };
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      try {
        const outcome = await importOne(deps, item);
        outcomes[index] = outcome;
        if ('id' in outcome && outcome.restored) restored.push(outcome.id);
        else if ('id' in outcome && !outcome.duplicate) pendingAdded.push(outcome.id);
        if (pendingAdded.length >= eventBatch) flush();
      } catch (error) {
        outcomes[index] = { refused: reasonOf(error) };
      }
    }
  };
  const workers = Math.max(2, Math.min(4, os.availableParallelism()));
  // Sources first, so the remixes that name them find them stored.
  const sources = items.filter((item) => item.kind === 'source');
  if (sources.length > 0) {
    const rest = items.filter((item) => item.kind !== 'source');
    items.splice(0, items.length, ...sources, ...rest);
  }
  await Promise.all(Array.from({ length: workers }, worker));
  flush();
  const landed: Landed[] = [];
  outcomes.forEach((outcome, i) => {
    const meta = items[i]!.meta;
    if (meta && 'id' in outcome)
      landed.push({ id: outcome.id, sha256: outcome.sha256, inserted: !outcome.duplicate, meta });
  });
  if (landed.length > 0) deps.onRestored(applyManifest(deps.db, landed, deps.now()));
  if (restored.length > 0) {
    deps.db
      .prepare('UPDATE images SET trashed_at = NULL WHERE id IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(restored));
    deps.onRestored(restored);
  }
  const result: ImportResult = { imported: [], duplicates: 0, refused: [...refusedEarly] };
  outcomes.forEach((outcome, i) => {
    if ('refused' in outcome) result.refused.push({ name: items[i]!.name, reason: outcome.refused });
    else if ('source' in outcome) return;
    else {
      result.imported.push(outcome.id);
      if (outcome.duplicate) result.duplicates++;
    }
  });
  return result;
}

/**
 * Files and folders (walked recursively; hidden entries, symlinks and our own export sidecars are
 * skipped) become import items. Anything that is plainly not an image is refused by name here.
 */
export async function itemsFromPaths(
  paths: string[],
): Promise<{ items: ImportItem[]; refused: ImportResult['refused']; close(): void }> {
  const items: ImportItem[] = [];
  const refused: ImportResult['refused'] = [];
  const closers: (() => void)[] = [];
  const addArchive = async (file: string) => {
    try {
      const zip = await itemsFromZip(file, file);
      items.push(...zip.items);
      refused.push(...zip.refused);
      closers.push(zip.close);
    } catch (error) {
      refused.push({ name: file, reason: reasonOf(error) });
    }
  };
  const addFile = (file: string, explicit: boolean) => {
    if (items.length >= maxFilesPerImport) {
      refused.push({ name: file, reason: `Only ${maxFilesPerImport} files can be imported at once.` });
      return;
    }
    if (!explicit && !imageExtensions.has(path.extname(file).toLowerCase())) {
      refused.push({ name: file, reason: notAnImage });
      return;
    }
    items.push({
      name: file,
      read: async () => {
        const stat = await fs.stat(file);
        if (stat.size > libraryLimits.maxImageBytes) {
          throw new AppError(
            'too_large',
            `The file is larger than ${libraryLimits.maxImageBytes / 1024 / 1024} MB.`,
          );
        }
        return { bytes: await fs.readFile(file), createdAt: Math.round(stat.mtimeMs) };
      },
    });
  };
  for (const given of paths) {
    if (!path.isAbsolute(given)) {
      refused.push({ name: given, reason: 'Not a full path.' });
      continue;
    }
    const stat = await fs.stat(given).catch(() => null);
    if (!stat) refused.push({ name: given, reason: 'The file or folder does not exist.' });
    else if (stat.isFile() && path.extname(given).toLowerCase() === '.zip') await addArchive(given);
    else if (stat.isFile()) addFile(given, true);
    else if (stat.isDirectory() && (await fs.stat(path.join(given, sidecarNames.json)).catch(() => null))) {
      // One of our export folders: its manifest says what each image was.
      const exported = await itemsFromExportFolder(given);
      items.push(...exported.items);
      refused.push(...exported.refused);
    } else if (stat.isDirectory()) {
      const entries = await fs.readdir(given, { withFileTypes: true, recursive: true });
      for (const entry of entries) {
        if (!entry.isFile()) continue;
        const full = path.join(entry.parentPath, entry.name);
        const relative = path.relative(given, full);
        if (relative.split(path.sep).some((part) => part.startsWith('.'))) continue;
        if (entry.name === sidecarNames.json || entry.name === sidecarNames.csv) continue;
        if (path.extname(entry.name).toLowerCase() === '.zip') await addArchive(full);
        else addFile(full, false);
      }
    } else refused.push({ name: given, reason: 'Not a file or folder.' });
  }
  return { items, refused, close: () => closers.forEach((close) => close()) };
}
