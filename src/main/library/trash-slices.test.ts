import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryChange } from '../../shared/api/library.ts';
import { insertImageRow } from './image-rows.ts';
import { makeTempLibrary } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

/** `rows` images written straight to a real library file, the first `trashed` of them in the trash. */
function libraryWithTrash(rows: number, trashed: number) {
  const l = makeTempLibrary({ now: () => Date.UTC(2026, 0, 1) });
  libs.push(l);
  const ids = l.db.transaction(() =>
    Array.from({ length: rows }, (_, i) => {
      const { id } = insertImageRow(
        l.db,
        {
          sha256: i.toString(16).padStart(64, '0'),
          format: 'png',
          mime: 'image/png',
          bytes: 10,
          width: 1,
          height: 1,
          embedded: null,
        },
        { model: 'ideogram-3', prompt: `lantern harbor ${i}`, params: {}, createdAt: 1_000 + i },
        'generated',
        0,
      );
      return id;
    }),
  )();
  l.library.trash(ids.slice(0, trashed));
  const changes: LibraryChange[] = [];
  l.library.onChange((change) => changes.push(change));
  const count = (where: string) =>
    l.db.prepare(`SELECT count(*) FROM images WHERE ${where}`).pluck().get() as number;
  return { ...l, ids, changes, count };
}

describe('emptying the trash in slices', () => {
  it('deletes every trashed image and no other, yielding to the loop, and tells the page each id once', async () => {
    const { library, ids, changes, count, db } = libraryWithTrash(3_000, 2_500);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const started = performance.now();
    const result = await library.emptyTrash();
    const elapsed = performance.now() - started;
    clearInterval(timer);

    expect(result).toEqual({ removed: 2_500, filesRemoved: 0 });
    expect(count('trashed_at IS NOT NULL')).toBe(0);
    expect(count('1')).toBe(500);
    // The loop ran timers while the trash was emptied, so it was never held for the whole of it.
    expect(ticks).toBeGreaterThan(0);
    const removed = changes.flatMap((c) => (c.kind === 'removed' ? c.ids : []));
    expect(removed.toSorted()).toEqual(ids.slice(0, 2_500).toSorted());
    // Reported in bursts at most every 250 ms, not once per slice; the last one carries the final counts.
    expect(changes.length).toBeLessThanOrEqual(Math.floor(elapsed / 250) + 1);
    expect(changes.at(-1)!.counts).toMatchObject({ images: 500, trashed: 0 });
    // The counters and the search index agree with what is left.
    expect(db.prepare("SELECT count(*) FROM images_fts WHERE images_fts MATCH 'lantern'").pluck().get()).toBe(
      500,
    );
  });

  it('deletes only the given ids that are in the trash, in slices over the list', async () => {
    const { library, ids, count } = libraryWithTrash(400, 300);
    // 250 trashed ones and 50 live ones asked for: the live ones are not in the trash, so they stay.
    const asked = [...ids.slice(50, 300), ...ids.slice(300, 350)];
    expect(await library.emptyTrash(asked)).toEqual({ removed: 250, filesRemoved: 0 });
    expect(count('trashed_at IS NOT NULL')).toBe(50);
    expect(count('1')).toBe(150);
  });

  it('tells the page what the slices before a failed one deleted, and passes the failure on', async () => {
    const { library, db, changes, count } = libraryWithTrash(500, 500);
    const emptying = library.emptyTrash();
    // The first slice ran with the call; the next cannot write (as on a disk that just filled up).
    db.pragma('query_only = ON');
    await expect(emptying).rejects.toThrow(/readonly/);
    db.pragma('query_only = OFF');
    const told = changes.flatMap((c) => (c.kind === 'removed' ? c.ids : []));
    expect(told.length).toBeGreaterThan(0);
    expect(count('trashed_at IS NOT NULL')).toBe(500 - told.length);
  });

  it('stops between slices when the library closes, leaving the rest in the trash', async () => {
    const { library, count } = libraryWithTrash(500, 500);
    const emptying = library.emptyTrash();
    // The first slice ran with the call; closing now stops the walk before the next one.
    await library.close();
    const { removed } = await emptying;
    expect(removed).toBeGreaterThan(0);
    expect(removed).toBeLessThan(500);
    expect(count('trashed_at IS NOT NULL')).toBe(500 - removed);
  });
});
