import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insertImageRow } from '../library/image-rows.ts';
import { makeImage, makeTempLibrary, prepareOutput } from '../library/test-support/fixtures.ts';
import { emptyTrashFilesFirst } from './disk-full-trash.ts';

describe('emptying the trash files first', () => {
  it('removes only files that no kept image or remix source needs, then the rows', async () => {
    const { db, library, cleanup } = makeTempLibrary();
    try {
      const recipe = (prompt: string) => ({ model: 'ideogram-3', prompt, params: {}, seed: 1 });
      const onlyTrashed = await prepareOutput(library, await makeImage('png', 1));
      const shared = await prepareOutput(library, await makeImage('png', 2));
      const alsoSource = await prepareOutput(library, await makeImage('png', 3));
      const gone = insertImageRow(db, onlyTrashed, recipe('gone'), 'generated', 1).id;
      const sharedTrashed = insertImageRow(db, shared, recipe('shared, trashed'), 'generated', 2).id;
      insertImageRow(db, shared, recipe('shared, kept'), 'generated', 3);
      const sourceTrashed = insertImageRow(db, alsoSource, recipe('a source too'), 'generated', 4).id;
      await library.addSource(await makeImage('png', 3));
      library.trash([gone, sharedTrashed, sourceTrashed]);
      const file = (sha: string) =>
        library.blobFileFor(sha).then(
          (f) => f.path,
          () => null,
        );
      const paths = {
        gone: (await file(onlyTrashed.sha256))!,
        shared: (await file(shared.sha256))!,
        source: (await file(alsoSource.sha256))!,
      };

      const result = await emptyTrashFilesFirst(db, library, library.dataDir);
      expect(result).toEqual({ removed: 3, filesRemoved: 1 });
      expect(fs.existsSync(paths.gone)).toBe(false);
      expect(fs.existsSync(paths.shared)).toBe(true);
      expect(fs.existsSync(paths.source)).toBe(true);
      expect((await library.list({ trashed: true })).items).toHaveLength(0);
    } finally {
      cleanup();
    }
  });

  it('empties only the chosen trashed images when given ids', async () => {
    const { db, library, cleanup } = makeTempLibrary();
    try {
      const a = await prepareOutput(library, await makeImage('png', 5));
      const b = await prepareOutput(library, await makeImage('png', 6));
      const recipe = { model: 'ideogram-3', prompt: 'x', params: {}, seed: 1 };
      const idA = insertImageRow(db, a, recipe, 'generated', 1).id;
      const idB = insertImageRow(db, b, recipe, 'generated', 2).id;
      library.trash([idA, idB]);
      expect(await emptyTrashFilesFirst(db, library, library.dataDir, [idA])).toEqual({
        removed: 1,
        filesRemoved: 1,
      });
      expect((await library.list({ trashed: true })).items.map((item) => item.id)).toEqual([idB]);
      expect(fs.existsSync((await library.blobFileFor(b.sha256)).path)).toBe(true);
    } finally {
      cleanup();
    }
  });
});
