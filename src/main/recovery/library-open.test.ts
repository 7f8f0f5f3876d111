import fs from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrations } from '../library/migrations/index.ts';
import { openLibrary } from './library-open.ts';
import { damage, libraryFile, seedLibrary, sha256File } from './test-support/damaged-library.ts';
import { useTempDirs } from './test-support/temp-dirs.ts';

const tempDir = useTempDirs('library-open-');
const seed = Number(process.env.DAMAGE_SEED ?? 20261201);
console.log(`[library-open.test] damage seed ${seed} (DAMAGE_SEED to replay)`);

async function seeded(options?: { files?: number; rows?: number }) {
  const dataDir = tempDir();
  await seedLibrary(dataDir, options);
  return { dataDir, file: libraryFile(dataDir) };
}

function expectProblem(dataDir: string, kind: string) {
  const result = openLibrary({ dataDir });
  if (result.ok) {
    result.library.db.close();
    throw new Error(`expected ${kind}, but the library opened`);
  }
  expect(result.problem.kind).toBe(kind);
  return result.problem;
}

describe('opening a damaged library', () => {
  it('opens a healthy one with the full check and keeps it writable', async () => {
    const { dataDir } = await seeded();
    const result = openLibrary({ dataDir });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.library).toMatchObject({ storage: 'ok', checked: 'full' });
    expect(result.library.db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(403);
    result.library.db.close();
  });

  it('creates a new library where there is none', () => {
    const dataDir = tempDir();
    const result = openLibrary({ dataDir });
    expect(result.ok && result.library.db.pragma('user_version', { simple: true })).toBe(
      migrations.at(-1)!.version,
    );
    if (result.ok) result.library.db.close();
  });

  const kinds: [string, string, (file: string) => void][] = [
    ['a smashed header', 'not_a_database', (file) => damage.smashHeader(file, seed)],
    ['a file overwritten with noise', 'not_a_database', (file) => damage.overwrite(file, seed + 1)],
    ['a file cut in half', 'truncated', (file) => damage.truncate(file, 0.5)],
    ['a file cut mid-page', 'truncated', (file) => damage.truncate(file, 0.77)],
    ['pages of garbage in the middle', 'damaged', (file) => damage.scribbleInside(file, seed + 2)],
  ];
  it.each(kinds)('says %s is %s, lists what it can, and leaves the file as it was', async (_, kind, hurt) => {
    const { dataDir, file } = await seeded();
    hurt(file);
    const before = sha256File(file);
    const problem = expectProblem(dataDir, kind);
    expect(problem.message.length).toBeGreaterThan(20);
    expect(problem.actions).toEqual(['restore', 'start_fresh', 'quit']);
    expect(problem.originals).toBe(3);
    expect(sha256File(file)).toBe(before);
    if (kind === 'damaged') {
      expect(problem.details.length).toBeGreaterThan(0);
      const images = problem.readable.find((part) => part.label === 'Images');
      expect(images?.rows).toBeGreaterThan(0);
      expect(problem.readable.some((part) => part.damaged)).toBe(true);
    }
  });

  it('finds damage to the images table when the file is too big for the full check', async () => {
    const { dataDir, file } = await seeded({ rows: 2000 });
    const probe = new Database(file, { readonly: true });
    const root = probe
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'images'")
      .pluck()
      .get() as number;
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    probe.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (root - 1) * pageSize);
    fs.closeSync(fd);
    const before = sha256File(file);
    const result = openLibrary({ dataDir, fullCheckMaxBytes: 0 });
    expect(result.ok ? 'opened' : result.problem.kind).toBe('damaged');
    expect(sha256File(file)).toBe(before);
  });

  it('says a folder stands in its place', async () => {
    const { dataDir, file } = await seeded();
    damage.replaceWithFolder(file);
    expect(expectProblem(dataDir, 'not_a_file').actions).toContain('start_fresh');
    expect(fs.statSync(file).isDirectory()).toBe(true);
  });

  it('refuses a library from a newer app and offers only to quit', async () => {
    const { dataDir, file } = await seeded();
    const before = sha256File(file);
    // Reopen with one migration fewer: to this app the file is from the future.
    const result = openLibrary({ dataDir, migrations: migrations.slice(0, -1) });
    expect(result.ok ? null : result.problem).toMatchObject({ kind: 'newer_version', actions: ['quit'] });
    expect(sha256File(file)).toBe(before);
  });

  it('treats an empty file beside stored images as a loss, and one without as a first start', async () => {
    const { dataDir, file } = await seeded();
    fs.truncateSync(file, 0);
    expect(expectProblem(dataDir, 'truncated').message).toContain('empty');
    const fresh = tempDir();
    fs.writeFileSync(libraryFile(fresh), '');
    const result = openLibrary({ dataDir: fresh });
    expect(result.ok).toBe(true);
    if (result.ok) result.library.db.close();
  });
});
