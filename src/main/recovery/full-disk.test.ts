import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryStatus } from '../../shared/api/recovery.ts';
import Database from 'better-sqlite3';
import { libraryFile } from './test-support/damaged-library.ts';
import { seedNoiseLibrary } from './test-support/noise-library.ts';
import { startTestRuntime } from './test-support/runtime.ts';
import { mountSmallDisk, type SmallDisk } from './test-support/small-disk.ts';

const seed = Number(process.env.DISK_SEED ?? 4242);
console.log(`[full-disk.test] image seed ${seed} (DISK_SEED to replay)`);

const disk = mountSmallDisk(12);
if (typeof disk === 'string') console.warn(`[full-disk.test] skipped: ${disk}`);
const small = typeof disk === 'string' ? null : disk;

afterAll(() => small?.unmount());

describe.skipIf(!small)('starting on a full disk (a real 12 MB tmpfs)', () => {
  let dataDir: string;
  let trashedIds: string[];

  beforeAll(async () => {
    dataDir = path.join((small as SmallDisk).dir, 'studio');
    ({ trashedIds } = await seedNoiseLibrary(dataDir, { images: 8, trashed: 4, seed }));
  });

  it('opens read-only, says so, empties the trash, and writes again once space is freed', async () => {
    // Rows still queued for the search vocabulary: draining them on a full disk must not crash the app.
    // (Read-write, so that closing removes the -shm a read-only connection would leave behind.)
    const peek = new Database(libraryFile(dataDir));
    expect(peek.prepare('SELECT count(*) FROM search_terms_pending').pluck().get()).toBeGreaterThan(0);
    peek.close();
    const fillers = small!.fill();
    expect(fillers.length).toBeGreaterThan(0);
    const runtime = await startTestRuntime(dataDir, { minFreeBytes: 2 * 1024 * 1024, spaceCheckMs: 100 });
    try {
      expect(runtime.status()).toMatchObject({ state: 'studio', storage: 'full', problem: null });
      const live = (await runtime.call('library:list', {})) as { total: number };
      expect(live.total).toBe(4);

      // Writes say what is wrong and where, instead of "Something went wrong".
      // A tick of the vocabulary drain (every 2 s) has met the full disk.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const refused = (await runtime.call('library:setFavorite', {
        ids: trashedIds.slice(0, 1),
        favorite: true,
      })) as {
        ok: false;
        error: { code: string; message: string };
      };
      expect(refused.error).toMatchObject({ code: 'unavailable' });
      expect(refused.error.message).toContain('The disk is full');
      expect(refused.error.message).toContain(dataDir);

      // The trash empties: its files go first (that frees the room), then its rows.
      const originals = () =>
        fs
          .readdirSync(path.join(dataDir, 'images'), { recursive: true })
          .filter((n) => String(n).length > 60);
      expect(originals()).toHaveLength(8);
      const emptied = await runtime.call('library:emptyTrash');
      expect(emptied).toEqual({ removed: 4, filesRemoved: 4 });
      expect(originals()).toHaveLength(4);
      expect(((await runtime.call('library:list', { trashed: true })) as { total: number }).total).toBe(0);

      // The user frees space: the library is reopened for writing and the queue starts.
      const changes: RecoveryStatus[] = [];
      runtime.bus.subscribe(
        (event, payload) => event === 'recovery:changed' && changes.push(payload as RecoveryStatus),
      );
      small!.unfill();
      for (let i = 0; i < 200 && (runtime.status().storage === 'full' || !runtime.services()); i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(runtime.status()).toMatchObject({ state: 'studio', storage: 'ok' });
      expect(changes.at(-1)?.storage).toBe('ok');
      const favorite = await runtime.call('library:setFavorite', {
        ids: [((await runtime.call('library:list', {})) as { items: { id: string }[] }).items[0]!.id],
        favorite: true,
      });
      expect(favorite).toMatchObject({ updated: 1 });
      const job = (await runtime.call('jobs:create', {
        model: 'ideogram-3',
        params: { prompt: 'ROOM AGAIN' },
      })) as { id: string };
      const stateOf = async () =>
        ((await runtime.call('jobs:list', { limit: 50 })) as { id: string; state: string }[]).find(
          (listed) => listed.id === job.id,
        )?.state;
      for (let i = 0; i < 200 && (await stateOf()) !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await stateOf()).toBe('completed');
    } finally {
      await runtime.close();
      small!.unfill();
    }
  });

  it('a disk that fills while the studio runs: the banner, then writing again once space is freed', async () => {
    const runtime = await startTestRuntime(dataDir, { minFreeBytes: 2 * 1024 * 1024, spaceCheckMs: 100 });
    try {
      expect(runtime.status().storage).toBe('ok');
      const [first] = ((await runtime.call('library:list', {})) as { items: { id: string }[] }).items;
      small!.fill();
      const refused = await runtime.call('library:setRating', { ids: [first!.id], rating: 4 });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'unavailable', message: expect.stringContaining('The disk is full') },
      });
      expect(runtime.status().storage).toBe('full');
      small!.unfill();
      for (let i = 0; i < 100 && runtime.status().storage === 'full'; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(runtime.status().storage).toBe('ok');
      // The edit's answer also carries the image as it left it (an update of up to 100 does).
      expect(await runtime.call('library:setRating', { ids: [first!.id], rating: 4 })).toMatchObject({
        updated: 1,
        images: [{ id: first!.id, rating: 4 }],
      });
    } finally {
      await runtime.close();
      small!.unfill();
    }
  });

  it('still refuses a second process on a full disk', async () => {
    small!.fill();
    const first = await startTestRuntime(dataDir, { minFreeBytes: 64 * 1024 * 1024 });
    const second = await startTestRuntime(dataDir);
    try {
      expect(first.status().storage).toBe('full');
      expect(second.status().problem?.kind).toBe('in_use');
    } finally {
      await second.close();
      await first.close();
      small!.unfill();
    }
  });
});
