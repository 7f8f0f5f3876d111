import fs from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/rpc.ts';
import type { Library } from '../library/library.ts';
import { createSegmindClient } from '../segmind/index.ts';
import { createJobEngine, type JobLibrary } from './job-engine.ts';
import { fixedPollPolicy } from './poll-policy.ts';
import { createEngineWorld, fsError, until, type EngineWorld } from './test-support/engine-world.ts';
import { startLoopbackSegmind, type LoopbackSegmind } from './test-support/loopback-segmind.ts';

/**
 * A full or read-only data folder while a paid result is being downloaded or stored: the queue
 * pauses "disk full" (never "offline"), the job keeps waiting with a storage reason that names the
 * folder, and everything resumes by itself once a write succeeds. The disk errors are injected
 * where the files are written, or are SQLite's own (a database capped by max_page_count, or set
 * query_only).
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const turbo = (prompt: string) => ({ prompt, rendering_speed: 'TURBO', resolution: '512x1536' });

async function loopback(pollsBeforeDone = 1): Promise<LoopbackSegmind> {
  const api = await startLoopbackSegmind({ pollsBeforeDone });
  cleanups.push(() => api.close());
  return api;
}

function world(api: LoopbackSegmind, options: Omit<Parameters<typeof createEngineWorld>[0], 'baseUrl'> = {}) {
  const w = createEngineWorld({
    baseUrl: api.url,
    ...options,
    engine: { pollPolicy: fixedPollPolicy(100), ...options.engine },
  });
  cleanups.push(() => w.close());
  return w;
}

/** The real library, with its writes failing while `disk.error` is set. */
function failingLibrary(disk: { error: Error | null }, where: 'prepare' | 'check-only') {
  return (library: Library): JobLibrary => ({
    dataDir: library.dataDir,
    tempFile: library.tempFile,
    async prepareImageFile(file, options) {
      if (where === 'prepare' && disk.error) throw disk.error;
      return library.prepareImageFile(file, options);
    },
    insertGenerated: library.insertGenerated,
    async checkWritable() {
      if (disk.error) throw disk.error;
      return library.checkWritable();
    },
  });
}

/** Caps the database at its current size and fills what is left, so the next real growth fails. */
function fillDatabase(db: Database.Database): () => void {
  db.exec('CREATE TABLE IF NOT EXISTS test_filler (x BLOB) STRICT');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
  const insert = db.prepare('INSERT INTO test_filler VALUES (randomblob(?))');
  for (const size of [4096, 512, 64, 8]) {
    try {
      for (let i = 0; i < 10_000; i++) insert.run(size);
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
    }
  }
  return () => {
    db.pragma('max_page_count = 1073741823');
    db.exec('DROP TABLE test_filler');
  };
}

function expectPausedForDisk(w: EngineWorld, wording: RegExp): void {
  const status = w.engine.status();
  expect(status.reason).toBe('disk_full');
  expect(status.message).toMatch(wording);
  expect(status.message).toContain(w.dataDir);
}

const neverOffline = (w: EngineWorld) =>
  expect(w.statuses.map(({ status }) => status.reason)).not.toContain('offline');

const partFiles = (w: EngineWorld) =>
  fs.existsSync(path.join(w.dataDir, 'tmp'))
    ? fs.readdirSync(path.join(w.dataDir, 'tmp')).filter((name) => name.endsWith('.part'))
    : [];

