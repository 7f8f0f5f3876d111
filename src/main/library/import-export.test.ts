import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embedRecipe, extractRecipe, recipeKeyword, type EmbeddedRecipe } from './embedded-recipe.ts';
import { sidecarNames } from './export-sidecars.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';
import { readZip } from './test-support/read-zip.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});
function setup() {
  const l = makeTempLibrary();
  libs.push(l);
  return l;
}

const recipeFor = (i: number) => ({
  model: 'ideogram-3',
  prompt: `Poster #${i}: "Café <Ünïcode>" & friends, 100% ☃`,
  expandedPrompt: `An expanded version of poster ${i}`,
  negativePrompt: i % 2 ? 'text, watermark' : null,
  params: {
    aspect_ratio: '16:9',
    rendering_speed: 'QUALITY',
    style_codes: ['A1B2C3D4'],
    nested: { a: [1, 2] },
  },
  seed: 1000 + i,
  jobId: `job-${i}`,
  outputIndex: i,
  createdAt: 1_700_000_000_000 + i,
});

async function seedAllFormats(library: ReturnType<typeof setup>['library']) {
  const formats = ['png', 'jpeg', 'webp'] as const;
  const ids: string[] = [];
  for (const [i, format] of formats.entries()) {
    const prepared = await prepareOutput(library, await makeImage(format, 50 + i, 80, 60));
    ids.push(library.insertGenerated(prepared, recipeFor(i)).id);
  }
  return ids;
}

const recipeKeys = [
  'model',
  'prompt',
  'expandedPrompt',
  'negativePrompt',
  'params',
  'seed',
  'jobId',
  'outputIndex',
  'createdAt',
  'format',
] as const;

function recipeView(record: ReturnType<ReturnType<typeof setup>['library']['get']>) {
  return Object.fromEntries(recipeKeys.map((key) => [key, record[key]]));
}

describe('embedded recipe', () => {
  const recipe: EmbeddedRecipe = {
    app: recipeKeyword,
    version: 1,
    ...recipeFor(7),
    negativePrompt: 'none',
  };

  it.each(['png', 'jpeg', 'webp'] as const)(
    'round-trips through %s metadata and the image still decodes',
    async (format) => {
      const original = await makeImage(format, 60);
      const withRecipe = embedRecipe(original, format, recipe)!;
      expect(extractRecipe(withRecipe, format)).toEqual(recipe);
      expect(extractRecipe(original, format)).toBeNull();
      const sharp = (await import('sharp')).default;
      const [a, b] = await Promise.all([original, withRecipe].map((bytes) => sharp(bytes).raw().toBuffer()));
      expect(b).toEqual(a);
      // Writing twice replaces, never stacks, the metadata.
      const twice = embedRecipe(withRecipe, format, { ...recipe, seed: 1008 })!;
      expect(extractRecipe(twice, format)?.seed).toBe(1008);
      expect(twice.length).toBe(withRecipe.length);
    },
  );

  it('ignores metadata that is not ours or is damaged', async () => {
    const png = await makeImage('png', 61);
    const foreign = embedRecipe(png, 'png', { ...recipe, version: 2 } as unknown as EmbeddedRecipe)!;
    expect(extractRecipe(foreign, 'png')).toBeNull();
    expect(extractRecipe(png.subarray(0, 30), 'png')).toBeNull();
  });
});

