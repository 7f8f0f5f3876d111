import fs from 'node:fs/promises';
import path from 'node:path';
import { libraryLimits, type ImportResult } from '../../shared/api/library.ts';
import { parseManifest, sidecarNames, sourcesFolder, type Manifest } from './export-sidecars.ts';
import type { ImportItem } from './importer.ts';
import { openZip } from './zip-reader.ts';

const imageExtensions = new Set(['.png', '.jpg', '.jpeg', '.webp']);
const isSidecar = (name: string) => name === sidecarNames.json || name === sidecarNames.csv;
/** Archive clutter from other tools: macOS resource forks, hidden files. */
const isClutter = (name: string) =>
  name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');

/** Items for the files of an export (zip or folder) as their manifest lists them. */
function itemsOf(
  names: string[],
  manifest: Manifest | null,
  read: (name: string) => Promise<Uint8Array>,
  label: (name: string) => string,
): { items: ImportItem[]; refused: ImportResult['refused'] } {
  const items: ImportItem[] = [];
  const refused: ImportResult['refused'] = [];
  const sources = new Set(manifest?.sources.map((source) => source.file));
  for (const name of names) {
    if (isSidecar(name) || isClutter(name)) continue;
    if (!imageExtensions.has(path.posix.extname(name).toLowerCase())) {
      refused.push({
        name: label(name),
        reason: 'Only PNG, JPEG and WebP images can be added; this file is something else.',
      });
      continue;
    }
    const source = sources.has(name) || name.startsWith(`${sourcesFolder}/`);
    const meta = source ? undefined : manifest?.images.get(name);
    items.push({
      name: label(name),
      read: async () => ({ bytes: await read(name) }),
      ...(source ? { kind: 'source' as const } : {}),
      ...(meta ? { meta } : {}),
    });
  }
  return { items, refused };
}

/**
 * An export zip (ours or anyone's): its images, and with our manifest their favourites, tags,
 * collections, trash and lineage, plus the source files remixes were made from. `close` releases
 * the zip once the import is done.
 */
export async function itemsFromZip(source: string | Buffer, label: string) {
  const zip = await openZip(source, libraryLimits.maxImageBytes);
  try {
    const manifest = zip.names.includes(sidecarNames.json)
      ? parseManifest((await zip.read(sidecarNames.json)).toString('utf8'))
      : null;
    const { items, refused } = itemsOf(
      zip.names,
      manifest,
      (name) => zip.read(name),
      (name) => `${label}: ${name}`,
    );
    return { items, refused, close: () => zip.close() };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** An export folder (it has our sidecar at its top): the same as its zip would be. */
export async function itemsFromExportFolder(dir: string) {
  const manifest = parseManifest(await fs.readFile(path.join(dir, sidecarNames.json), 'utf8'));
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  const names = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  return itemsOf(
    names,
    manifest,
    (name) => fs.readFile(path.join(dir, ...name.split('/'))),
    (name) => path.join(dir, name),
  );
}
