import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import type { ImageFormat, ImageRecord } from '../../shared/api/library.ts';
import { downloadNameOf } from '../../shared/download-name.ts';
import { AppError } from '../../shared/rpc.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { embedRecipe, recipeKeyword, type EmbeddedRecipe } from './embedded-recipe.ts';
import {
  type ExportedImage,
  type ExportedSource,
  sidecarCsv,
  sidecarJson,
  sidecarNames,
  sourcesFolder,
} from './export-sidecars.ts';
import type { FileStore } from './file-store.ts';
import { extensionOf } from './image-format.ts';
import type { ExportedEdge } from './lineage.ts';

export interface ExportDeps {
  store: FileStore;
  records: (ids: string[]) => ImageRecord[];
  lineage: (id: string) => ExportedEdge[];
  /** The format of a stored file that is a source (not a library image), or null. */
  sourceFormat: (sha256: string) => ImageFormat | null;
  now: () => number;
}

/** Each record with its file name and lineage, and the source files its lineage needs. */
function plan(deps: ExportDeps, ids: string[]) {
  const images: ExportedImage[] = deps.records(ids).map((record) => ({
    file: downloadNameOf(record),
    record,
    recipe: recipeOf(record),
    embedded: true,
    lineage: deps.lineage(record.id),
  }));
  const sources = new Map<string, ExportedSource>();
  for (const image of images) {
    for (const edge of image.lineage) {
      const format = edge.parentId === null ? deps.sourceFormat(edge.sha256) : null;
      if (format && !sources.has(edge.sha256)) {
        sources.set(edge.sha256, {
          file: `${sourcesFolder}/${edge.sha256}${extensionOf[format]}`,
          sha256: edge.sha256,
        });
      }
    }
  }
  return { images, sources: [...sources.values()] };
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
  const { images, sources } = plan(deps, ids);
  for (const image of images) {
    const { bytes, embedded } = await withRecipe(deps.store, image.record);
    image.embedded = embedded;
    await writeFileAtomic(path.join(dir, image.file), bytes);
  }
  if (sources.length > 0) await fs.mkdir(path.join(dir, sourcesFolder), { recursive: true });
  for (const source of sources) {
    await writeFileAtomic(path.join(dir, source.file), await fs.readFile(deps.store.pathFor(source.sha256)));
  }
  await writeFileAtomic(
    path.join(dir, sidecarNames.json),
    Buffer.from(sidecarJson(images, sources, deps.now())),
  );
  await writeFileAtomic(path.join(dir, sidecarNames.csv), Buffer.from(sidecarCsv(images)));
  return { path: dir, count: images.length };
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
  const { images: exported, sources } = plan(deps, ids);
  const zip = new yazl.ZipFile();
  const mtime = new Date(deps.now());
  for (const entry of exported) {
    zip.addReadStreamLazy(entry.file, { compress: false, mtime }, (callback) => {
      withRecipe(deps.store, entry.record).then(
        ({ bytes, embedded }) => {
          entry.embedded = embedded;
          callback(null, Readable.from([bytes]));
        },
        (error: unknown) => callback(error, Readable.from([])),
      );
    });
  }
  for (const source of sources) {
    zip.addReadStreamLazy(source.file, { compress: false, mtime }, (callback) =>
      callback(null, createReadStream(deps.store.pathFor(source.sha256))),
    );
  }
  // The sidecars describe every entry, so they are added lazily too, after the images are read.
  zip.addReadStreamLazy(sidecarNames.json, { mtime }, (callback) =>
    callback(null, Readable.from([Buffer.from(sidecarJson(exported, sources, deps.now()))])),
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