describe('export -> import', () => {
  it('restores every parameter from a folder export into another library', async () => {
    const from = setup();
    const ids = await seedAllFormats(from.library);
    const folder = path.join(from.dir, 'export');
    expect(await from.library.export(ids, folder, 'folder')).toEqual({ path: folder, count: 3 });
    const files = fs.readdirSync(folder).sort();
    expect(files).toContain(sidecarNames.json);
    expect(files).toContain(sidecarNames.csv);
    const sidecar = JSON.parse(fs.readFileSync(path.join(folder, sidecarNames.json), 'utf8'));
    expect(sidecar.images).toHaveLength(3);
    expect(sidecar.images[0]).toMatchObject({ model: 'ideogram-3', seed: 1000, embedded: true });
    const csv = fs.readFileSync(path.join(folder, sidecarNames.csv), 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      'file,created_at,model,prompt,expanded_prompt,negative_prompt,seed,width,height,rating,favorite,tags,params',
    );
    expect(csv).toContain('"Poster #0: ""Café <Ünïcode>"" & friends, 100% ☃"');

    const to = setup();
    const result = await to.library.importPaths([folder]);
    expect(result.refused).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.imported).toHaveLength(3);
    const restored = result.imported.map((id) => recipeView(to.library.get(id)));
    const originals = ids.map((id) => recipeView(from.library.get(id)));
    expect(restored.sort((a, b) => Number(a['createdAt']) - Number(b['createdAt']))).toEqual(originals);
    expect(to.library.get(result.imported[0]!).source).toBe('imported');

    // The same folder again: everything is a duplicate, nothing is added.
    const again = await to.library.importPaths([folder]);
    expect(again).toMatchObject({ duplicates: 3, refused: [] });
    expect((await to.library.list({})).total).toBe(3);

    // Back into the library it came from: other bytes (recipe embedded), same job outputs, so
    // duplicates, and the copies must not linger in the store.
    const storeFiles = () =>
      fs
        .readdirSync(path.join(from.dir, 'data'), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile()).length;
    const before = storeFiles();
    const home = await from.library.importPaths([folder]);
    expect(home).toMatchObject({ imported: ids.slice().sort(), duplicates: 3, refused: [] });
    expect(storeFiles()).toBe(before);
  });

  it('writes a zip holding the images and both sidecars', async () => {
    const from = setup();
    const ids = await seedAllFormats(from.library);
    const zipPath = path.join(from.dir, 'out', 'images.zip');
    expect(await from.library.export(ids, zipPath, 'zip')).toEqual({ path: zipPath, count: 3 });
    const entries = readZip(fs.readFileSync(zipPath));
    expect([...entries.keys()]).toContain(sidecarNames.csv);
    expect(JSON.parse(entries.get(sidecarNames.json)!.toString()).images).toHaveLength(3);
    const unpacked = path.join(from.dir, 'unzipped');
    fs.mkdirSync(unpacked);
    for (const [name, bytes] of entries) fs.writeFileSync(path.join(unpacked, name), bytes);
    expect(fs.readdirSync(unpacked)).toHaveLength(5);
    const to = setup();
    const result = await to.library.importPaths([unpacked]);
    expect(result.imported).toHaveLength(3);
    expect(to.library.get(result.imported[0]!).params).toEqual(recipeFor(0).params);
  });

  it('dedupes imports by content and brings a trashed duplicate back', async () => {
    const { library } = setup();
    const bytes = await makeImage('png', 70);
    const first = await library.importFiles([{ name: 'a.png', bytes }]);
    expect(first).toMatchObject({ duplicates: 0, refused: [] });
    const id = first.imported[0]!;
    expect(library.get(id)).toMatchObject({ source: 'imported', model: '', prompt: '', params: {} });
    library.trash([id]);
    const second = await library.importFiles([
      { name: 'b.png', bytes },
      { name: 'c.png', bytes },
    ]);
    expect(second).toEqual({ imported: [id, id], duplicates: 2, refused: [] });
    expect(library.get(id).trashedAt).toBeNull();
  });

  it('refuses anything that is not a PNG, JPEG or WebP by name, importing the rest', async () => {
    const { library, dir } = setup();
    const folder = path.join(dir, 'drop');
    fs.mkdirSync(path.join(folder, 'nested', '.hidden'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(folder, 'nested', 'fake.png'), 'not really a png');
    fs.writeFileSync(path.join(folder, 'nested', 'ok.webp'), await makeImage('webp', 71));
    fs.writeFileSync(path.join(folder, 'nested', '.hidden', 'skip.png'), await makeImage('png', 72));
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    const result = await library.importPaths([folder, path.join(dir, 'missing.png'), 'relative.png']);
    const byName = Object.fromEntries(result.refused.map((r) => [path.basename(r.name), r.reason]));
    expect(result.imported).toHaveLength(1);
    expect(byName).toEqual({
      'notes.txt': expect.stringMatching(/Only PNG, JPEG and WebP/),
      'fake.png': expect.stringMatching(/Only PNG, JPEG and WebP/),
      'missing.png': expect.stringMatching(/does not exist/),
      'relative.png': expect.stringMatching(/full path/),
    });
    const files = await library.importFiles([{ name: 'anim.gif', bytes: gif }]);
    expect(files.refused).toEqual([
      { name: 'anim.gif', reason: expect.stringMatching(/Only PNG, JPEG and WebP/) },
    ]);
  });
});

describe('backup and restore', () => {
  it('backs up database and files, and restores what the library lost', async () => {
    const { library, dir } = setup();
    const ids = await seedAllFormats(library);
    library.tag([ids[0]!], ['keeper']);
    const album = library.createCollection('Album');
    library.addToCollection(album.id, [ids[0]!, ids[1]!]);
    const backup = await library.backup(path.join(dir, 'backups'));
    expect(backup).toMatchObject({ images: 3, files: 3 });
    expect(fs.existsSync(path.join(backup.path, 'manifest.json'))).toBe(true);

    library.trash(ids);
    await library.emptyTrash();
    library.deleteCollection(album.id);
    expect((await library.list({})).total).toBe(0);

    expect(await library.restoreBackup(backup.path)).toEqual({ restored: 3, files: 3 });
    expect(library.get(ids[0]!)).toMatchObject({
      tags: ['keeper'],
      collections: [{ name: 'Album' }],
      seed: 1000,
    });
    expect((await library.list({ collectionId: (await library.listCollections())[0]!.id })).total).toBe(2);
    expect(fs.existsSync((await library.fileFor(ids[2]!, 'thumb')).path)).toBe(true);
    // Restoring again changes nothing.
    expect(await library.restoreBackup(backup.path)).toEqual({ restored: 0, files: 0 });
    await expect(library.restoreBackup(dir)).rejects.toMatchObject({ code: 'not_found' });
  });
});
