import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

const day = 24 * 3600 * 1000;

describe('trash retention', () => {
  it('deletes for good only what has been in the trash longer than the setting, files included', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const l = makeTempLibrary({ now: () => clock });
    libs.push(l);
    const { library, db } = l;
    const add = async (n: number) => {
      const prepared = await prepareOutput(library, await makeImage('png', n));
      return db.transaction(() =>
        library.insertGenerated(prepared, {
          model: 'ideogram-3',
          prompt: `image ${n}`,
          params: {},
          jobId: `job-${n}`,
          outputIndex: 0,
        }),
      )().id;
    };
    const [old, recent, kept] = [await add(1), await add(2), await add(3)];
    const oldFile = (await library.fileFor(old, 'original')).path;
    library.trash([old]);
    clock += 20 * day;
    library.trash([recent]);
    clock += 11 * day;

    expect(await library.purgeTrash(30)).toEqual({ removed: 1, filesRemoved: 1 });
    expect(fs.existsSync(oldFile)).toBe(false);
    expect((await library.list({ trashed: true })).items.map((i) => i.id)).toEqual([recent]);
    expect((await library.list({})).items.map((i) => i.id)).toEqual([kept]);
    expect(await library.purgeTrash(30)).toEqual({ removed: 0, filesRemoved: 0 });
  });
});
