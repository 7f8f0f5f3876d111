/**
 * Imports of real photographic-sized PNGs (1024 x 1024 gradients with grain, 1.5-3 MB, each unique),
 * measured side by side on the same files, taking turns chunk by chunk (order swapped every chunk) so
 * load from anything else on a shared machine falls on every side alike:
 * - our import (hash, probe, one decode for both thumbnails, durable writes, metadata, database)
 *   against raw sharp doing only its part of that (header, one decode, the same two WebP thumbnails);
 * - our thumbnails against today's baseline, which ran the pipeline once per size (two decodes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { Library } from '../src/main/library/library.ts';
import { createThumbnails, decodeOptions, thumbnailSizes } from '../src/main/library/thumbnails.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';

export async function makeImportFiles(dir: string, count: number): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const side = 1024;
  for (let i = 0; i < count; i++) {
    const raw = Buffer.alloc(side * side * 3);
    const r = mulberry32(1000 + i);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const o = (y * side + x) * 3;
        const grain = (r() * 24) | 0;
        raw[o] = (x / 4 + i * 7 + grain) & 255;
        raw[o + 1] = (y / 4 + grain) & 255;
        raw[o + 2] = ((x + y) / 8 + i * 3 + grain) & 255;
      }
    }
    const file = path.join(dir, `image-${String(i).padStart(4, '0')}.png`);
    await sharp(raw, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toFile(file);
    files.push(file);
  }
  return files;
}

const workers = Math.max(2, Math.min(4, os.availableParallelism()));
const webp = { quality: 80, effort: 2 } as const;
const fit = (size: number) =>
  ({ width: size, height: size, fit: 'inside', withoutEnlargement: true }) as const;

/** Runs `work` on every file, `workers` at a time (the importer's own pool size); seconds taken. */
async function pool(files: string[], work: (file: string, i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < files.length) {
        const i = next++;
        await work(files[i]!, i);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Sharp's share of an import and nothing else: header, one decode, both thumbnails in memory. */
function rawSharp(files: string[]): Promise<number> {
  return pool(files, async (file) => {
    const bytes = await fs.promises.readFile(file);
    await sharp(bytes).metadata();
    const { data, info } = await sharp(bytes, decodeOptions)
      .rotate()
      .resize(fit(thumbnailSizes.preview))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = { raw: { width: info.width, height: info.height, channels: info.channels } };
    await Promise.all(
      Object.values(thumbnailSizes).map((size) =>
        sharp(data, pixels).resize(fit(size)).webp(webp).toBuffer(),
      ),
    );
  });
}

/** Today's baseline before this change: one pipeline per size through clone(), so two decodes. */
function twoDecodeThumbnails(files: string[], outDir: string): Promise<number> {
  return pool(files, async (file, i) => {
    const image = sharp(file, decodeOptions).rotate();
    await Promise.all(
      Object.entries(thumbnailSizes).map(([kind, size]) =>
        image
          .clone()
          .resize(fit(size))
          .webp(webp)
          .toFile(path.join(outDir, `${i}-${kind}.webp`)),
      ),
    );
  });
}

function oneDecodeThumbnails(files: string[], outDir: string, round: number): Promise<number> {
  const thumbnails = createThumbnails(outDir);
  return pool(files, (file, i) =>
    thumbnails.ensure(`${round}`.padStart(8, '0') + String(i).padStart(56, '0'), file, { force: true }),
  );
}

async function importChunk(library: Library, files: string[]): Promise<number> {
  const started = performance.now();
  const result = await library.importPaths(files);
  const seconds = (performance.now() - started) / 1000;
  if (result.imported.length !== files.length || result.duplicates > 0 || result.refused.length > 0) {
    throw new Error(`import went wrong: ${JSON.stringify({ ...result, imported: result.imported.length })}`);
  }
  return seconds;
}

export interface ImportRun {
  images: number;
  megabytes: number;
  workers: number;
  rawSeconds: number;
  importSeconds: number;
  twoDecodeSeconds: number;
  oneDecodeSeconds: number;
}

export async function measureImports(library: Library, files: string[], scratch: string): Promise<ImportRun> {
  await rawSharp(files.slice(0, 8)); // warm-up, untimed
  const run: ImportRun = {
    images: files.length,
    megabytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0) / 2 ** 20,
    workers,
    rawSeconds: 0,
    importSeconds: 0,
    twoDecodeSeconds: 0,
    oneDecodeSeconds: 0,
  };
  const chunk = 20;
  for (let i = 0; i < files.length; i += chunk) {
    const part = files.slice(i, i + chunk);
    const out = fs.mkdtempSync(path.join(scratch, 'thumbs-'));
    const sides = [
      async () => (run.rawSeconds += await rawSharp(part)),
      async () => (run.importSeconds += await importChunk(library, part)),
      async () => (run.twoDecodeSeconds += await twoDecodeThumbnails(part, out)),
      async () => (run.oneDecodeSeconds += await oneDecodeThumbnails(part, out, i)),
    ];
    for (const side of (i / chunk) % 2 === 0 ? sides : sides.toReversed()) await side();
    fs.rmSync(out, { recursive: true, force: true });
  }
  return run;
}
