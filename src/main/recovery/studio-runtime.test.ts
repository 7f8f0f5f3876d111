import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecoveryStatus } from '../../shared/api/recovery.ts';
import type { StudioRuntime } from './studio-runtime.ts';
import { damage, libraryFile, seedLibrary, sha256File } from './test-support/damaged-library.ts';
import { startTestRuntime } from './test-support/runtime.ts';
import { useTempDirs } from './test-support/temp-dirs.ts';

const tempDir = useTempDirs('studio-runtime-');
const seed = Number(process.env.DAMAGE_SEED ?? 7_2026);
console.log(`[studio-runtime.test] damage seed ${seed} (DAMAGE_SEED to replay)`);

const open: StudioRuntime[] = [];
afterEach(async () => {
  for (const runtime of open.splice(0)) await runtime.close();
});

async function start(dataDir: string, overrides?: Parameters<typeof startTestRuntime>[1]) {
  const runtime = await startTestRuntime(dataDir, overrides);
  open.push(runtime);
  return runtime;
}

async function waitFor<T>(read: () => T | undefined | null | false, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const backupsIn = (dataDir: string) =>
  fs.existsSync(path.join(dataDir, 'auto-backups'))
    ? fs.readdirSync(path.join(dataDir, 'auto-backups')).filter((n) => n.endsWith('.sqlite3'))
    : [];

describe('the studio runtime', () => {
  it('opens a healthy library, serves the studio, and makes the first automatic backup', async () => {
    const dataDir = tempDir();
    await seedLibrary(dataDir);
    const runtime = await start(dataDir);
    expect(runtime.status()).toMatchObject({ state: 'studio', storage: 'ok', problem: null, notices: [] });
    const page = (await runtime.call('library:list', {})) as { items: unknown[]; total: number };
    expect(page.total).toBe(403);
    await waitFor(() => backupsIn(dataDir).length === 1, 'the first automatic backup');
  });

  it('sets unreadable settings aside, starts on defaults and tells the user', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'settings.json'), Buffer.from([0, 159, 146, 150, 0, 1]));
    const runtime = await start(dataDir);
    const status = runtime.status();
    expect(status.state).toBe('studio');
    expect(status.notices).toHaveLength(1);
    expect(status.notices[0]!.message).toMatch(
      /settings file could not be read \(it holds binary data\).*settings\.damaged-/,
    );
    expect(await runtime.call('settings:get')).toMatchObject({ concurrency: 2, theme: 'system' });
    const kept = fs.readdirSync(dataDir).find((n) => n.startsWith('settings.damaged-'))!;
    expect(fs.readFileSync(path.join(dataDir, kept))).toEqual(Buffer.from([0, 159, 146, 150, 0, 1]));
  });

  it('starts with settings that last the session when the settings file cannot be opened at all', async () => {
    const dataDir = tempDir();
    const runtime = await start(dataDir, {
      openSettings: () => {
        throw Object.assign(new Error('EACCES: permission denied, open settings.json'), { code: 'EACCES' });
      },
    });
    expect(runtime.status().state).toBe('studio');
    expect(runtime.status().notices[0]!.message).toMatch(/^Settings cannot be saved in this session: EACCES/);
    expect(await runtime.call('settings:update', { theme: 'dark' })).toMatchObject({ theme: 'dark' });
    expect(await runtime.call('settings:get')).toMatchObject({ theme: 'dark' });
  });

  const kinds: [string, ProblemCase][] = [
    ['smashed-header', { kind: 'not_a_database', hurt: (f) => damage.smashHeader(f, seed) }],
    ['noise-over-the-whole-file', { kind: 'not_a_database', hurt: (f) => damage.overwrite(f, seed + 1) }],
    ['truncated', { kind: 'truncated', hurt: (f) => damage.truncate(f, 0.4) }],
    ['garbage-pages-inside', { kind: 'damaged', hurt: (f) => damage.scribbleInside(f, seed + 2) }],
    ['folder-in-its-place', { kind: 'not_a_file', hurt: (f) => damage.replaceWithFolder(f) }],
  ];
  it.each(kinds)('%s library: recovery screen, file untouched, start fresh keeps it aside', async (_, c) => {
    const dataDir = tempDir();
    await seedLibrary(dataDir);
    const file = libraryFile(dataDir);
    c.hurt(file);
    const fingerprint = () => (fs.statSync(file).isDirectory() ? 'folder' : sha256File(file));
    const before = fingerprint();

    const runtime = await start(dataDir);
    const status = runtime.status();
    expect(status.state).toBe('recovery');
    expect(status.problem).toMatchObject({ kind: c.kind, originals: 3 });
    // No backup was ever made of this library, so restoring is not offered.
    expect(status.problem!.actions).toEqual(['start_fresh', 'quit']);
    expect(status.logFile).toBeNull();
    expect(await runtime.call('library:list', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(await runtime.call('app:info')).toMatchObject({ name: 'Ideogram Studio' });
    expect(fingerprint()).toBe(before);

    const changes: RecoveryStatus[] = [];
    runtime.bus.subscribe(
      (event, payload) => event === 'recovery:changed' && changes.push(payload as RecoveryStatus),
    );
    const after = (await runtime.call('recovery:startFresh')) as RecoveryStatus;
    expect(after).toMatchObject({ state: 'studio', problem: null });
    expect(after.notices.map((n) => n.message)).toContainEqual(
      expect.stringMatching(/^Started an empty library. The damaged one is kept as library\.damaged-/),
    );
    expect(changes.at(-1)?.state).toBe('studio');
    expect((await runtime.call('library:list', {})) as { total: number }).toMatchObject({ total: 0 });
    expect(after.notices.find((n) => n.action === 'adopt_orphans')?.message).toMatch(
      /^3 original image files are/,
    );
    const kept = fs.readdirSync(dataDir).find((n) => /^library\.damaged-.*\.sqlite3$/.test(n))!;
    const keptPath = path.join(dataDir, kept);
    expect(fs.statSync(keptPath).isDirectory() ? 'folder' : sha256File(keptPath)).toBe(before);
  });

  it('restores the latest automatic backup in place of a damaged library', async () => {
    const dataDir = tempDir();
    await seedLibrary(dataDir, { files: 2, rows: 40 });
    const first = await start(dataDir);
    await waitFor(() => backupsIn(dataDir).length === 1, 'the automatic backup');
    // Made after the backup: its row will be lost with the damaged file, its original stays.
    const late = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c33' } })
      .png()
      .toBuffer();
    await first.services()!.library.importFiles([{ name: 'after-the-backup.png', bytes: late }]);
    await first.close();
    damage.smashHeader(libraryFile(dataDir), seed + 3);
    const before = sha256File(libraryFile(dataDir));

    const runtime = await start(dataDir);
    const status = runtime.status();
    expect(status.problem?.actions).toEqual(['restore', 'start_fresh', 'quit']);
    expect(status.backups).toHaveLength(1);
    expect(status.backups[0]!.images).toBe(42);

    expect(await runtime.call('recovery:restoreBackup', { backup: '../library.sqlite3' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    const after = (await runtime.call('recovery:restoreBackup', {
      backup: status.backups[0]!.id,
    })) as RecoveryStatus;
    expect(after.state).toBe('studio');
    expect(after.notices.map((n) => n.message)).toContainEqual(
      expect.stringMatching(/^Restored the automatic backup of .* \(42 images\)/),
    );
    expect(((await runtime.call('library:list', {})) as { total: number }).total).toBe(42);
    const kept = fs.readdirSync(dataDir).find((n) => /^library\.damaged-.*\.sqlite3$/.test(n))!;
    expect(sha256File(path.join(dataDir, kept))).toBe(before);
    // The backup itself is a copy's source, never moved or changed.
    expect(backupsIn(dataDir)).toEqual([status.backups[0]!.id]);

    // The image made after the backup: offered back, and back.
    const offer = after.notices.find((n) => n.action === 'adopt_orphans');
    expect(offer?.message).toMatch(/^1 original image file is in the data folder but not in this library/);
    expect(await runtime.call('recovery:adoptOrphans')).toEqual({ added: 1, refused: 0 });
    expect(((await runtime.call('library:list', {})) as { total: number }).total).toBe(43);
    expect(runtime.status().notices.some((n) => n.action === 'adopt_orphans')).toBe(false);
    expect(runtime.status().notices.at(-1)!.message).toBe('Added 1 image back to the library.');
  });

  it('says the library is missing when its backups are not, and offers files back to a new one', async () => {
    const dataDir = tempDir();
    await seedLibrary(dataDir, { files: 2, rows: 10 });
    const first = await start(dataDir);
    await waitFor(() => backupsIn(dataDir).length === 1, 'the automatic backup');
    await first.close();
    fs.rmSync(libraryFile(dataDir));

    const runtime = await start(dataDir);
    expect(runtime.status().problem).toMatchObject({
      kind: 'missing',
      actions: ['restore', 'start_fresh', 'quit'],
    });
    expect(fs.existsSync(libraryFile(dataDir))).toBe(false);
    await runtime.close();
    open.splice(open.indexOf(runtime), 1);

    // No backup either: a first start as far as anyone can tell, but the files are offered back.
    fs.rmSync(path.join(dataDir, 'auto-backups'), { recursive: true });
    const again = await start(dataDir);
    expect(again.status().state).toBe('studio');
    expect(again.status().notices.find((n) => n.action === 'adopt_orphans')?.message).toMatch(
      /^2 original image files are in the data folder but not in this library \(a new library was made/,
    );
  });

  it('sends a library to the recovery screen when the background check finds damage', async () => {
    const dataDir = tempDir();
    await seedLibrary(dataDir, { rows: 3000 });
    // The search index: the start-up probe does not read it, SQLite's full check does.
    damage.page(libraryFile(dataDir), 'images_fts_data', seed + 4);
    // Too big for the full check at start (as a large library is): only the background check sees it.
    const runtime = await start(dataDir, { fullCheckMaxBytes: 0 });
    await waitFor(() => runtime.status().state === 'recovery', 'the background check');
    expect(runtime.status().problem).toMatchObject({ kind: 'damaged' });
    expect(runtime.status().problem!.message).toMatch(/while the app was using it/);
    expect(backupsIn(dataDir)).toEqual([]);
  });

  it("refuses a second process on the folder and touches none of the first one's jobs", async () => {
    const dataDir = tempDir();
    const first = await start(dataDir, { simulatorTimeScale: 1 });
    const created = (await first.call('jobs:create', {
      model: 'ideogram-3',
      params: { prompt: 'A sign that reads "MINE"' },
    })) as { id: string };
    expect(created.id).toBeTruthy();
    // What the second process's start-up recovery would have rewritten: state, request id, attempts.
    const jobRows = async () =>
      (
        (await first.call('jobs:list', { limit: 50 })) as { id: string; state: string; attempts: number }[]
      ).map((job) => `${job.id} ${job.state} ${job.attempts}`);
    const jobsBefore = await jobRows();

    const second = await start(dataDir);
    expect(second.status()).toMatchObject({
      state: 'recovery',
      problem: { kind: 'in_use', actions: ['retry', 'quit'] },
    });
    expect(second.status().problem!.message).toContain(`browser mode (pid ${process.pid}`);
    expect(await second.call('jobs:list', { limit: 50 })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    expect(await jobRows()).toEqual(jobsBefore);

    await first.close();
    open.splice(open.indexOf(first), 1);
    expect(((await second.call('recovery:retry')) as RecoveryStatus).state).toBe('studio');
  });

  it('quits when asked from the recovery screen', async () => {
    const dataDir = tempDir();
    fs.mkdirSync(libraryFile(dataDir));
    const runtime = await start(dataDir);
    expect(await runtime.call('recovery:quit')).toEqual({ ok: true });
    await waitFor(() => runtime.quits() === 1, 'quit');
  });
});

interface ProblemCase {
  kind: string;
  hurt: (file: string) => void;
}
