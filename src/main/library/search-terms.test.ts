import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { asReadable, asWritable } from './db-handles.ts';
import { insertImageRow } from './image-rows.ts';
import { listImages } from './library-query.ts';
import { drainPendingTerms, expandPrefix, withTypedPrefixExpanded } from './search-terms.ts';
import { makeTempLibrary } from './test-support/fixtures.ts';

const libs: ReturnType<typeof makeTempLibrary>[] = [];
afterEach(() => {
  for (const l of libs.splice(0)) l.cleanup();
});

const words = [
  'poster',
  'posters',
  'post',
  'postcard',
  'possum',
  'pier',
  'piñata',
  'p',
  'lake',
  'lantern',
  'zebra',
];

function seeded(rows: number, seed: number) {
  console.log(`search-terms seed ${seed}`);
  const random = mulberry32(seed);
  const l = makeTempLibrary();
  libs.push(l);
  const pick = () => words[Math.floor(random() * words.length)]!;
  l.db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      insertImageRow(
        l.db,
        {
          sha256: i.toString(16).padStart(64, '0'),
          format: 'png',
          mime: 'image/png',
          bytes: 1,
          width: 1,
          height: 1,
          embedded: null,
        },
        { model: 'm', prompt: `${pick()} ${pick()} at dusk`, params: {}, createdAt: 1_000 + i },
        'generated',
        0,
      );
    }
  })();
  return l;
}

/** What the plain prefix query finds, newest first: the answer the expansion must give. */
function byPrefix(db: ReturnType<typeof makeTempLibrary>['db'], fts: string): string[] {
  return db
    .prepare<[string], string>(
      `SELECT i.id FROM images_fts f JOIN images i ON i.pk = f.rowid
       WHERE images_fts MATCH ? AND i.trashed_at IS NULL ORDER BY f.rowid DESC`,
    )
    .pluck()
    .all(fts);
}

function searched(db: ReturnType<typeof makeTempLibrary>['db'], search: string): string[] {
  const ids: string[] = [];
  let page = listImages(asReadable(db), { search, limit: 500 });
  ids.push(...page.items.map((i) => i.id));
  while (page.nextCursor) {
    page = listImages(asReadable(db), { search, limit: 500, cursor: page.nextCursor });
    ids.push(...page.items.map((i) => i.id));
  }
  return ids;
}

describe('search terms for the word being typed', () => {
  it('expands a typed prefix into the terms it can be, finding exactly what the prefix finds', () => {
    const { db } = seeded(600, 21);
    // Rows not yet tokenized are read from the queue; then the queue is drained and read from the table.
    for (const drained of [false, true]) {
      if (drained) while (drainPendingTerms(asWritable(db)) > 0);
      const queued = db.prepare('SELECT count(*) FROM search_terms_pending').pluck().get();
      expect(queued).toBe(drained ? 0 : 600);
      for (const typed of ['p', 'pi', 'pin', 'pina', 'post', 'poste', 'posters', 'l', 'lante', 'q', 'zebr']) {
        expect(searched(db, `dusk ${typed}`), `${typed} drained ${drained}`).toEqual(
          byPrefix(db, `"dusk" "${typed}"*`),
        );
      }
    }
    expect(expandPrefix(asReadable(db), 'post')).toBe('("post" OR "postcard" OR "poster" OR "posters")');
    expect(expandPrefix(asReadable(db), 'p')).toBe('("p" OR "pi"* OR "po"*)');
    // Prefixes the FTS prefix indexes serve are left alone; so is a word nothing starts with.
    expect(withTypedPrefixExpanded(asReadable(db), '"lake" "po"*')).toBe('"lake" "po"*');
    expect(withTypedPrefixExpanded(asReadable(db), '"lake" "qwer"*')).toBe('"lake" "qwer"*');
    expect(withTypedPrefixExpanded(asReadable(db), '"lake" "post"')).toBe('"lake" "post"');
  });

  it('picks up text written around the library, such as the text check writing read_text', () => {
    const { db } = seeded(20, 22);
    while (drainPendingTerms(asWritable(db)) > 0);
    const pk = db.prepare('SELECT max(pk) FROM images').pluck().get() as number;
    db.prepare("UPDATE images SET read_text = 'GRAND OPENING bakery' WHERE pk = ?").run(pk);
    expect(searched(db, 'bake')).toHaveLength(1);
    while (drainPendingTerms(asWritable(db)) > 0);
    expect(db.prepare("SELECT term FROM search_terms WHERE term = 'bakery'").pluck().get()).toBe('bakery');
    expect(searched(db, 'bake')).toHaveLength(1);
  });

  it('keeps the plain prefix when a prefix has too many terms to be worth an OR', () => {
    const { db } = seeded(5, 23);
    const insert = db.prepare('INSERT INTO search_terms (term) VALUES (?)');
    for (let i = 0; i < 70; i++) insert.run(`lamp${i}`);
    expect(expandPrefix(asReadable(db), 'lamp')).toBeNull();
  });
});
