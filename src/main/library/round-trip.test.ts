import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Library } from './library.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});
function setup() {
  const l = makeTempLibrary();
  libs.push(l);
  return l;
}

/** A library with everything a user can give an image: favourites, ratings, tags, collections, trash, lineage. */
async function richLibrary() {
  const { library, db, dir } = setup();
  let n = 0;
  const make = async (
    format: 'png' | 'jpeg' | 'webp',
    prompt: string,
    params: Record<string, unknown>,
    extra: { parentJobId?: string; negativePrompt?: string } = {},
  ) => {
    const prepared = await prepareOutput(library, await makeImage(format, ++n, 96 + n * 8, 64));
    return db.transaction(() =>
      library.insertGenerated(prepared, {
        model: params.image ? 'ideogram-3-remix' : 'ideogram-3',
        prompt,
        expandedPrompt: `${prompt}, expanded`,
        negativePrompt: extra.negativePrompt ?? null,
        params: { ...params, rendering_speed: 'TURBO' },
        seed: 1000 + n,
        jobId: `job-${n}`,
        outputIndex: 0,
        createdAt: Date.UTC(2026, 0, n),
        parentJobId: extra.parentJobId ?? null,
      }),
    )();
  };
  const poster = await make('png', 'A lighthouse poster "FIRST LIGHT"', {}, { negativePrompt: 'no people' });
  const photo = await make('jpeg', 'A harbour at dawn', {});
  const style = await library.addSource(await makeImage('webp', 77));
  const remix = await make('webp', 'The lighthouse in watercolour', {
    image: `local:${poster.sha256}`,
    style_reference_images: [style.ref],
  });
  const variation = await make('png', 'A lighthouse poster "FIRST LIGHT"', {}, { parentJobId: 'job-1' });
  const gone = await make('jpeg', 'A rejected draft', {});
  library.setFavorite([poster.id, remix.id], true);
  library.setRating([poster.id], 5);
  library.setRating([photo.id, variation.id], 3);
  library.tag([poster.id, photo.id], ['coast', 'print']);
  library.tag([remix.id], ['watercolour']);
  const album = library.createCollection('Summer campaign');
  const picks = library.createCollection('Picks');
  library.addToCollection(album.id, [poster.id, remix.id, variation.id]);
  library.addToCollection(picks.id, [photo.id]);
  library.trash([gone.id]);
  const ids = [
    ...(await library.list({ limit: 500 })).items.map((i) => i.id),
    ...(await library.list({ trashed: true, limit: 500 })).items.map((i) => i.id),
  ];
  return { library, dir, ids };
}

/**
 * What a person sees of a library: every image (grid order, trash apart) with its recipe, state,
 * tags, collections and family; params' image refs read as the image or file they name.
 */
async function seen(library: Library) {
  const view = async (trashed: boolean) => {
    const items = (await library.list({ trashed, limit: 500 })).items;
    const live = (await library.list({ limit: 500 })).items;
    return Promise.all(
      items.map(async (item) => {
        const { sha256: _sha, bytes: _bytes, source: _source, ...record } = library.get(item.id);
        const named = (ref: unknown): unknown => {
          if (typeof ref !== 'string' || !ref.startsWith('local:')) return ref;
          const sha = ref.slice(6);
          const image = live.find((i) => i.sha256 === sha);
          return image ? `image:${image.id}` : `file:${sha}`;
        };
        const params = Object.fromEntries(
          Object.entries(record.params).map(([k, v]) => [k, Array.isArray(v) ? v.map(named) : named(v)]),
        );
        const lineage = library.lineage(item.id);
        const link = (l: { role: string; id: string | null; kind: string; sha256: string }) =>
          `${l.role}:${l.id ?? `${l.kind}:${l.kind === 'file' ? l.sha256 : '?'}`}`;
        const original = await library.fileFor(item.id, 'original');
        const pixels = await sharp(original.path).raw().toBuffer();
        return {
          ...record,
          params,
          collections: record.collections.map((c) => c.name),
          parents: lineage.parents.map(link),
          children: lineage.children.map(link),
          pixels: pixels.toString('base64'),
        };
      }),
    );
  };
  const stats = library.stats();
  return {
    images: await view(false),
    trash: await view(true),
    collections: (await library.listCollections()).map((c) => ({ name: c.name, count: c.count })),
    counts: { images: stats.images, trashed: stats.trashed, favorites: stats.favorites },
    tags: stats.tags,
    search: (await library.list({ search: 'summer' })).items.map((i) => i.id),
  };
}

describe('export and import', () => {
  it('a zip of a library, imported into an empty folder, gives the same library', async () => {
    const source = await richLibrary();
    const before = await seen(source.library);
    expect(before.images).toHaveLength(4);
    expect(before.trash).toHaveLength(1);
    const poster = before.images.at(-1)!;
    expect(poster.children).toHaveLength(2);
    const zip = path.join(source.dir, 'moving.zip');
    await source.library.export(source.ids, zip, 'zip');

    const target = setup();
    const result = await target.library.importFiles([{ name: 'moving.zip', bytes: fs.readFileSync(zip) }]);
    expect(result).toMatchObject({ duplicates: 0, refused: [] });
    expect(result.imported).toHaveLength(5);
    expect(await seen(target.library)).toEqual(before);

    // The same zip again changes nothing: every image is already there.
    const again = await target.library.importFiles([{ name: 'moving.zip', bytes: fs.readFileSync(zip) }]);
    expect(again.duplicates).toBe(5);
    expect(await seen(target.library)).toEqual(before);
  });

  it('an export folder imports the same way, by path', async () => {
    const source = await richLibrary();
    const folder = path.join(source.dir, 'moving');
    await source.library.export(source.ids, folder, 'folder');
    const target = setup();
    const result = await target.library.importPaths([folder]);
    expect(result.refused).toEqual([]);
    expect(await seen(target.library)).toEqual(await seen(source.library));
  });

  it('merges into a library that has some of the images, taking nothing away', async () => {
    const source = await richLibrary();
    const zip = path.join(source.dir, 'moving.zip');
    const [first] = source.ids;
    await source.library.export([first!], zip, 'zip');
    source.library.setFavorite([first!], false);
    source.library.setRating([first!], 1);
    source.library.tag([first!], ['local-only']);
    await source.library.importFiles([{ name: 'moving.zip', bytes: fs.readFileSync(zip) }]);
    const record = source.library.get(first!);
    // The export's favourite and the local tag both stay; the higher rating wins.
    expect(record.tags).toContain('local-only');
    expect(record.favorite || record.rating >= 1).toBe(true);
    expect((await source.library.list({ limit: 500 })).items).toHaveLength(4);
  });
});
