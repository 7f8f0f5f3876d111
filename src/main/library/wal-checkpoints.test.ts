import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { createLibrary } from './library.ts';
import { createSqlReader, type SqlReader } from './sql-reader.ts';
import { isDiskFull } from '../recovery/storage-errors.ts';
import { mountSmallDisk, type SmallDisk } from '../recovery/test-support/small-disk.ts';
import { FALLBACK_PAGES, WAL_LIMIT_BYTES, checkpointOffLoop } from './wal-checkpoints.ts';

const PAGE = 4096;
/** A real 16 MB tmpfs for the full-disk test (mounting needs root, as in CI; elsewhere it skips). */
const disk = mountSmallDisk(16);
if (typeof disk === 'string') console.warn(`[wal-checkpoints.test] full-disk test skipped: ${disk}`);
const small = typeof disk === 'string' ? null : (disk as SmallDisk);
afterAll(() => small?.unmount());
const dirs: string[] = [];
const toClose: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of toClose.splice(0).reverse()) await close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A library file of the app's own schema in a temp folder, with a scratch table to fill. */
function tempDatabase(under = os.tmpdir()) {
  const dir = fs.mkdtempSync(path.join(under, 'wal-test-'));
  dirs.push(dir);
  const file = path.join(dir, 'library.sqlite3');
  const db = openDatabase(file);
  toClose.push(() => {
    db.close();
  });
  db.exec('CREATE TABLE scratch (n INTEGER PRIMARY KEY, data BLOB NOT NULL) STRICT');
  const insert = db.prepare('INSERT INTO scratch (data) VALUES (?)');
  /** `pages` new pages (a row of a page's size each), committed in transactions of `perCommit`. */
  const write = (pages: number, perCommit = 250) => {
    for (let done = 0; done < pages; done += perCommit) {
      db.transaction(() => {
        for (let i = done; i < Math.min(pages, done + perCommit); i++)
          insert.run(Buffer.alloc(PAGE - 200, i));
      })();
    }
  };
  const size = (suffix: '' | '-wal') => fs.statSync(file + suffix, { throwIfNoEntry: false })?.size ?? 0;
  return { dir, file, db, write, size };
}

function reader(file: string): SqlReader {
  const thread = createSqlReader(file);
  toClose.push(() => thread.close());
  return thread;
}

