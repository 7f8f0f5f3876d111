import { afterEach, describe, expect, it } from 'vitest';
import { libraryApi, libraryLimits, type LibraryPage, type LibraryQuery } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { asReadable } from './db-handles.ts';
import { insertImageRow } from './image-rows.ts';
import { listImages } from './library-query.ts';
import { makeTempLibrary } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

const words = ['fox', 'lake', 'poster', 'neon', 'harbor', 'owl', 'tide', 'ember'];

/** A library of `rows` images with seeded models, ratings, shapes, words, favourites and trash. */
function seededLibrary(rows: number, seed: number) {
  console.log(`library-query seed ${seed}`);
  const random = mulberry32(seed);
  const l = makeTempLibrary();
  libs.push(l);
  const { db, library } = l;
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const wide = random() < 0.5;
      const { id } = insertImageRow(
        db,
        {
          sha256: i.toString(16).padStart(64, '0'),
          format: 'png',
          mime: 'image/png',
          bytes: 100 + i,
          width: wide ? 2 : 1,
          height: wide ? 1 : 2,
          embedded: null,
        },
        {
          model: random() < 0.3 ? 'ideogram-4' : 'ideogram-3',
          prompt: `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`,
          params: {},
          // Some share a millisecond, so ties in time are in the walk too.
          createdAt: 1_000 + Math.floor(i / 3),
        },
        'generated',
        0,
      );
      ids.push(id);
    }
  })();
  const rated = ids.filter(() => random() < 0.4);
  for (const rating of [1, 2, 3, 4, 5]) {
    const some = rated.filter((_, i) => i % 5 === rating - 1);
    if (some.length > 0) library.setRating(some, rating);
  }
  library.setFavorite(
    ids.filter(() => random() < 0.1),
    true,
  );
  library.trash(ids.filter(() => random() < 0.05));
  const list = (query: LibraryQuery) => listImages(asReadable(db), query);
  return { ...l, list };
}

/** Every id of a list, in order, by walking cursors from the first page. */
function walk(list: (query: LibraryQuery) => LibraryPage, query: LibraryQuery, limit = 500): string[] {
  const ids: string[] = [];
  let page = list({ ...query, limit });
  ids.push(...page.items.map((i) => i.id));
  while (page.nextCursor) {
    page = list({ ...query, limit, cursor: page.nextCursor });
    ids.push(...page.items.map((i) => i.id));
  }
  return ids;
}

