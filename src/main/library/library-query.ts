import { LibraryQuery, libraryLimits, type LibraryPage, type LibrarySort } from '../../shared/api/library.ts';
import { AppError, describeIssues, issuesFromZod } from '../../shared/rpc.ts';
import { libraryCounts } from './library-stats.ts';
import { summaryColumns, toSummary, type SummaryRow } from './image-rows.ts';
import { pkSlots } from './migrations/003-library-order.ts';
import { withTypedPrefixExpanded } from './search-terms.ts';
import { searchedColumns, snippetMaker, toFtsQuery } from './search-text.ts';
import type { ReadableDB } from './db-handles.ts';
import { cached } from './statement-cache.ts';

type ParsedQuery = ReturnType<typeof LibraryQuery.parse>;
type Value = string | number;

/**
 * Sort keys per order, most significant first. pk follows creation time (migration 003), so it is
 * both the "newest" order and the unique tie-breaker the cursor needs.
 */
const sortKeys: Record<LibrarySort, { columns: ('pk' | 'rating')[]; direction: 'ASC' | 'DESC' }> = {
  newest: { columns: ['pk'], direction: 'DESC' },
  oldest: { columns: ['pk'], direction: 'ASC' },
  rating: { columns: ['rating', 'pk'], direction: 'DESC' },
};

function encodeCursor(sort: LibrarySort, values: number[]): string {
  return Buffer.from(JSON.stringify([sort, ...values])).toString('base64url');
}

function decodeCursor(cursor: string, sort: LibrarySort): number[] {
  const expected = sortKeys[sort].columns.length;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed[0] === sort &&
      parsed.length === expected + 1 &&
      parsed.slice(1).every((v) => Number.isSafeInteger(v))
    ) {
      return parsed.slice(1) as number[];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(
    'validation',
    'The page cursor does not fit this list; start again from the first page.',
  );
}

/** The filters other than trash and search, as SQL on `i` with bound values. */
function filterClauses(query: ParsedQuery): { sql: string[]; values: Value[] } {
  const sql: string[] = [];
  const values: Value[] = [];
  const add = (clause: string, ...v: Value[]) => {
    sql.push(clause);
    values.push(...v);
  };
  if (query.model !== undefined) add('i.model = ?', query.model);
  // Dates map onto pk ranges (pk = created_at * 1024 + n): a range scan instead of a filter.
  if (query.from !== undefined) add('i.pk >= ?', query.from * pkSlots);
  if (query.to !== undefined) add('i.pk < ?', (query.to + 1) * pkSlots);
  if (query.favorite !== undefined) add('i.favorite = ?', query.favorite ? 1 : 0);
  if (query.minRating !== undefined) add('i.rating >= ?', query.minRating);
  if (query.orientation !== undefined) add('i.orientation = ?', query.orientation);
  // Served by the partial index images_live_text_status (migration 007).
  if (query.textStatus !== undefined) add('i.text_status = ?', query.textStatus);
  if (query.collectionId !== undefined) {
    add('i.pk IN (SELECT image_pk FROM collection_images WHERE collection_id = ?)', query.collectionId);
  }
  if (query.tag !== undefined) {
    add(
      'i.pk IN (SELECT it.image_pk FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = ?)',
      query.tag,
    );
  }
  return { sql, values };
}

interface KeyRow {
  pk: number;
  rating: number;
}

/**
 * Which rows, in order: a query that returns sort keys only. Newest/oldest searches walk the FTS
 * index in rowid (= pk) order and stop early; with no other filter they do not even touch the images
 * table (the library's search checks the trash's small partial index; the trash's search walks its
 * own index). A search sorted by rating is read
 * newest first too and stopped by ratingSearchKeys; other lists walk a covering live index.
 */