describe('a disk that refuses writes while a paid result is fetched', () => {
  it('ENOSPC while the image streams to disk: pauses "disk full", keeps the job, resumes when a write succeeds', async () => {
    const api = await loopback();
    const disk: { error: Error | null } = { error: fsError('ENOSPC', 'write') };
    const createFile = async (file: string) => {
      const handle = await open(file, 'wx');
      return {
        write: (chunk: Uint8Array, offset: number, length: number) =>
          disk.error ? Promise.reject(disk.error) : handle.write(chunk, offset, length),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    };
    const w = world(api, { client: { createFile }, library: failingLibrary(disk, 'check-only') });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('a full disk') });
    await until(() => w.engine.status().reason === 'disk_full', 'the disk-full pause');
    expectPausedForDisk(w, /The disk is full/);
    const waiting = w.engine.get(job.id);
    expect(waiting).toMatchObject({ state: 'downloading', error: { kind: 'storage' } });
    expect(waiting.error?.message).toContain(w.dataDir);
    expect(partFiles(w)).toEqual([]);

    disk.error = null;
    await until(
      () => w.engine.get(job.id).state === 'completed',
      'the job to complete once the disk has room',
    );
    expect(w.engine.get(job.id)).toMatchObject({ error: null, imageIds: [expect.any(String)] });
    expect(w.engine.status().state).toBe('running');
    neverOffline(w);
    expect(api.submitsByPrompt()).toEqual({ 'a full disk': 1 });
  });

  it('EACCES while the image is moved into the store: the same pause, worded as permission denied', async () => {
    const api = await loopback();
    const disk: { error: Error | null } = { error: fsError('EACCES', 'rename') };
    const w = world(api, { library: failingLibrary(disk, 'prepare') });
    w.engine.start();
    const job = w.engine.create({ model: 'ideogram-3', params: turbo('a locked folder') });
    await until(() => w.engine.status().reason === 'disk_full', 'the disk-full pause');
    expectPausedForDisk(w, /permission denied/);
    expect(w.engine.get(job.id).state).toBe('downloading');
    disk.error = null;
    await until(() => w.engine.get(job.id).state === 'completed', 'the job to complete');
    neverOffline(w);
    expect(api.submitsByPrompt()).toEqual({ 'a locked folder': 1 });
  });

  it('a database that is full (SQLITE_FULL): jobs:create says so and names the folder; what was sent completes once it can grow', async () => {
    const api = await loopback();
    const w = world(api);
    w.engine.start();
    const free = fillDatabase(w.db);
    // The jobs table's own pages still have room for a few rows; the next one needs a new page.
    const created: string[] = [];
    let refused: unknown = null;
    for (let i = 0; i < 500 && refused === null; i++) {
      try {
        created.push(w.engine.create({ model: 'ideogram-3', params: turbo(`full db ${i}`) }).id);
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/The disk is full/),
    });
    expect((refused as Error).message).toContain(w.dataDir);
    expectPausedForDisk(w, /The disk is full/);
    expect(created.map((id) => w.engine.get(id).state)).not.toContain('failed');

    free();
    await until(() => w.settled(), 'every job to end once the database can grow');
    for (const id of created) expect(w.engine.get(id).state).toBe('completed');
    neverOffline(w);
    for (const count of Object.values(api.submitsByPrompt())) expect(count).toBe(1);
    expect(Object.keys(api.submitsByPrompt())).toHaveLength(created.length);
  });

  it('starts on a database that refuses writes, fetches what it can once writes work, and only then marks the cut-off submit', async () => {
    const api = await loopback();
    const w = world(api);
    // What a crash leaves: one job caught mid-submit, one whose request Segmind holds.
    const cut = w.engine.create({ model: 'ideogram-3', params: turbo('caught sending') });
    const paid = w.engine.create({ model: 'ideogram-3', params: turbo('paid for') });
    const client = createSegmindClient({ baseUrl: api.url, apiKey: 'loopback-key-1234' });
    const accepted = await client.submit('ideogram-3', turbo('paid for'));
    w.db.prepare(`UPDATE jobs SET state = 'submitting' WHERE id = ?`).run(cut.id);
    w.db
      .prepare(
        `UPDATE jobs SET state = 'submitted', request_id = ?, status_url = ?, response_url = ?, submitted_at = ? WHERE id = ?`,
      )
      .run(accepted.requestId, accepted.statusUrl, accepted.responseUrl, w.now(), paid.id);
    w.db.pragma('query_only = ON');

    const again = createJobEngine({
      db: w.db,
      library: w.library,
      getClient: () => client,
      emit: () => undefined,
      pollPolicy: fixedPollPolicy(100),
    });
    cleanups.push(() => again.stop());
    expect(() => again.start()).not.toThrow();
    expect(again.status()).toMatchObject({
      reason: 'disk_full',
      message: expect.stringContaining('read-only'),
    });
    expect(again.get(cut.id).state).toBe('submitting');

    w.db.pragma('query_only = OFF');
    await until(() => again.get(paid.id).state === 'completed', 'the paid job to complete');
    expect(again.get(cut.id)).toMatchObject({ state: 'interrupted', error: { kind: 'interrupted' } });
    expect(api.submitsByPrompt()).toEqual({ 'paid for': 1 });
  });
});