async function until(what: string | (() => string), done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting until ${typeof what === 'string' ? what : what()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WAL checkpoints off main', () => {
  it("main's commits only append; the reader thread copies them into the file", async () => {
    const t = tempDatabase();
    const thread = reader(t.file);
    toClose.push(checkpointOffLoop(t.db, thread, { everyMs: 20 }));
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_PAGES);
    expect(t.db.pragma('journal_size_limit', { simple: true })).toBe(WAL_LIMIT_BYTES);
    const fileBefore = t.size('');
    // 2,000 pages in 8 commits without giving the loop back: SQLite's default would have made main
    // checkpoint inside the commit that crossed 1,000 pages; now the file does not grow on main.
    t.write(2_000);
    expect(t.size('-wal')).toBeGreaterThan(2_000 * PAGE);
    expect(t.size('')).toBe(fileBefore);
    // The thread's checkpoint brings the file up to date on its own.
    await until('the file holds the pages', () => t.size('') >= fileBefore + 2_000 * PAGE);
    // Nothing is left for main to copy, and another connection reads every row from the file.
    const [left] = t.db.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(left!.checkpointed).toBe(left!.log);
    const other = new Database(t.file, { readonly: true });
    expect(other.prepare('SELECT count(*) FROM scratch').pluck().get()).toBe(2_000);
    other.close();
  });

  it("the WAL stays bounded: after the thread's checkpoint main's next commit starts it over", async () => {
    const t = tempDatabase();
    const thread = reader(t.file);
    // A tick that never comes within the test: each checkpoint is asked for here, to know it ended.
    toClose.push(checkpointOffLoop(t.db, thread, { everyMs: 60_000 }));
    let largest = 0;
    const rounds = 8;
    const perRound = 1_500;
    for (let round = 0; round < rounds; round++) {
      t.write(perRound);
      largest = Math.max(largest, t.size('-wal'));
      const done = await thread.run('checkpoint', null);
      expect(done.copied).toBe(done.walPages);
    }
    // 8 rounds of 6 MB: the WAL is reused from its start each time instead of growing to 48 MB.
    expect(largest).toBeLessThan(2 * perRound * PAGE);
    // A burst past the limit leaves a WAL that is cut back once it is started over.
    t.write(5_000);
    expect(t.size('-wal')).toBeGreaterThan(WAL_LIMIT_BYTES);
    await thread.run('checkpoint', null);
    t.write(1);
    expect(t.size('-wal')).toBeLessThanOrEqual(WAL_LIMIT_BYTES);
    expect(t.db.prepare('SELECT count(*) FROM scratch').pluck().get()).toBe(rounds * perRound + 5_001);
  });

  it('asks the thread for nothing while main writes nothing', async () => {
    const t = tempDatabase();
    const thread = reader(t.file);
    // Every answer the thread gave, so a failure says what the checkpoints did.
    const answers: string[] = [];
    const counting: SqlReader = {
      get ready() {
        return thread.ready;
      },
      run: (op, input) =>
        thread.run(op, input).then(
          (value) => (answers.push(JSON.stringify(value)), value),
          (error: unknown) => {
            answers.push(String(error));
            throw error;
          },
        ),
      close: () => thread.close(),
    };
    const copiedAll = () => answers.some((a) => /"walPages":(\d+),"copied":\1}/.test(a));
    toClose.push(checkpointOffLoop(t.db, counting, { everyMs: 10 }));
    await until(() => `a checkpoint copies everything (answers: ${answers.join(' | ')})`, copiedAll);
    const before = answers.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answers.slice(before)).toEqual([]);
    t.write(10, 10);
    await until('the write is copied', () => answers.length > before);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(answers.length).toBe(before + 1);
  });

  it.skipIf(!small)(
    "a checkpoint on the thread that meets a full disk is told to the app's disk-full handling, once",
    async () => {
      const t = tempDatabase(small!.dir);
      const thread = reader(t.file);
      // Each checkpoint's outcome, to know when one has copied everything main wrote before it.
      let wholeCopies = 0;
      const watching: SqlReader = {
        get ready() {
          return thread.ready;
        },
        run: (op, input) =>
          thread.run(op, input).then((value) => {
            if (op === 'checkpoint') {
              const { walPages, copied } = value as { walPages: number; copied: number };
              if (walPages === copied) wholeCopies++;
            }
            return value;
          }),
        close: () => thread.close(),
      };
      const copied = async (what: string) => {
        const before = wholeCopies;
        await until(what, () => wholeCopies > before);
      };
      const told: unknown[] = [];
      toClose.push(
        checkpointOffLoop(t.db, watching, { everyMs: 20, onDiskFull: (error) => told.push(error) }),
      );
      t.write(300, 50);
      await copied('the first pages are copied');
      const fileBefore = t.size('');
      small!.fill();
      // The mechanism behind the stall: after a copy main's commits start the WAL over and write into
      // the room it already has, so main's writes succeed on the full disk and the only SQLite write to
      // meet it is the thread's, whose file must grow. Before, that SQLITE_FULL was dropped on the
      // thread (its code lost on the way), nothing said the disk was full, and the first write of the
      // app to meet it was the next image's download.
      t.write(200, 50);
      await until('the full disk is told', () => told.length > 0);
      expect(told[0]).toMatchObject({ code: 'SQLITE_FULL' });
      expect(isDiskFull(told[0], small!.dir)).toBe(true);
      // Every tick fails the same way until there is room: told once, not once a tick.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(told).toHaveLength(1);
      expect(t.size('')).toBe(fileBefore);

      small!.unfill();
      await copied('the pages are copied once there is room');
      expect(t.size('')).toBeGreaterThanOrEqual(fileBefore + 200 * PAGE);
      // A full disk met again after a copy succeeded is told again.
      t.write(300, 50);
      await copied('those are copied too');
      small!.fill();
      t.write(200, 50);
      await until('the second full disk is told', () => told.length > 1);
      small!.unfill();
      expect(t.db.prepare('SELECT count(*) FROM scratch').pluck().get()).toBe(1_000);
    },
  );

  it('with the thread gone, main checkpoints past the fallback and nothing is lost', async () => {
    const t = tempDatabase();
    const thread = reader(t.file);
    toClose.push(checkpointOffLoop(t.db, thread, { everyMs: 20, fallbackPages: 500 }));
    await until('the thread is up', () => thread.ready);
    await thread.close();
    t.write(3_000, 100);
    // Main's own autocheckpoint at 500 pages kept the WAL from holding all 3,000.
    expect(t.size('-wal')).toBeLessThan(1_000 * PAGE);
    expect(t.size('')).toBeGreaterThan(2_000 * PAGE);
    t.db.close();
    const reopened = new Database(t.file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) FROM scratch').pluck().get()).toBe(3_000);
    reopened.close();
  });

  it('a library closed while checkpoints run closes cleanly and keeps every commit', async () => {
    const t = tempDatabase();
    const library = createLibrary({ db: t.db, dataDir: path.join(t.dir, 'data') });
    // The library hands checkpoints to its reader thread: main would checkpoint only past ~40 MB.
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(FALLBACK_PAGES);
    t.write(1_200);
    await library.close();
    t.db.close();
    // Main's close checkpointed what was left and removed the WAL: one self-contained file.
    expect(t.size('-wal')).toBe(0);
    const reopened = new Database(t.file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) FROM scratch').pluck().get()).toBe(1_200);
    reopened.close();
  });

  it('a library read on one connection (a full disk) keeps SQLite checkpointing as before', async () => {
    const t = tempDatabase();
    const library = createLibrary({ db: t.db, dataDir: path.join(t.dir, 'data'), inlineReads: true });
    toClose.push(() => library.close());
    expect(t.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
    t.write(1_500);
    expect(t.size('')).toBeGreaterThan(1_000 * PAGE);
  });
});