function keyQuery(query: ParsedQuery, fts: string | null) {
  const filters = filterClauses(query);
  const trashed = query.trashed ? 'i.trashed_at IS NOT NULL' : 'i.trashed_at IS NULL';
  const { direction } = sortKeys[query.sort];
  // The trash has a search index of its own (migration 015): walking the library's for it read
  // every match until enough of them turned out to be trashed.
  const index = query.trashed ? 'images_trash_fts' : 'images_fts';
  if (fts !== null && query.sort !== 'rating') {
    const bare = filters.sql.length === 0;
    return {
      // In the library, each match is looked up in the trash's partial index (migration 013) and
      // the walk stops with the page: a set of every trashed pk, built first, cost O(trash) per
      // keystroke. In the trash, its own index holds only trashed rows.
      select: !bare
        ? `SELECT i.pk, 0 AS rating FROM ${index} f CROSS JOIN images i ON i.pk = f.rowid
             WHERE ${index} MATCH ? AND ${[trashed, ...filters.sql].join(' AND ')}`
        : query.trashed
          ? `SELECT f.rowid AS pk, 0 AS rating FROM images_trash_fts f WHERE images_trash_fts MATCH ?`
          : `SELECT f.rowid AS pk, 0 AS rating FROM images_fts f WHERE images_fts MATCH ?
             AND NOT EXISTS (SELECT 1 FROM images t INDEXED BY images_trashed_pk
               WHERE t.trashed_at IS NOT NULL AND t.pk = f.rowid)`,
      values: [fts, ...filters.values],
      keys: ['f.rowid'],
      order: `f.rowid ${direction}`,
      filtered: true,
      streamRating: false,
    };
  }
  if (fts !== null) {
    // Read in pk order and stopped early by ratingSearchKeys; the rating comes from the small
    // live-order index when nothing else needs the table.
    const live = filters.sql.length === 0 && !query.trashed ? 'INDEXED BY images_live_order' : '';
    return {
      select: `SELECT i.pk, i.rating FROM ${index} f CROSS JOIN images i ${live} ON i.pk = f.rowid
             WHERE ${index} MATCH ? AND ${[trashed, ...filters.sql].join(' AND ')}`,
      values: [fts, ...filters.values],
      keys: ['i.rating', 'i.pk'],
      order: 'i.rating DESC, i.pk DESC',
      filtered: true,
      streamRating: true,
    };
  }
  const where = [trashed, ...filters.sql];
  const values = [...filters.values];
  const keys = sortKeys[query.sort].columns.map((c) => `i.${c}`);
  // Selecting only what the order needs keeps an index-only walk index-only.
  const rating = query.sort === 'rating' ? 'i.rating' : '0 AS rating';
  return {
    select: `SELECT i.pk, ${rating} FROM images i WHERE ${where.join(' AND ')}`,
    values,
    keys,
    order: keys.map((k) => `${k} ${direction}`).join(', '),
    filtered: where.length > 1,
    streamRating: false,
  };
}

/**
 * A search sorted by rating, as `ordered LIMIT limit OFFSET offset` would return it, without
 * collecting and sorting every match (453 ms for a common word at 1M): matches are read newest first,
 * and once `offset + limit` of them have the highest rating any match can have, those are the
 * answer, since nothing read later can come before them. A word with few top-rated matches is read
 * to the end and sorted, which costs what the plain query did. `matched` is how many matches were
 * read: at least `readAtLeast` (the count cap), or all of them.
 */
function ratingSearchKeys(
  db: ReadableDB,
  plan: { select: string; values: Value[] },
  top: number,
  limit: number,
  offset: number,
  readAtLeast: number,
): { keys: KeyRow[]; matched: number } {
  const rows: KeyRow[] = [];
  const best: KeyRow[] = [];
  const need = offset + limit;
  for (const row of cached<Value[], KeyRow>(db, `${plan.select} ORDER BY f.rowid DESC`).iterate(
    ...plan.values,
  )) {
    rows.push(row);
    if (row.rating === top) best.push(row);
    if (best.length >= need && rows.length >= readAtLeast) {
      return { keys: best.slice(offset, need), matched: rows.length };
    }
  }
  rows.sort((a, b) => b.rating - a.rating || b.pk - a.pk);
  return { keys: rows.slice(offset, need), matched: rows.length };
}

/** The highest rating a row of this list can have: the library's best, or the cursor's. */
function topRating(db: ReadableDB, query: ParsedQuery, after: number[] | null): number {
  const best = query.trashed
    ? 5
    : (cached<[], number | null>(
        db,
        'SELECT max(rating) FROM images INDEXED BY images_live_rating WHERE trashed_at IS NULL',
      )
        .pluck()
        .get() ?? 0);
  return after === null ? best : Math.min(best, after[0]!);
}

