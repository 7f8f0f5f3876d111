import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChangedImage,
  changedImagesCarried,
  libraryLimits,
  type LibraryChange,
} from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { insertImageRow } from './image-rows.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});
function setup(options: { now?: () => number } = {}) {
  const l = makeTempLibrary(options);
  libs.push(l);
  return l;
}

const recipe = (jobId: string, outputIndex = 0) => ({
  model: 'ideogram-3',
  prompt: 'A red fox in fresh snow',
  expandedPrompt: 'A photo of a red fox standing in fresh powder snow at dawn',
  negativePrompt: 'blurry',
  params: { aspect_ratio: '1:1', style_codes: ['AB12CD34'] },
  seed: 42,
  jobId,
  outputIndex,
});

/** A row with no file behind it: for tests about rows, by the thousand. */
const rowOnly = (i: number) =>
  ({
    sha256: i.toString(16).padStart(64, '0'),
    format: 'png',
    mime: 'image/png',
    bytes: 1,
    width: 2,
    height: 1,
    embedded: null,
  }) as const;

async function expectAppError(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect((error as AppError).message).toMatch(message);
}

describe('prepareImageFile + insertGenerated', () => {
  it('stores the original and two thumbnails once and keeps the full recipe', async () => {
    const { library, db } = setup();
    const prepared = await prepareOutput(library, await makeImage('png', 1, 640, 480));
    expect(prepared).toMatchObject({
      format: 'png',
      mime: 'image/png',
      width: 640,
      height: 480,
      embedded: null,
    });
    const record = db.transaction(() => library.insertGenerated(prepared, recipe('job-1')))();
    expect(record).toMatchObject({
      model: 'ideogram-3',
      expandedPrompt: 'A photo of a red fox standing in fresh powder snow at dawn',
      negativePrompt: 'blurry',
      params: { aspect_ratio: '1:1', style_codes: ['AB12CD34'] },
      seed: 42,
      jobId: 'job-1',
      outputIndex: 0,
      source: 'generated',
      orientation: 'landscape',
      tags: [],
    });
    expect(library.get(record.id)).toEqual(record);
    const thumb = await library.fileFor(record.id, 'thumb');
    const preview = await library.fileFor(record.id, 'preview');
    expect(thumb.contentType).toBe('image/webp');
    expect(fs.readFileSync(thumb.path).subarray(8, 12).toString()).toBe('WEBP');
    expect(preview.bytes).toBeGreaterThan(0);
    const original = await library.fileFor(record.id, 'original');
    expect(original).toMatchObject({ contentType: 'image/png', bytes: prepared.bytes });
  });

  it('makes only the thumbnails asked for up front, and the others on their first request', async () => {
    const { library, db } = setup();
    const prepared = await prepareOutput(library, await makeImage('png', 3, 800, 600), ['thumb']);
    const record = db.transaction(() => library.insertGenerated(prepared, recipe('job-lazy')))();
    const thumb = await library.fileFor(record.id, 'thumb');
    const previewPath = thumb.path.replace(/-thumb\.webp$/, '-preview.webp');
    expect(fs.existsSync(thumb.path)).toBe(true);
    expect(fs.existsSync(previewPath)).toBe(false);
    const preview = await library.fileFor(record.id, 'preview');
    expect(preview.path).toBe(previewPath);
    expect(fs.readFileSync(preview.path).subarray(8, 12).toString()).toBe('WEBP');
  });

  it('adopts a downloaded file by renaming it into the store, once per content', async () => {
    const { library, db } = setup();
    const bytes = await makeImage('png', 4, 320, 200);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const first = await library.tempFile('job-file-0');
    fs.writeFileSync(first, bytes);
    const prepared = await library.prepareImageFile(first, { sha256, thumbnails: ['thumb'] });
    expect(prepared).toMatchObject({ sha256, format: 'png', width: 320, height: 200, bytes: bytes.length });
    expect(fs.existsSync(first)).toBe(false);
    const record = db.transaction(() => library.insertGenerated(prepared, recipe('job-file')))();
    const original = await library.fileFor(record.id, 'original');
    expect(fs.readFileSync(original.path).equals(bytes)).toBe(true);

    const again = await library.tempFile('job-file-1');
    fs.writeFileSync(again, bytes);
    await library.prepareImageFile(again, { sha256, thumbnails: ['thumb'] });
    expect(fs.existsSync(again)).toBe(false);

    const broken = await library.tempFile('job-file-2');
    fs.writeFileSync(broken, bytes.subarray(0, 100));
    await expectAppError(
      library.prepareImageFile(broken, { sha256: 'f'.repeat(64) }),
      'unsupported_file',
      /damaged/,
    );
  });

  it('stores a job output exactly once, even when a crashed job stores it again', async () => {
    const { library, db } = setup();
    const bytes = await makeImage('png', 2);
    const first = library.insertGenerated(await prepareOutput(library, bytes), recipe('job-2', 1));
    const again = library.insertGenerated(await prepareOutput(library, bytes), recipe('job-2', 1));
    expect(again.id).toBe(first.id);
    expect(db.prepare('SELECT count(*) AS n FROM images').get()).toEqual({ n: 1 });
  });

  it('refuses files that are not PNG, JPEG or WebP, and damaged ones, with a clear error', async () => {
    const { library } = setup();
    await expectAppError(
      prepareOutput(library, Buffer.from('GIF89a....')),
      'unsupported_file',
      /Only PNG, JPEG and WebP/,
    );
    await expectAppError(prepareOutput(library, Buffer.alloc(0)), 'unsupported_file', /empty/);
    const png = await makeImage('png', 3, 300, 300);
    await expectAppError(
      prepareOutput(library, png.subarray(0, 120)),
      'unsupported_file',
      /PNG file is damaged/,
    );
    const jpeg = await makeImage('jpeg', 3, 300, 300);
    const garbled = Buffer.concat([jpeg.subarray(0, 40), Buffer.alloc(200, 0x55)]);
    await expectAppError(prepareOutput(library, garbled), 'unsupported_file', /JPEG file is damaged/);
  });

  it('keeps remix sources out of the library but serves their bytes by hash', async () => {
    const { library } = setup();
    const bytes = await makeImage('jpeg', 4);
    const source = await library.addSource(bytes);
    expect(source).toMatchObject({
      ref: `local:${source.sha256}`,
      mime: 'image/jpeg',
      width: 64,
      height: 48,
    });
    expect((await library.list({})).items).toEqual([]);
    expect(await library.readBlob(source.sha256)).toEqual({ bytes, mime: 'image/jpeg' });
    await expectAppError(library.readBlob('f'.repeat(64)), 'not_found', /not stored here/);
    await expectAppError(
      library.addSource(Buffer.alloc(11 * 1024 * 1024, 1)),
      'too_large',
      /limit is 10.0 MB/,
    );
  });
});

