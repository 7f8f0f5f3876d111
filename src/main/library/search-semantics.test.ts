import { afterEach, describe, expect, it } from 'vitest';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

/** Three images that each hold "people" in a different place. */
async function seed() {
  const l = makeTempLibrary();
  libs.push(l);
  const { library, db } = l;
  const add = async (n: number, prompt: string, negativePrompt: string | null, expandedPrompt?: string) => {
    const prepared = await prepareOutput(library, await makeImage('png', n));
    return db.transaction(() =>
      library.insertGenerated(prepared, {
        model: 'ideogram-3',
        prompt,
        expandedPrompt: expandedPrompt ?? null,
        negativePrompt,
        params: {},
        jobId: `job-${n}`,
        outputIndex: 0,
        createdAt: 1_000 + n,
      }),
    )().id;
  };
  const crowd = await add(1, 'A crowd of people at a market', null);
  const empty = await add(2, 'An empty beach at dawn', 'no people, no boats');
  const poster = await add(3, 'A festival poster', null, 'A poster of people dancing under lanterns');
  return { library, crowd, empty, poster };
}

describe('search', () => {
  it('looks in prompts and expanded prompts, not in negative prompts', async () => {
    const { library, crowd, poster } = await seed();
    expect((await library.list({ search: 'people' })).items.map((i) => i.id)).toEqual([poster, crowd]);
    expect((await library.list({ search: 'peop' })).items.map((i) => i.id)).toEqual([poster, crowd]);
    expect((await library.list({ search: 'boats' })).items).toEqual([]);
  });

  it('looks in negative prompts when asked: negative:word alone, or the checkbox for every word', async () => {
    const { library, crowd, empty, poster } = await seed();
    expect((await library.list({ search: 'negative:people' })).items.map((i) => i.id)).toEqual([empty]);
    expect((await library.list({ search: 'NEGATIVE:boa' })).items.map((i) => i.id)).toEqual([empty]);
    expect((await library.list({ search: 'beach negative:people' })).items.map((i) => i.id)).toEqual([empty]);
    expect((await library.list({ search: 'market negative:people' })).items).toEqual([]);
    expect((await library.list({ search: 'people', negative: true })).items.map((i) => i.id)).toEqual([
      poster,
      empty,
      crowd,
    ]);
    const [hit] = (await library.list({ search: 'negative:boats' })).items;
    expect(hit?.snippet?.filter((p) => p.match).map((p) => p.text)).toEqual(['boats']);
  });

  it('finds tags and collection names, and says where the word was', async () => {
    const { library, empty, poster } = await seed();
    library.tag([poster], ['lanternfest']);
    const album = library.createCollection('Summer shoot');
    library.addToCollection(album.id, [empty]);
    expect((await library.list({ search: 'lanternf' })).items.map((i) => i.id)).toEqual([poster]);
    const found = (await library.list({ search: 'summer' })).items;
    expect(found.map((i) => i.id)).toEqual([empty]);
    expect(found[0]?.snippet).toEqual([
      { text: 'Summer', match: true },
      { text: ' shoot', match: false },
    ]);
    library.renameCollection(album.id, 'Winter shoot');
    expect((await library.list({ search: 'summer' })).items).toEqual([]);
    expect((await library.list({ search: 'winter' })).items.map((i) => i.id)).toEqual([empty]);
  });
});
