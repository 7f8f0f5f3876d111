import type Database from 'better-sqlite3';
import { LibraryQuery, libraryLimits, type LibraryPage, type LibrarySort } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { summaryColumns, toSummary, type SummaryRow } from './image-rows.ts';
import { pkSlots } from './migrations/003-library-order.ts';
import { snippetFor, toFtsQuery } from './search-text.ts';
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
 * table (trash is checked against its small partial index). A rating sort collects and sorts.
 */
function keyQuery(query: ParsedQuery, fts: string | null) {
  const filters = filterClauses(query);
  const trashed = query.trashed ? 'i.trashed_at IS NOT NULL' : 'i.trashed_at IS NULL';
  const { direction } = sortKeys[query.sort];
  if (fts !== null && query.sort !== 'rating') {
    const bare = filters.sql.length === 0;
    return {
      select: bare
        ? `SELECT f.rowid AS pk, 0 AS rating FROM images_fts f WHERE images_fts MATCH ?
             AND f.rowid ${query.trashed ? 'IN' : 'NOT IN'} (SELECT pk FROM images WHERE trashed_at IS NOT NULL)`
        : `SELECT i.pk, 0 AS rating FROM images_fts f CROSS JOIN images i ON i.pk = f.rowid
             WHERE images_fts MATCH ? AND ${[trashed, ...filters.sql].join(' AND ')}`,
      values: [fts, ...filters.values],
      keys: ['f.rowid'],
      order: `f.rowid ${direction}`,
      filtered: true,
    };
  }
  const where = [trashed, ...filters.sql];
  const values = [...filters.values];
  if (fts !== null) {
    where.push('i.pk IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)');
    values.push(fts);
  }
  const keys = sortKeys[query.sort].columns.map((c) => `i.${c}`);
  // Selecting only what the order needs keeps an index-only walk index-only.
  const rating = query.sort === 'rating' ? 'i.rating' : '0 AS rating';
  return {
    select: `SELECT i.pk, ${rating} FROM images i WHERE ${where.join(' AND ')}`,
    values,
    keys,
    order: keys.map((k) => `${k} ${direction}`).join(', '),
    filtered: where.length > 1,
  };
}

export function listImages(db: Database.Database, input: LibraryQuery): LibraryPage {
  const query: ParsedQuery = LibraryQuery.parse(input);
  const search = query.search ?? '';
  const fts = toFtsQuery(search);
  const plan = keyQuery(query, fts);
  const { columns, direction } = sortKeys[query.sort];

  let select = plan.select;
  const values = [...plan.values];
  if (query.cursor !== undefined) {
    const after = decodeCursor(query.cursor, query.sort);
    select += ` AND (${plan.keys.join(', ')}) ${direction === 'DESC' ? '<' : '>'} (${plan.keys.map(() => '?').join(', ')})`;
    values.push(...after);
  }
  // The first page of a filtered list reads up to the count cap in the same pass, so the total costs
  // one walk instead of two; the whole library is counted exactly from the small live index.
  const countHere = query.cursor === undefined && plan.filtered;
  const take = countHere ? Math.max(libraryLimits.countCap + 1, query.limit + 1) : query.limit + 1;
  const keys = cached<Value[], KeyRow>(db, `${select} ORDER BY ${plan.order} LIMIT ?`).all(...values, take);

  let total: number | undefined;
  let totalCapped = false;
  if (countHere) {
    totalCapped = keys.length > libraryLimits.countCap;
    total = Math.min(keys.length, libraryLimits.countCap);
  } else if (query.cursor === undefined) {
    // The smallest covering partial index; left to itself the planner scans the whole table.
    const sql = query.trashed
      ? 'SELECT count(*) FROM images INDEXED BY images_trashed WHERE trashed_at IS NOT NULL'
      : 'SELECT count(*) FROM images INDEXED BY images_live_rating WHERE trashed_at IS NULL';
    total = cached<[], number>(db, sql).pluck().get()!;
  }

  const hasMore = keys.length > query.limit;
  const page = keys.slice(0, query.limit);
  const rows = rowsFor(
    db,
    page.map((k) => k.pk),
    fts !== null,
  );
  const last = page.at(-1);
  return {
    items: page.flatMap((k) => {
      const row = rows.get(k.pk);
      if (!row) return [];
      const snippet =
        fts === null
          ? null
          : snippetFor(
              [row.prompt, row.expanded_prompt, row.negative_prompt, row.tag_text, row.style_codes],
              search,
            );
      return [toSummary(row, snippet)];
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
}

function rowsFor(db: Database.Database, pks: number[], withTexts: boolean): Map<number, PageRow> {
  if (pks.length === 0) return new Map();
  const texts = withTexts ? ', i.expanded_prompt, i.negative_prompt, i.tag_text, i.style_codes' : '';
  const rows = cached<[string], PageRow>(
    db,
    `SELECT ${summaryColumns}${texts} FROM images i WHERE i.pk IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(pks));
  return new Map(rows.map((r) => [r.pk, r]));
}
