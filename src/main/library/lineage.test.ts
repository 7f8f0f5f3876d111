import { afterEach, describe, expect, it } from 'vitest';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

async function family() {
  const l = makeTempLibrary();
  libs.push(l);
  const { library, db } = l;
  let n = 0;
  const make = async (
    prompt: string,
    params: Record<string, unknown>,
    jobId: string,
    parentJobId?: string,
  ) => {
    const prepared = await prepareOutput(library, await makeImage('png', ++n));
    return db.transaction(() =>
      library.insertGenerated(prepared, {
        model: 'ideogram-3-remix',
        prompt,
        params,
        jobId,
        outputIndex: 0,
        createdAt: 1_000 + n,
        parentJobId: parentJobId ?? null,
      }),
    )();
  };
  const poster = await make('poster', {}, 'job-poster');
  const file = await library.addSource(await makeImage('png', 99));
  const remix = await make(
    'remix',
    { image: `local:${poster.sha256}`, style_reference_images: [file.ref] },
    'job-remix',
  );
  const variation = await make('variation', { image: `local:${poster.sha256}` }, 'job-var', 'job-remix');
  return { library, poster, file, remix, variation };
}

describe('lineage', () => {
  it('knows a remix\u2019s source image and style file, and a variation\u2019s parent', async () => {
    const { library, poster, file, remix, variation } = await family();
    expect(library.lineage(remix.id).parents).toEqual([
      {
        role: 'source',
        id: poster.id,
        sha256: poster.sha256,
        kind: 'image',
        prompt: 'poster',
        trashed: false,
      },
      { role: 'style', id: null, sha256: file.sha256, kind: 'file', prompt: '', trashed: false },
    ]);
    expect(library.lineage(variation.id).parents.map((p) => [p.role, p.id])).toEqual([
      ['source', poster.id],
      ['variation', remix.id],
    ]);
    const children = library.lineage(poster.id);
    expect(children.children.map((c) => c.id)).toEqual([remix.id, variation.id]);
    expect(children.moreChildren).toBe(false);
  });

  it('walks the whole family from any member', async () => {
    const { library, poster, file, remix, variation } = await family();
    const tree = library.family(variation.id);
    expect(tree.nodes.map((n) => n.key).toSorted()).toEqual(
      [poster.id, remix.id, variation.id, `sha:${file.sha256}`].toSorted(),
    );
    expect(tree.edges).toHaveLength(4);
    expect(tree.edges).toContainEqual({ from: remix.id, to: variation.id, role: 'variation' });
    expect(tree.truncated).toBe(false);
  });

  it('keeps a deleted parent as "missing", and finds a source file imported later by its bytes', async () => {
    const { library, poster, remix } = await family();
    library.trash([poster.id]);
    expect(library.lineage(remix.id).parents[0]).toMatchObject({ id: poster.id, trashed: true });
    await library.emptyTrash();
    expect(library.lineage(remix.id).parents[0]).toMatchObject({ id: null, kind: 'missing' });
  });
});