export function listImages(db: ReadableDB, input: LibraryQuery): LibraryPage {
  const parsed = LibraryQuery.safeParse(input);
  if (!parsed.success) {
    const issues = issuesFromZod(parsed.error);
    throw new AppError('validation', describeIssues(issues), issues);
  }
  const query: ParsedQuery = parsed.data;
  const search = query.search ?? '';
  // The word being typed is widened to the index's own words inside whichever group holds it.
  const fts = toFtsQuery(search, query.negative, (words) => withTypedPrefixExpanded(db, words) ?? words);
  const plan = keyQuery(query, fts);
  const { columns, direction } = sortKeys[query.sort];
  const offset = query.offset ?? 0;

  let select = plan.select;
  const values = [...plan.values];
  let after: number[] | null = null;
  if (query.cursor !== undefined) {
    after = decodeCursor(query.cursor, query.sort);
    select += ` AND (${plan.keys.join(', ')}) ${direction === 'DESC' ? '<' : '>'} (${plan.keys.map(() => '?').join(', ')})`;
    values.push(...after);
  }
  const ordered = `${select} ORDER BY ${plan.order}`;
  // A filtered page that ends within the count cap reads up to the cap in the same pass, so the total
  // costs one walk instead of two; the whole library is counted exactly from the small live index.
  const countHere =
    query.cursor === undefined && plan.filtered && offset + query.limit <= libraryLimits.countCap;
  const cap = libraryLimits.countCap;
  let keys: KeyRow[];
  let matched: number;
  let start = 0;
  if (plan.streamRating) {
    // The page and one more to know if there are others; the count cap read on in the same pass.
    const top = topRating(db, query, after);
    ({ keys, matched } = countHere
      ? ratingSearchKeys(db, { select, values }, top, offset + query.limit + 1, 0, cap + 1)
      : ratingSearchKeys(db, { select, values }, top, query.limit + 1, offset, 0));
    start = countHere ? offset : 0;
  } else {
    const all = cached<Value[], KeyRow>(db, `${ordered} LIMIT ? OFFSET ?`);
    keys = countHere ? all.all(...values, cap + 1, 0) : all.all(...values, query.limit + 1, offset);
    matched = keys.length;
    start = countHere ? offset : 0;
  }
  const page = keys.slice(start, start + query.limit);
  const hasMore = keys.length > start + query.limit;

  let total: number | undefined;
  let totalCapped = false;
  if (query.cursor !== undefined) {
    // Walking on: the page that started the walk gave the total.
  } else if (!plan.filtered) {
    const counts = libraryCounts(db);
    total = query.trashed ? counts.trashed : counts.images;
  } else if (countHere) {
    totalCapped = matched > cap;
    total = Math.min(matched, cap);
  } else if (page.length > 0) {
    // Past the cap: as many as this page shows exist, and hasMore says whether there are others.
    totalCapped = hasMore;
    total = offset + page.length;
  } else {
    // An offset past the end: the list is shorter than the offset, so counting it costs under offset.
    total = cached<Value[], number>(db, `SELECT count(*) FROM (${ordered} LIMIT ?)`)
      .pluck()
      .get(...values, offset)!;
  }

  const rows = rowsFor(
    db,
    page.map((k) => k.pk),
    fts !== null,
  );
  const last = page.at(-1);
  const snippets = fts === null ? null : snippetMaker(search, query.negative);
  return {
    items: page.flatMap((k) => {
      const row = rows.get(k.pk);
      return row ? [toSummary(row, snippets?.forRow(row) ?? null)] : [];
    }),
    nextCursor:
      hasMore && last
        ? encodeCursor(
            query.sort,
            columns.map((c) => last[c]),
          )
        : null,
    ...(total === undefined ? {} : { total }),
    ...(totalCapped ? { totalCapped } : {}),
  };
}

interface PageRow extends SummaryRow {
  expanded_prompt: string | null;
  negative_prompt: string | null;
  tag_text: string;
  style_codes: string;
  collection_text: string;
  read_text: string;
}

function rowsFor(db: ReadableDB, pks: number[], withTexts: boolean): Map<number, PageRow> {
  if (pks.length === 0) return new Map();
  const texts = withTexts ? `, ${searchedColumns.map((c) => `i.${c}`).join(', ')}` : '';
  const rows = cached<[string], PageRow>(
    db,
    `SELECT ${summaryColumns}${texts} FROM images i WHERE i.pk IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(pks));
  return new Map(rows.map((r) => [r.pk, r]));
}
