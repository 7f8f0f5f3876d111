import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import { guardStorage } from './storage-guard.ts';

const { SqliteError } = Database;

function guarded(error: unknown) {
  const seen: string[] = [];
  const handlers = guardStorage({ 'test:call': () => Promise.reject(error) } as never, {
    dataDir: '/data/studio',
    onDiskFull: () => seen.push('full'),
    onCorruption: () => seen.push('corrupt'),
  }) as unknown as Record<string, () => Promise<unknown>>;
  return { call: () => handlers['test:call']!(), seen };
}

describe('storage errors reach the page as what they are', () => {
  it('a full disk: unavailable, with the data folder, and the app is told', async () => {
    for (const error of [
      new SqliteError('database or disk is full', 'SQLITE_FULL'),
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    ]) {
      const { call, seen } = guarded(error);
      await expect(call()).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringContaining(
          'The disk is full: the library is read-only until space is freed on the disk that holds /data/studio',
        ),
      });
      expect(seen).toEqual(['full']);
    }
  });

  it('a damaged file: unavailable, pointing at the recovery screen, and the app is told', async () => {
    for (const code of ['SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_NOTADB']) {
      const { call, seen } = guarded(new SqliteError('database disk image is malformed', code));
      await expect(call()).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/recovery screen/),
      });
      expect(seen).toEqual(['corrupt']);
    }
  });

  it('leaves worded errors and bugs alone', async () => {
    const worded = new AppError('not_found', 'That image is no longer in the library.');
    const bug = new TypeError('x is undefined');
    for (const error of [
      worded,
      bug,
      new SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE'),
    ]) {
      const { call, seen } = guarded(error);
      await expect(call()).rejects.toBe(error);
      expect(seen).toEqual([]);
    }
  });
});
