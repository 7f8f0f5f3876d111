import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../library/database.ts';
import { memoryLogger } from '../logging/logger.ts';
import { autoBackupDirName, createAutoBackups } from './auto-backup.ts';
import { libraryFile, seedLibrary } from './test-support/damaged-library.ts';
import { useTempDirs } from './test-support/temp-dirs.ts';

const tempDir = useTempDirs('auto-backup-');
const hour = 3_600_000;

async function setUp() {
  const dataDir = tempDir();
  await seedLibrary(dataDir, { files: 2, rows: 50 });
  const db = openDatabase(libraryFile(dataDir));
  let clock = Date.UTC(2026, 11, 1, 9, 0, 0);
  const logger = memoryLogger();
  const backups = createAutoBackups({ dataDir, logger, now: () => clock });
  return { dataDir, db, backups, logger, advance: (ms: number) => (clock += ms) };
}

describe('automatic backups', () => {
  it('makes one a day, keeps the last three, and lists each with its image count', async () => {
    const { dataDir, db, backups, advance } = await setUp();
    try {
      expect(await backups.maybeRun(db)).toBe('made');
      advance(5 * hour);
      expect(await backups.maybeRun(db)).toBe('fresh');
      for (let day = 0; day < 4; day++) {
        advance(24 * hour);
        db.prepare('UPDATE images SET rating = 5 WHERE rowid = (SELECT min(rowid) FROM images)').run();
        expect(await backups.maybeRun(db)).toBe('made');
      }
      const list = backups.list();
      expect(list.map((b) => b.id)).toEqual([
        'library-2026-12-05T14-00-00Z.sqlite3',
        'library-2026-12-04T14-00-00Z.sqlite3',
        'library-2026-12-03T14-00-00Z.sqlite3',
      ]);
      expect(list[0]).toMatchObject({ createdAt: Date.UTC(2026, 11, 5, 14), images: 52 });
      expect(list[0]!.bytes).toBeGreaterThan(0);
      const left = fs
        .readdirSync(path.join(dataDir, autoBackupDirName))
        .filter((n) => n.endsWith('.sqlite3'));
      expect(left).toHaveLength(3);
    } finally {
      db.close();
    }
  });

  it('copies a consistent database while the app keeps writing', async () => {
    const { db, backups } = await setUp();
    try {
      const writing = (async () => {
        for (let i = 0; i < 50; i++) {
          db.prepare('UPDATE images SET rating = ? WHERE rowid = (SELECT min(rowid) FROM images)').run(i % 5);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await backups.maybeRun(db);
      await writing;
      const copy = new Database(backups.fileOf(backups.list()[0]!.id), { readonly: true });
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT count(*) FROM images').pluck().get()).toBe(52);
      copy.close();
    } finally {
      db.close();
    }
  });

  it('drops a copy under way when the app quits: no thread left writing, no partial file, none after', async () => {
    const { dataDir, db, backups } = await setUp();
    try {
      // Quit while the copy's thread is still starting: it is told to stop before it writes a page.
      const run = backups.maybeRun(db);
      await backups.stop();
      expect(await run).toBe('stopped');
      expect(fs.readdirSync(path.join(dataDir, autoBackupDirName))).toEqual([]);
      expect(await backups.maybeRun(db)).toBe('stopped');
      expect(backups.list()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('hands out only backups it listed, never a path', async () => {
    const { db, backups } = await setUp();
    try {
      await backups.maybeRun(db);
      const [only] = backups.list();
      expect(backups.fileOf(only!.id)).toMatch(/auto-backups[/\\]library-.*\.sqlite3$/);
      expect(() => backups.fileOf('library-2020-01-01T00-00-00Z.sqlite3')).toThrow(/no automatic backup/);
      expect(() => backups.fileOf('../library.sqlite3')).toThrow();
      expect(() => backups.fileOf('/etc/passwd')).toThrow();
    } finally {
      db.close();
    }
  });

  it('never counts a half-made copy, and clears one a crash left at the next start', async () => {
    const { dataDir, db } = await setUp();
    try {
      const dir = path.join(dataDir, autoBackupDirName);
      fs.mkdirSync(dir, { recursive: true });
      const partial = path.join(dir, 'library-2026-11-30T09-00-00Z.sqlite3.partial');
      fs.writeFileSync(partial, 'cut off by a crash');
      const backups = createAutoBackups({ dataDir, logger: memoryLogger() });
      expect(backups.list()).toEqual([]);
      backups.removeUnfinished();
      expect(fs.existsSync(partial)).toBe(false);
    } finally {
      db.close();
    }
  });
});
