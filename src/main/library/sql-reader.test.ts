import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { createSqlReader } from './sql-reader.ts';
import { makeImage, makeTempLibrary, prepareOutput } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

describe('SQL reader thread', () => {
  it('reads what main wrote, carries AppErrors across, and refuses calls once closed', async () => {
    const l = makeTempLibrary();
    libs.push(l);
    const reader = createSqlReader(l.db.name);
    expect(reader.ready).toBe(false);
    const prepared = await prepareOutput(l.library, await makeImage('png', 5));
    const record = l.library.insertGenerated(prepared, {
      model: 'ideogram-3',
      prompt: 'a kite',
      params: {},
      jobId: 'j',
    });
    // Main's commit is visible to the thread's next read: WAL, no waiting.
    expect((await reader.run('list', { search: 'kite' })).items.map((i) => i.id)).toEqual([record.id]);
    expect(reader.ready).toBe(true);
    const error = await reader.run('list', { cursor: 'nonsense' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/cursor does not fit/),
    });
    await reader.close();
    await expect(reader.run('list', {})).rejects.toMatchObject({ code: 'unavailable' });
  });
});
