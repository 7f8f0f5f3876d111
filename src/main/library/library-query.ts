import type Database from 'better-sqlite3';
import { LibraryQuery, type LibraryPage, type LibrarySort, type Snippet } from '../../shared/api/library.ts';
import { AppError } from '../../shared/rpc.ts';
import { summaryColumns, toSummary, type SummaryRow } from './image-rows.ts';

type ParsedQuery = ReturnType<typeof LibraryQuery.parse>;

/** Sort keys per order, most significant first; pk last makes every key unique for the cursor. */
const sortKeys: Record<LibrarySort, { columns: string[]; direction: 'ASC' | 'DESC' }> = {
  newest: { columns: ['i.created_at', 'i.pk'], direction: 'DESC' },
  oldest: { columns: ['i.created_at', 'i.pk'], direction: 'ASC' },
  rating: { columns: ['i.rating', 'i.created_at', 'i.pk'], direction: 'DESC' },
};
const keyFields: Record<string, keyof SummaryRow> = {
  'i.created_at': 'created_at',
  'i.pk': 'pk',
  'i.rating': 'rating',
};

// Control characters no prompt contains mark the matches inside snippets; they are split out below.
const MARK_OPEN = '\u0002';
const MARK_CLOSE = '\u0003';

/**
 * Turns what a person types into an FTS5 query: every word quoted (so AND, NEAR, quotes and
 * column filters are plain text) and prefix-matched, all words required.
 */
export function toFtsQuery(search: string): string | null {
  const words = search.match(/[\p{L}\p{N}_]+/gu);
  if (!words) return null;
  return words
    .slice(0, 16)
    .map((w) => `"${w}"*`)
    .join(' ');
}

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

export function listImages(db: Database.Database, input: LibraryQuery): LibraryPage {
  const query: ParsedQuery = LibraryQuery.parse(input);
  const where: string[] = [query.trashed ? 'i.trashed_at IS NOT NULL' : 'i.trashed_at IS NULL'];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    params.push(...values);
  };

  const fts = query.search === undefined ? null : toFtsQuery(query.search);
  if (fts !== null) add('i.pk IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)', fts);
  if (query.model !== undefined) add('i.model = ?', query.model);
  if (query.from !== undefined) add('i.created_at >= ?', query.from);
  if (query.to !== undefined) add('i.created_at <= ?', query.to);
  if (query.favorite !== undefined) add('i.favorite = ?', query.favorite ? 1 : 0);
  if (query.minRating !== undefined) add('i.rating >= ?', query.minRating);
  if (query.orientation !== undefined) add('i.orientation = ?', query.orientation);
  if (query.collectionId !== undefined) {
    add('i.pk IN (SELECT image_pk FROM collection_images WHERE collection_id = ?)', query.collectionId);
  }
  if (query.tag !== undefined) {
    add(
      'i.pk IN (SELECT it.image_pk FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = ?)',
      query.tag,
    );
  }

  const filterSql = where.join(' AND ');
  const total =
    query.cursor === undefined
      ? db
          .prepare<unknown[], number>(`SELECT count(*) FROM images i WHERE ${filterSql}`)
          .pluck()
          .get(...params)
      : undefined;

  const { columns, direction } = sortKeys[query.sort];
  const pageWhere = [...where];
  const pageParams = [...params];
  if (query.cursor !== undefined) {
    const values = decodeCursor(query.cursor, query.sort);
    pageWhere.push(
      `(${columns.join(', ')}) ${direction === 'DESC' ? '<' : '>'} (${columns.map(() => '?').join(', ')})`,
    );
    pageParams.push(...values);
  }
  const order = columns.map((c) => `${c} ${direction}`).join(', ');
  const rows = db
    .prepare<unknown[], SummaryRow>(
      `SELECT ${summaryColumns} FROM images i WHERE ${pageWhere.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    )
    .all(...pageParams, query.limit + 1);

  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const snippets =
    fts === null
      ? new Map<number, Snippet>()
      : snippetsFor(
          db,
          fts,
          page.map((r) => r.pk),
        );
  const last = page.at(-1);
  return {
    items: page.map((row) => toSummary(row, snippets.get(row.pk) ?? null)),
    nextCursor:
      hasMore && last
        ? encodeCursor(
            query.sort,
            columns.map((c) => last[keyFields[c]!] as number),
          )
        : null,
    ...(total === undefined ? {} : { total }),
  };
}

/** Snippets for one page only: computing them inside the sorted query would do it for every match. */
function snippetsFor(db: Database.Database, fts: string, pks: number[]): Map<number, Snippet> {
  if (pks.length === 0) return new Map();
  const rows = db
    .prepare<unknown[], { pk: number; snippet: string }>(
      `SELECT rowid AS pk, snippet(images_fts, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 16) AS snippet
       FROM images_fts WHERE images_fts MATCH ? AND rowid IN (SELECT value FROM json_each(?))`,
    )
    .all(fts, JSON.stringify(pks));
  return new Map(rows.map((r) => [r.pk, splitSnippet(r.snippet)]));
}

export function splitSnippet(marked: string): Snippet {
  const pieces: Snippet = [];
  for (const part of marked.split(MARK_OPEN)) {
    const close = part.indexOf(MARK_CLOSE);
    if (close >= 0) {
      pieces.push({ text: part.slice(0, close), match: true });
      if (close + 1 < part.length) pieces.push({ text: part.slice(close + 1), match: false });
    } else if (part) {
      pieces.push({ text: part, match: false });
    }
  }
  return pieces;
}
