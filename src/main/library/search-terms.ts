import type { ReadableDB, WritableDB } from './db-handles.ts';
import { ftsColumns } from './migrations/004-search-columns.ts';
import { cached } from './statement-cache.ts';

/**
 * Search as you type, kept fast at a million images. FTS5 serves a prefix of 2 or 3 characters from
 * its prefix indexes as a stream that stops after a page, but any other prefix ("p", "post") makes
 * it merge the whole doclist of every matching term first: 1.1 s for "p" and ~400 ms for "poster"
 * at 1M. So the word being typed is expanded into the terms it can be ("post" -> "post" OR "poster"
 * OR "posters"...), each an ordinary term the index streams, from `search_terms`: every term the
 * index holds (migration 006 fills it from the index itself; rows written since are queued by
 * trigger in `search_terms_pending` and tokenized here, so nothing that writes text is left out).
 */

/** Letters, digits and private-use characters, folded as unicode61 with remove_diacritics 2 does. */
const tokenPattern = /[\p{L}\p{N}\p{Co}]+/gu;
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function termsOf(text: string): Set<string> {
  const terms = new Set<string>();
  for (const [token] of text.matchAll(tokenPattern)) terms.add(fold(token));
  return terms;
}

/** An image's searchable text, every column of the index in one string. */
const searchableText = ftsColumns.map((c) => `coalesce(${c}, '')`).join(" || ' ' || ");
const textOfRow = `SELECT ${searchableText} FROM images WHERE pk = ?`;

/**
 * Moves up to `max` queued rows' terms into search_terms, in one transaction; returns how many rows
 * are still queued. Cheap per image (~50 us); a bulk edit is drained a slice at a time.
 */
export function drainPendingTerms(db: WritableDB, max = 500): number {
  return db.transaction(() => {
    const pks = cached<[number], number>(db, 'SELECT pk FROM search_terms_pending LIMIT ?').pluck().all(max);
    const text = cached<[number], string | undefined>(db, textOfRow).pluck();
    const insert = cached<[string]>(db, 'INSERT OR IGNORE INTO search_terms (term) VALUES (?)');
    const done = cached<[number]>(db, 'DELETE FROM search_terms_pending WHERE pk = ?');
    for (const pk of pks) {
      for (const term of termsOf(text.get(pk) ?? '')) insert.run(term);
      done.run(pk);
    }
    return pks.length < max
      ? 0
      : cached<[], number>(db, 'SELECT count(*) FROM search_terms_pending').pluck().get()!;
  })();
}

/** Past this many queued rows the reader does not tokenize them itself and keeps the plain prefix. */
const maxPendingRead = 1_000;
/** An OR of more terms than this costs more per row than it saves. */
const maxTerms = 64;
const after = (prefix: string) => `${prefix}\u{10FFFF}`;

/** Terms of queued rows with this prefix, or null when too many rows are queued to read them now. */
function pendingTerms(db: ReadableDB, prefix: string): string[] | null {
  const queued = cached<[number], string>(
    db,
    `SELECT ${searchableText} FROM images WHERE pk IN (SELECT pk FROM search_terms_pending LIMIT ?)`,
  )
    .pluck()
    .all(maxPendingRead + 1);
  if (queued.length > maxPendingRead) return null;
  return [...termsOf(queued.join(' '))].filter((term) => term.startsWith(prefix));
}

const quote = (term: string) => `"${term}"`;

/**
 * An FTS5 expression equal to `"prefix"*` that the index streams, or null to keep the prefix as it
 * is (2-3 characters, which the prefix indexes serve; or too many terms).
 */
export function expandPrefix(db: ReadableDB, typed: string): string | null {
  const prefix = fold(typed);
  const length = [...prefix].length;
  if (length === 2 || length === 3) return null;
  const pending = pendingTerms(db, prefix);
  if (pending === null) return null;
  if (length === 1) {
    // "p" is "p" itself or a term of two or more characters, found by its 2-character prefix.
    const next = cached<[string, string], string>(
      db,
      'SELECT term FROM search_terms WHERE term > ? AND term < ? ORDER BY term LIMIT 1',
    ).pluck();
    const pairs = new Set(pending.filter((t) => t !== prefix).map((t) => [...t].slice(0, 2).join('')));
    let from = prefix;
    for (let term = next.get(from, after(prefix)); term !== undefined; term = next.get(from, after(prefix))) {
      const pair = [...term].slice(0, 2).join('');
      pairs.add(pair);
      if (pairs.size > maxTerms) return null;
      from = after(pair);
    }
    return `(${[quote(prefix), ...[...pairs].map((pair) => `${quote(pair)}*`)].join(' OR ')})`;
  }
  const terms = new Set(
    cached<[string, string, number], string>(
      db,
      'SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term LIMIT ?',
    )
      .pluck()
      .all(prefix, after(prefix), maxTerms + 1),
  );
  for (const term of pending) terms.add(term);
  if (terms.size === 0 || terms.size > maxTerms) return null;
  return `(${[...terms].map(quote).join(' OR ')})`;
}

/** toFtsQuery's query with its last word, the one being typed (`"w"*`), expanded when that helps. */
export function withTypedPrefixExpanded(db: ReadableDB, fts: string | null): string | null {
  const typed = fts?.match(/"([^"]+)"\*$/);
  if (!fts || !typed) return fts;
  const expanded = expandPrefix(db, typed[1]!);
  if (expanded === null) return fts;
  // FTS5 joins phrases with an implicit AND, but a group in parentheses needs it spelled out.
  const before = fts.slice(0, typed.index).trimEnd();
  return before ? `${before} AND ${expanded}` : expanded;
}
