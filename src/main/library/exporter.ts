import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ImageRecord } from '../../shared/api/library.ts';
import { downloadNameOf } from '../../shared/download-name.ts';
import { AppError } from '../../shared/rpc.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { embedRecipe, recipeKeyword, type EmbeddedRecipe } from './embedded-recipe.ts';
import { type ExportedImage, sidecarCsv, sidecarJson, sidecarNames } from './export-sidecars.ts';
import type { FileStore } from './file-store.ts';

export interface ExportDeps {
  store: FileStore;
  records: (ids: string[]) => ImageRecord[];
  now: () => number;
}

export function recipeOf(record: ImageRecord): EmbeddedRecipe {
  return {
    app: recipeKeyword,
    version: 1,
    model: record.model,
    prompt: record.prompt,
    expandedPrompt: record.expandedPrompt,
    negativePrompt: record.negativePrompt,
    params: record.params,
    seed: record.seed,
    jobId: record.jobId,
    outputIndex: record.outputIndex,
    createdAt: record.createdAt,
  };
}

/** Reads the original and returns it with the recipe written into its metadata. */
async function withRecipe(
  store: FileStore,
  record: ImageRecord,
): Promise<{ bytes: Buffer; embedded: boolean }> {
  let original: Buffer;
  try {
    original = await fs.readFile(store.pathFor(record.sha256));
  } catch {
    throw new AppError(
      'not_found',
      `The file of image ${record.id} is missing from disk; run an integrity check.`,
    );
  }
  const embedded = embedRecipe(original, record.format, recipeOf(record));
  return { bytes: embedded ?? original, embedded: embedded !== null };
}

function requireAbsolute(destination: string): string {
  if (!path.isAbsolute(destination))
    throw new AppError('validation', 'The export destination must be a full path.');
  return path.normalize(destination);
}

/** Writes each image (recipe embedded) and the JSON and CSV sidecars into a folder. */
export async function exportToFolder(deps: ExportDeps, ids: string[], destination: string) {
  const dir = requireAbsolute(destination);
  await fs.mkdir(dir, { recursive: true });
  const records = deps.records(ids);
  const exported: ExportedImage[] = [];
  for (const record of records) {
    const file = downloadNameOf(record);
    const { bytes, embedded } = await withRecipe(deps.store, record);
    await writeFileAtomic(path.join(dir, file), bytes);
    exported.push({ file, record, recipe: recipeOf(record), embedded });
  }
  await writeFileAtomic(path.join(dir, sidecarNames.json), Buffer.from(sidecarJson(exported, deps.now())));
  await writeFileAtomic(path.join(dir, sidecarNames.csv), Buffer.from(sidecarCsv(exported)));
  return { path: dir, count: exported.length };
}

/**
 * The same content as one zip. Images are stored, not deflated (they are compressed already);
 * each is read only when the zip writer reaches it, so memory stays flat for thousands of images.
 * Written to a temp name and renamed, so a failed export never leaves a half zip under the real name.
 */
export async function exportToZip(deps: ExportDeps, ids: string[], destination: string) {
  let target = requireAbsolute(destination);
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) {
    target = path.join(
      target,
      `ideogram-studio-export-${new Date(deps.now()).toISOString().replace(/[:.]/g, '-')}.zip`,
    );
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const records = deps.records(ids);
  const zip = new yazl.ZipFile();
  const exported: ExportedImage[] = [];
  const mtime = new Date(deps.now());
  for (const record of records) {
    const file = downloadNameOf(record);
    const entry: ExportedImage = { file, record, recipe: recipeOf(record), embedded: true };
    exported.push(entry);
    zip.addReadStreamLazy(file, { compress: false, mtime }, (callback) => {
      withRecipe(deps.store, record).then(
        ({ bytes, embedded }) => {
          entry.embedded = embedded;
          callback(null, Readable.from([bytes]));
        },
        (error: unknown) => callback(error, Readable.from([])),
      );
    });
  }
  // The sidecars describe every entry, so they are added lazily too, after the images are read.
  zip.addReadStreamLazy(sidecarNames.json, { mtime }, (callback) =>
    callback(null, Readable.from([Buffer.from(sidecarJson(exported, deps.now()))])),
  );
  zip.addReadStreamLazy(sidecarNames.csv, { mtime }, (callback) =>
    callback(null, Readable.from([Buffer.from(sidecarCsv(exported))])),
  );
  zip.end();
  const temp = `${target}.${process.pid}.partial`;
  try {
    const out = createWriteStream(temp);
    zip.on('error', (error: Error) => out.destroy(error));
    await pipeline(zip.outputStream, out);
    const handle = await fs.open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return { path: target, count: exported.length };
}
