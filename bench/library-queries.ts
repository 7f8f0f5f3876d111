/**
 * The page's queries, timed single-shot on a library from library-world.ts: each sample is one call
 * of the query function the SQL worker runs (listImages on a read-only connection, warm cache), so
 * the figures are the SQL and row shaping alone, without the message hop (about 0.1 ms).
 */
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { LibraryPage, LibraryQuery } from '../src/shared/api/library.ts';
import { asReadable } from '../src/main/library/db-handles.ts';
import { listImages } from '../src/main/library/library-query.ts';
import { withTypedPrefixExpanded } from '../src/main/library/search-terms.ts';
import { toFtsQuery } from '../src/main/library/search-text.ts';
import { libraryStats } from '../src/main/library/library-stats.ts';
import { mulberry32 } from '../src/main/simulator/seeded-random.ts';
import { vocabulary, worldTagNames, zipfSampler } from './library-world.ts';

export type Samples = Record<string, number[]>;

function time(samples: number[], run: () => LibraryPage | unknown) {
  const started = performance.now();
  const value = run();
  samples.push(performance.now() - started);
  return value;
}

/** Every prefix of a word, as a person types it: "l", "li", "lig", ... */
const typed = (word: string) => Array.from({ length: word.length }, (_, i) => word.slice(0, i + 1));