describe('list at a position (offset)', () => {
  const queries: LibraryQuery[] = [
    {},
    { sort: 'oldest' },
    { sort: 'rating' },
    { trashed: true },
    { model: 'ideogram-4' },
    { orientation: 'portrait', sort: 'rating' },
    { search: 'fox' },
    { search: 'ne', sort: 'oldest' },
    { search: 'owl', sort: 'rating', favorite: false },
  ];

  it('returns the page that starts at the offset, in every order, filter and search, and walks on', () => {
    const { list } = seededLibrary(2_600, 14);
    const random = mulberry32(99);
    for (const query of queries) {
      const all = walk(list, query);
      expect(all.length, JSON.stringify(query)).toBeGreaterThan(20);
      const offsets = [
        0,
        1,
        all.length - 1,
        all.length - 7,
        ...Array.from({ length: 6 }, () => Math.floor(random() * all.length)),
      ];
      for (const offset of offsets) {
        const page = list({ ...query, offset, limit: 7 });
        expect(
          page.items.map((i) => i.id),
          `${JSON.stringify(query)} at ${offset}`,
        ).toEqual(all.slice(offset, offset + 7));
        expect(page.nextCursor !== null).toBe(offset + 7 < all.length);
        if (page.nextCursor) {
          const next = list({ ...query, cursor: page.nextCursor, limit: 5 });
          expect(next.items.map((i) => i.id)).toEqual(all.slice(offset + 7, offset + 12));
        }
      }
    }
  });

  it('gives the exact total for the library and trash, and a known-to-exist total for filtered lists', () => {
    const { list } = seededLibrary(2_600, 15);
    let cappedPages = 0;
    for (const query of queries) {
      const all = walk(list, query);
      const filtered = Object.keys(query).some((k) => k !== 'sort' && k !== 'trashed');
      for (const offset of [0, 400, 950, 1_500, all.length - 3, all.length, all.length + 50]) {
        const page = list({ ...query, offset, limit: 100 });
        const end = Math.min(all.length, offset + 100);
        if (!filtered || all.length <= Math.max(libraryLimits.countCap, end)) {
          expect(page.total, `${JSON.stringify(query)} at ${offset}`).toBe(all.length);
          expect(page.totalCapped).toBeUndefined();
        } else {
          expect(page.total, `${JSON.stringify(query)} at ${offset}`).toBe(
            Math.max(libraryLimits.countCap, end),
          );
          expect(page.totalCapped).toBe(true);
          cappedPages++;
        }
      }
      // Walking on from a cursor does not count again.
      const first = list({ ...query, limit: 10 });
      expect(list({ ...query, limit: 10, cursor: first.nextCursor! }).total).toBeUndefined();
    }
    expect(cappedPages).toBeGreaterThan(0);
  });

  it('sorts a search by rating exactly as a full sort would, early stop or not', () => {
    const { list, db } = seededLibrary(2_600, 17);
    const bySql = db.prepare<[string], string>(
      `SELECT i.id FROM images i WHERE i.trashed_at IS NULL
         AND i.pk IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?) ORDER BY i.rating DESC, i.pk DESC`,
    );
    // Common words stop early on their top-rated matches; "tide owl" has few and is read to the end.
    for (const [search, fts] of [
      ['fox ', '"fox"'],
      ['ne', '"ne"*'],
      ['tide owl ', '"tide" "owl"'],
    ] as const) {
      // Pages of 10 stop early on the top rating; pages of 500 read every match and sort.
      expect(walk(list, { search, sort: 'rating' }, 10), search).toEqual(bySql.pluck().all(fts));
      expect(walk(list, { search, sort: 'rating' }), search).toEqual(bySql.pluck().all(fts));
    }
    // With no image rated 5 the best is 4, and the early stop still holds.
    db.prepare('UPDATE images SET rating = 4 WHERE rating = 5').run();
    expect(walk(list, { search: 'fox ', sort: 'rating' }, 10)).toEqual(bySql.pluck().all('"fox"'));
  });

  it("searches the trash in the trash's own index: exactly the trashed matches, after trash and restore too", () => {
    const { list, db, library } = seededLibrary(2_600, 18);
    const bySql = (order: string, extra = '') =>
      db
        .prepare<[string], string>(
          `SELECT i.id FROM images i WHERE i.trashed_at IS NOT NULL ${extra}
             AND i.pk IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?) ORDER BY ${order}`,
        )
        .pluck();
    const check = () => {
      for (const [search, fts] of [
        ['fox ', '"fox"'],
        ['ne', '"ne"*'],
        ['harb', '"harbor"'],
        ['tide owl ', '"tide" "owl"'],
      ] as const) {
        expect(walk(list, { trashed: true, search }, 10), search).toEqual(bySql('i.pk DESC').all(fts));
        expect(walk(list, { trashed: true, search, sort: 'oldest' }), search).toEqual(
          bySql('i.pk ASC').all(fts),
        );
        expect(walk(list, { trashed: true, search, sort: 'rating' }, 10), search).toEqual(
          bySql('i.rating DESC, i.pk DESC').all(fts),
        );
        expect(walk(list, { trashed: true, search, model: 'ideogram-4' }, 10), search).toEqual(
          bySql('i.pk DESC', "AND i.model = 'ideogram-4'").all(fts),
        );
      }
      const first = list({ trashed: true, search: 'fox ', limit: 10 });
      expect(first.total).toBe(bySql('i.pk').all('"fox"').length);
    };
    check();
    expect(bySql('i.pk').all('"fox"').length).toBeGreaterThan(20);
    const trashed = db
      .prepare<[], string>('SELECT id FROM images WHERE trashed_at IS NOT NULL')
      .pluck()
      .all();
    library.restore(trashed.filter((_, i) => i % 2 === 0));
    const live = db.prepare<[], string>('SELECT id FROM images WHERE trashed_at IS NULL').pluck().all();
    library.trash(live.filter((_, i) => i % 9 === 0));
    library.tag(trashed.slice(1, 40), ['harbor']);
    check();
  });

  it('refuses a cursor together with an offset, and a negative or fractional offset', () => {
    const { list } = seededLibrary(30, 16);
    const cursor = list({ limit: 5 }).nextCursor!;
    const error = (() => {
      try {
        list({ cursor, offset: 10 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'validation',
      message: 'offset: give either a cursor or an offset, not both',
    });
    const input = libraryApi['library:list'].input;
    expect(input.safeParse({ cursor, offset: 0 }).success).toBe(false);
    expect(input.safeParse({ offset: -1 }).success).toBe(false);
    expect(input.safeParse({ offset: 1.5 }).success).toBe(false);
    expect(input.safeParse({ offset: 25 }).success).toBe(true);
  });
});