describe('list', () => {
  async function seed(library: ReturnType<typeof setup>['library']) {
    const specs = [
      { prompt: 'A red fox in snow', model: 'ideogram-3', w: 64, h: 48, at: 1_000 },
      { prompt: 'Foxglove flowers on a wall', model: 'ideogram-2a', w: 48, h: 64, at: 2_000 },
      { prompt: 'Lighthouse at night', model: 'ideogram-3', w: 50, h: 50, at: 3_000 },
      { prompt: 'A fox cub sleeping', model: 'ideogram-3', w: 64, h: 48, at: 4_000 },
      { prompt: 'Mountain lake', model: 'ideogram-2a', w: 64, h: 48, at: 5_000 },
    ];
    const ids: string[] = [];
    for (const [i, s] of specs.entries()) {
      const prepared = await prepareOutput(library, await makeImage('png', 10 + i, s.w, s.h));
      ids.push(
        library.insertGenerated(prepared, {
          model: s.model,
          prompt: s.prompt,
          params: {},
          jobId: `j${i}`,
          createdAt: s.at,
        }).id,
      );
    }
    return ids;
  }

  it('pages newest first with a keyset cursor and counts on the first page', async () => {
    const { library } = setup();
    const ids = await seed(library);
    const first = await library.list({ limit: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((i) => i.id)).toEqual([ids[4], ids[3]]);
    const second = await library.list({ limit: 2, cursor: first.nextCursor! });
    expect(second.total).toBeUndefined();
    expect(second.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    const third = await library.list({ limit: 2, cursor: second.nextCursor! });
    expect(third.items.map((i) => i.id)).toEqual([ids[0]]);
    expect(third.nextCursor).toBeNull();
    expect((await library.list({ sort: 'oldest', limit: 1 })).items[0]!.id).toBe(ids[0]);
    await expect(library.list({ cursor: 'garbage' })).rejects.toThrow(/cursor does not fit/);
    await expect(library.list({ sort: 'rating', cursor: first.nextCursor! })).rejects.toThrow(
      /cursor does not fit/,
    );
  });

  it('filters by model, dates, favourite, rating, orientation, collection and tag', async () => {
    const { library } = setup();
    const ids = await seed(library);
    const idsOf = async (q: Parameters<typeof library.list>[0]) =>
      (await library.list(q)).items.map((i) => i.id);
    expect(await idsOf({ model: 'ideogram-2a' })).toEqual([ids[4], ids[1]]);
    expect(await idsOf({ from: 2_000, to: 4_000 })).toEqual([ids[3], ids[2], ids[1]]);
    library.setFavorite([ids[0]!, ids[2]!], true);
    expect(await idsOf({ favorite: true })).toEqual([ids[2], ids[0]]);
    library.setRating([ids[1]!], 4);
    library.setRating([ids[3]!], 2);
    expect(await idsOf({ minRating: 2 })).toEqual([ids[3], ids[1]]);
    expect(await idsOf({ sort: 'rating', limit: 3 })).toEqual([ids[1], ids[3], ids[4]]);
    expect(await idsOf({ orientation: 'portrait' })).toEqual([ids[1]]);
    expect(await idsOf({ orientation: 'square' })).toEqual([ids[2]]);
    const album = library.createCollection('Animals');
    library.addToCollection(album.id, [ids[0]!, ids[3]!]);
    expect(await idsOf({ collectionId: album.id })).toEqual([ids[3], ids[0]]);
    library.tag([ids[2]!], ['night']);
    expect(await idsOf({ tag: 'night' })).toEqual([ids[2]]);
  });

  it('counts the whole library exactly and filtered lists up to the cap', async () => {
    const { library, db } = setup();
    const rows = libraryLimits.countCap + 5;
    db.transaction(() => {
      for (let i = 0; i < rows; i++) {
        insertImageRow(
          db,
          rowOnly(i),
          { model: 'm', prompt: `lake ${i}`, params: {}, createdAt: 1000 + i },
          'generated',
          0,
        );
      }
    })();
    expect(await library.list({ limit: 1 })).toMatchObject({ total: rows });
    expect(await library.list({ limit: 1, model: 'm' })).toMatchObject({
      total: libraryLimits.countCap,
      totalCapped: true,
    });
    expect(await library.list({ limit: 1, search: 'lake' })).toMatchObject({
      total: libraryLimits.countCap,
      totalCapped: true,
    });
    expect(await library.list({ limit: 1, search: '1004' })).toEqual(expect.objectContaining({ total: 1 }));
    expect((await library.list({ limit: 1, search: '1004' })).totalCapped).toBeUndefined();
  });

  it('searches prompts, tags and style codes by word prefix with highlighted snippets', async () => {
    const { library } = setup();
    const ids = await seed(library);
    const found = await library.list({ search: 'fox' });
    expect(found.items.map((i) => i.id)).toEqual([ids[3], ids[1], ids[0]]);
    expect(found.total).toBe(3);
    expect(found.items[0]!.snippet).toEqual([
      { text: 'A ', match: false },
      { text: 'fox', match: true },
      { text: ' cub sleeping', match: false },
    ]);
    expect((await library.list({ search: 'fox sle' })).items.map((i) => i.id)).toEqual([ids[3]]);
    // Operators and quotes are plain text, never FTS syntax errors.
    expect((await library.list({ search: 'fox" OR NEAR(' })).items).toEqual([]);
    expect((await library.list({ search: '  ***  ' })).items).toHaveLength(5);
    library.tag([ids[4]!], ['vacation']);
    expect((await library.list({ search: 'vaca' })).items.map((i) => i.id)).toEqual([ids[4]]);
  });
});

describe('actions', () => {
  it('says how each changed image now looks, for up to 100 at a time, so the page need not ask', async () => {
    const { library, db } = setup();
    const changes: LibraryChange[] = [];
    library.onChange((c) => changes.push(c));
    const ids = db.transaction(() =>
      Array.from({ length: changedImagesCarried + 1 }, (_, i) => {
        const recipe = { model: 'm', prompt: `poster ${i}`, params: {}, createdAt: 1000 + i };
        return insertImageRow(db, rowOnly(i), recipe, 'generated', 0).id;
      }),
    )();
    const [first, second] = ids as [string, string];
    const spring = library.createCollection('Spring');
    library.tag([first], ['poster', 'draft']);
    library.addToCollection(spring.id, [first]);
    const answer = library.setRating([first, second], 4);
    const rated = changes.at(-1)!;
    expect(rated).toMatchObject({ kind: 'updated', ids: [first, second] });
    // The answer to the page that asked carries the same images, so it need not look them up.
    expect(answer).toEqual({ updated: 2, images: rated.images });
    // Exactly what library:get would have said, in the shape the grid's filters ask about.
    const asked = (id: string) => {
      const record = library.get(id);
      return ChangedImage.parse({ ...record, collectionIds: record.collections.map((c) => c.id) });
    };
    expect(rated.images?.toSorted((a, b) => a.id.localeCompare(b.id))).toEqual(
      [first, second].toSorted().map(asked),
    );
    expect(rated.images?.find((image) => image.id === first)).toMatchObject({
      rating: 4,
      tags: ['draft', 'poster'],
      collectionIds: [spring.id],
    });

    library.trash([second]);
    expect(changes.at(-1)!.images).toEqual([
      expect.objectContaining({ id: second, trashedAt: expect.any(Number) }),
    ]);
    // More than a page's worth says which images, not what: the page reloads for so many.
    expect(library.setRating(ids, 2)).toEqual({ updated: ids.length });
    expect(changes.at(-1)!.ids.length).toBeGreaterThan(changedImagesCarried);
    expect(changes.at(-1)!.images).toBeUndefined();
  });

  it('trashes, restores and empties the trash, removing files nothing else uses', async () => {
    const { library } = setup();
    const changes: LibraryChange[] = [];
    library.onChange((c) => changes.push(c));
    const shared = await makeImage('png', 20);
    const a = library.insertGenerated(await prepareOutput(library, shared), recipe('t1'));
    const b = library.insertGenerated(await prepareOutput(library, shared), recipe('t2'));
    const c = library.insertGenerated(await prepareOutput(library, await makeImage('png', 21)), recipe('t3'));
    const cFile = (await library.fileFor(c.id, 'original')).path;
    const cThumb = (await library.fileFor(c.id, 'thumb')).path;

    expect(library.trash([a.id, c.id])).toMatchObject({ updated: 2 });
    expect(library.trash([a.id])).toMatchObject({ updated: 0 });
    expect((await library.list({})).items.map((i) => i.id)).toEqual([b.id]);
    expect((await library.list({ trashed: true })).items.map((i) => i.id).sort()).toEqual(
      [a.id, c.id].sort(),
    );
    expect(library.restore([c.id])).toMatchObject({ updated: 1 });
    library.trash([c.id]);

    expect(await library.emptyTrash()).toEqual({ removed: 2, filesRemoved: 1 });
    expect(fs.existsSync(cFile)).toBe(false);
    expect(fs.existsSync(cThumb)).toBe(false);
    // b still shows the bytes it shared with a.
    expect(fs.existsSync((await library.fileFor(b.id, 'original')).path)).toBe(true);
    await expect(library.fileFor(a.id, 'original')).rejects.toMatchObject({ code: 'not_found' });
    await Promise.resolve();
    expect(changes.some((ch) => ch.kind === 'removed' && ch.ids.includes(a.id))).toBe(true);
  });

  it('never deletes a file a remix source still needs', async () => {
    const { library } = setup();
    const bytes = await makeImage('png', 22);
    const image = library.insertGenerated(await prepareOutput(library, bytes), recipe('s1'));
    const source = await library.addSource(bytes);
    library.trash([image.id]);
    expect(await library.emptyTrash([image.id])).toEqual({ removed: 1, filesRemoved: 0 });
    expect((await library.readBlob(source.sha256)).bytes).toEqual(bytes);
  });

  it('keeps a blob a job has prepared but not yet stored when the trash is emptied', async () => {
    const { library } = setup();
    const bytes = await makeImage('png', 23);
    const old = library.insertGenerated(await prepareOutput(library, bytes), recipe('r1'));
    library.trash([old.id]);
    const prepared = await prepareOutput(library, bytes);
    expect(await library.emptyTrash()).toEqual({ removed: 1, filesRemoved: 0 });
    const fresh = library.insertGenerated(prepared, recipe('r2'));
    expect((await library.fileFor(fresh.id, 'original')).bytes).toBe(bytes.length);
  });

  it('tags and untags in bulk and keeps collections in step', async () => {
    const { library } = setup();
    const a = library.insertGenerated(await prepareOutput(library, await makeImage('png', 30)), recipe('c1'));
    const b = library.insertGenerated(await prepareOutput(library, await makeImage('png', 31)), recipe('c2'));
    expect(library.tag([a.id, b.id], ['winter', 'Animals'])).toMatchObject({ updated: 2 });
    expect(library.get(a.id).tags).toEqual(['Animals', 'winter']);
    expect(library.untag([a.id], ['WINTER'])).toMatchObject({ updated: 1 });
    expect(library.get(a.id).tags).toEqual(['Animals']);
    expect(library.stats().tags).toEqual([
      { name: 'Animals', count: 2 },
      { name: 'winter', count: 1 },
    ]);

    const album = library.createCollection('Favourites');
    expect(() => library.createCollection('favourites')).toThrow(/already exists/);
    expect(library.addToCollection(album.id, [a.id, b.id])).toMatchObject({ updated: 2 });
    expect(library.addToCollection(album.id, [a.id])).toMatchObject({ updated: 0 });
    library.trash([b.id]);
    expect(await library.listCollections()).toEqual([{ ...album, count: 1, coverId: a.id }]);
    expect(library.renameCollection(album.id, 'Best').name).toBe('Best');
    expect(library.get(a.id).collections).toEqual([{ id: album.id, name: 'Best' }]);
    expect(library.removeFromCollection(album.id, [a.id])).toMatchObject({ updated: 1 });
    expect(library.deleteCollection(album.id)).toBe(true);
    expect(await library.listCollections()).toEqual([]);
    expect(() => library.renameCollection(album.id, 'x')).toThrow(/no longer exists/);
  });

  // Each integrity check starts a thread of its own: seconds on a loaded machine, not the default 5.
  it('rebuilds a missing thumbnail on demand and flags missing originals', async () => {
    const { library } = setup();
    const image = library.insertGenerated(
      await prepareOutput(library, await makeImage('png', 40)),
      recipe('i1'),
    );
    const thumb = await library.fileFor(image.id, 'thumb');
    fs.rmSync(thumb.path);
    expect((await library.fileFor(image.id, 'thumb')).bytes).toBeGreaterThan(0);
    expect(await library.checkIntegrity()).toMatchObject({ database: [], missingFiles: [] });
    fs.rmSync((await library.fileFor(image.id, 'original')).path);
    expect((await library.checkIntegrity()).missingFiles).toEqual([image.id]);
    fs.rmSync(thumb.path);
    await expect(library.fileFor(image.id, 'thumb')).rejects.toMatchObject({ code: 'not_found' });
    await expect(library.fileFor('0'.repeat(26), 'original')).rejects.toMatchObject({ code: 'not_found' });
  }, 30_000);
});