export function measureQueries(file: string, rows: number, seed: number): Samples {
  const db = asReadable(new Database(file, { readonly: true }));
  const list = (query: LibraryQuery) => listImages(db, query);
  const random = mulberry32(seed);
  const words = vocabulary();
  const zipf = zipfSampler(words.length, random);
  const s: Samples = {};
  const add = (name: string) => (s[name] ??= []);

  list({ limit: 100 }); // warm the statement cache and the first pages, as a running app has them
  for (let i = 0; i < 30; i++) time(add('first page query'), () => list({ limit: 100 }));

  // Common words: the 40 most frequent of 5+ letters, typed letter by letter (newest first).
  const common = words.filter((w) => w.length >= 5).slice(0, 40);
  for (let i = 0; i < 12; i++) {
    const word = common[Math.floor(random() * common.length)]!;
    for (const prefix of typed(word))
      time(add('common word as typed'), () => list({ search: prefix, limit: 100 }));
  }
  // Side by side, the same prefixes, in turns so load falls on all: the key walk as FTS5 plans a
  // bare prefix ("w"*) and as the typed word's expansion into its terms (search-terms.ts) plans it;
  // and the trash left out as a set of every trashed pk (as before migration 013) or looked up per
  // match in the trash's own index (ours).
  const keyWalk = db.prepare<[string], number>(
    'SELECT rowid FROM images_fts WHERE images_fts MATCH ? ORDER BY rowid DESC LIMIT 1001',
  );
  const trashSet = db.prepare<[string], number>(
    `SELECT f.rowid FROM images_fts f WHERE images_fts MATCH ?
       AND f.rowid NOT IN (SELECT pk FROM images WHERE trashed_at IS NOT NULL) ORDER BY f.rowid DESC LIMIT 1001`,
  );
  const trashLookups = db.prepare<[string], number>(
    `SELECT f.rowid FROM images_fts f WHERE images_fts MATCH ?
       AND NOT EXISTS (SELECT 1 FROM images t INDEXED BY images_trashed_pk
         WHERE t.trashed_at IS NOT NULL AND t.pk = f.rowid) ORDER BY f.rowid DESC LIMIT 1001`,
  );
  for (let i = 0; i < 8; i++) {
    for (const prefix of typed(common[(i * 5) % common.length]!)) {
      const plain = toFtsQuery(prefix)!;
      const expanded = toFtsQuery(prefix, false, (words) => withTypedPrefixExpanded(db, words) ?? words)!;
      const runs = [
        () => time(add('typed prefix keys, bare prefix'), () => keyWalk.all(plain)),
        () => time(add('typed prefix keys, expanded'), () => keyWalk.all(expanded)),
        () => time(add('typed word keys, trash as a set'), () => trashSet.all(expanded)),
        () => time(add('typed word keys, trash looked up'), () => trashLookups.all(expanded)),
      ];
      for (const run of i % 2 ? runs.toReversed() : runs) run();
    }
  }
  // And a search sorted by rating as it was planned before (every match collected, then sorted).
  const collectAll = db.prepare<[string], number>(
    `SELECT i.pk FROM images i WHERE i.trashed_at IS NULL
       AND i.pk IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?) ORDER BY i.rating DESC, i.pk DESC LIMIT 1001`,
  );
  for (let i = 0; i < 16; i++) {
    const word = common[(i * 3) % common.length]!;
    const pair = [
      () => time(add('rating search keys, collect all'), () => collectAll.all(`"${word}"`)),
      () =>
        time(add('rating search, ours (whole page)'), () =>
          list({ search: `${word} `, sort: 'rating', limit: 100 }),
        ),
    ];
    for (const run of i % 2 ? pair.toReversed() : pair) run();
  }
  // Words drawn as people search: by the same Zipf law as the prompts, finished (a space after).
  for (let i = 0; i < 40; i++) {
    time(add('search, finished word(s)'), () =>
      list({ search: `${words[zipf()]} ${i % 2 ? `${words[zipf()]} ` : ''}`, limit: 100 }),
    );
  }
  for (let i = 0; i < 30; i++) {
    const word = i % 2 ? words[zipf()]! : common[Math.floor(random() * common.length)]!;
    time(add('search sorted by rating'), () => list({ search: `${word} `, sort: 'rating', limit: 100 }));
  }

  // Inside the trash (1 % of the library): the same common words, finished and as typed.
  for (let i = 0; i < 12; i++) {
    const word = common[(i * 7) % common.length]!;
    time(add('trash search, common word'), () => list({ trashed: true, search: `${word} `, limit: 100 }));
    for (const prefix of typed(word).slice(0, 4))
      time(add('trash search as typed'), () => list({ trashed: true, search: prefix, limit: 100 }));
  }
  // Side by side, in turns: the trash's first page and count (1,001 keys) walked in the library's
  // index with each match looked up in the trash (before migration 015), and in the trash's own.
  const trashInLibrary = db.prepare<[string], number>(
    `SELECT f.rowid FROM images_fts f WHERE images_fts MATCH ?
       AND EXISTS (SELECT 1 FROM images t INDEXED BY images_trashed_pk
         WHERE t.trashed_at IS NOT NULL AND t.pk = f.rowid) ORDER BY f.rowid DESC LIMIT 1001`,
  );
  const trashOwn = db.prepare<[string], number>(
    `SELECT rowid FROM images_trash_fts WHERE images_trash_fts MATCH ? ORDER BY rowid DESC LIMIT 1001`,
  );
  for (let i = 0; i < 12; i++) {
    const fts = toFtsQuery(`${common[(i * 7) % common.length]!} `)!;
    const pair = [
      () => time(add('trash search keys, library index'), () => trashInLibrary.all(fts)),
      () => time(add('trash search keys, trash index'), () => trashOwn.all(fts)),
    ];
    for (const run of i % 2 ? pair.toReversed() : pair) run();
  }

  // Filters that match about 0.1 % of the library or less (the world's distribution says how much).
  const selective: LibraryQuery[] = [
    { model: 'ideogram-2a', favorite: true },
    { model: 'ideogram-2a', minRating: 5 },
    { favorite: true, minRating: 5, orientation: 'square' },
    { collectionId: 1, minRating: 4 },
    { tag: worldTagNames(words).at(-1)! },
    { from: Date.UTC(2025, 5, 1), to: Date.UTC(2025, 5, 1) + 3_600_000 },
  ];
  for (let i = 0; i < 36; i++)
    time(add('very selective filter'), () => list({ ...selective[i % selective.length]!, limit: 100 }));
  for (let i = 0; i < 30; i++) {
    time(add('filter model + rating + shape'), () =>
      list({
        model: i % 2 ? 'ideogram-3' : 'ideogram-4',
        minRating: 1 + (i % 3),
        orientation: (['landscape', 'portrait', 'square'] as const)[i % 3],
        limit: 100,
      }),
    );
  }

  for (const sort of ['newest', 'oldest', 'rating'] as const) {
    for (let i = 0; i < 5; i++)
      time(add('page at the end (offset)'), () => list({ sort, offset: rows - 100, limit: 100 }));
  }
  for (let i = 0; i < 20; i++) {
    time(add('page at a random offset'), () => list({ offset: Math.floor(random() * rows), limit: 100 }));
  }
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = time(add('next page (cursor)'), () =>
      list({ limit: 100, ...(cursor ? { cursor } : {}) }),
    ) as LibraryPage;
    cursor = page.nextCursor;
  }
  for (let i = 0; i < 20; i++) time(add('stats (counters)'), () => libraryStats(db));
  db.close();
  return s;
}
