import fs from 'node:fs';
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

/** The nice value of each of this process's worker threads, from the kernel's own accounts. */
function workerThreadNices(): number[] {
  return fs.readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After the name, in parentheses and maybe holding spaces: the state is field 3, nice field 19.
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      return name === 'WorkerThread' ? [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])] : [];
    } catch {
      return []; // a thread that ended meanwhile
    }
  });
}

describe.runIf(process.platform === 'linux')('a background SQL reader', () => {
  it("runs its thread at the lowest CPU priority; the page's reader keeps the normal one", async () => {
    const l = makeTempLibrary();
    libs.push(l);
    const lowest = () => workerThreadNices().filter((nice) => nice === 19).length;
    const before = lowest();
    const page = createSqlReader(l.db.name);
    await page.run('collections', null);
    expect(lowest()).toBe(before);
    const background = createSqlReader(l.db.name, { background: true });
    expect(await background.run('list', {})).toMatchObject({ items: [] });
    expect(lowest()).toBe(before + 1);
    await background.close();
    await page.close();
  });
});
