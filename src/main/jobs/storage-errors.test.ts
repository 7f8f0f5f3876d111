import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SegmindError } from '../segmind/index.ts';
import { storageJobNote, storageMessage, storageProblemOf } from './storage-errors.ts';
import { fsError } from './test-support/engine-world.ts';

describe('storage errors', () => {
  it("reads Node's errno codes, SQLite's result codes (extended ones by family) and causes", () => {
    expect(storageProblemOf(fsError('ENOSPC', 'write'))).toBe('full');
    expect(storageProblemOf(fsError('EDQUOT', 'write'))).toBe('quota');
    expect(storageProblemOf(fsError('EACCES', 'open'))).toBe('denied');
    expect(storageProblemOf(fsError('EROFS', 'rename'))).toBe('read_only');
    expect(storageProblemOf(new Error('wrapped', { cause: fsError('ENOSPC', 'write') }))).toBe('full');
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x INTEGER)');
    db.pragma('query_only = ON');
    let readOnly: unknown;
    try {
      db.exec('INSERT INTO t VALUES (1)');
    } catch (error) {
      readOnly = error;
    }
    db.close();
    expect(storageProblemOf(readOnly)).toBe('read_only');
    expect(storageProblemOf(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe(
      'io',
    );
  });

  it('leaves everything else alone: network trouble, other codes, non-errors', () => {
    expect(storageProblemOf(new SegmindError('network', 'connect EACCES'))).toBeNull();
    expect(storageProblemOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBeNull();
    expect(storageProblemOf('ENOSPC')).toBeNull();
  });

  it('names the data folder and the way out in both the banner and the job note', () => {
    for (const problem of ['full', 'quota', 'denied', 'read_only', 'io'] as const) {
      expect(storageMessage(problem, '/data/studio')).toContain('(/data/studio)');
      expect(storageMessage(problem, '/data/studio')).toMatch(/resumes by itself/);
      expect(storageJobNote(problem, '/data/studio')).toContain('(/data/studio)');
    }
    expect(storageMessage('full', '/d')).toMatch(/^The disk is full/);
  });
});
