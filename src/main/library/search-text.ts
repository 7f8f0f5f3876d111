import type { Snippet } from '../../shared/api/library.ts';

/** Words as the FTS tokenizer (unicode61, remove_diacritics 2) sees them: letters and digits. */
const wordPattern = /[\p{L}\p{N}]+/gu;
const maxQueryWords = 16;

/** Case and accents folded as the tokenizer does; printable ASCII (most prompts) skips the Unicode work. */
function fold(text: string): string {
  if (/^[ -~]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function queryWords(search: string): string[] {
  return (search.normalize('NFC').match(wordPattern) ?? []).slice(0, maxQueryWords);
}

interface SearchWord {
  text: string;
  prefix: boolean;
}

/** What a search asks for: words looked for in the prompts, tags and names, and in the negative prompt. */
export interface SearchTerms {
  words: SearchWord[];
  negative: SearchWord[];
}

/** `negative:people` (any case) asks for a word of the negative prompt; the rest of the line is ordinary words. */
const negativeToken = /^negative:/i;

/**
 * Search as you type: the last word is the one being typed and matches as a prefix; the words before
 * it (and the last one too once a space follows it) are finished and match whole. Measured at
 * 100,000 images, each prefix of four letters or more makes FTS5 merge every matching term's
 * doclist up front (~8 ms for a common word), so two of them blew the 20 ms budget.
 */
export function parseSearch(search: string): SearchTerms {
  const typing = !/\s$/.test(search);
  const tagged: { text: string; negative: boolean }[] = [];
  for (const token of search.split(/\s+/)) {
    const negative = negativeToken.test(token);
    for (const text of queryWords(negative ? token.replace(negativeToken, '') : token))
      tagged.push({ text, negative });
  }
  const kept = tagged.slice(0, maxQueryWords);
  const terms: SearchTerms = { words: [], negative: [] };
  kept.forEach(({ text, negative }, i) =>
    (negative ? terms.negative : terms.words).push({ text, prefix: typing && i === kept.length - 1 }),
  );
  return terms;
}

const phrase = (words: SearchWord[]) => words.map((w) => `"${w.text}"${w.prefix ? '*' : ''}`).join(' ');

/**
 * Turns what a person types into an FTS5 query: every word quoted (so AND, NEAR, quotes and column
 * filters are plain text), all words required. Ordinary words are looked for everywhere but the
 * negative prompt, which says what an image is *not* of: "people" must not find every image made
 * with "no people". `includeNegative` (the search box's checkbox) looks there too; `negative:` words
 * look only there. Null when nothing searchable is left.
 */
export function toFtsQuery(
  search: string,
  includeNegative = false,
  /** Rewrites a group's words before it is wrapped (the index's vocabulary for the word being typed). */
  expand: (words: string) => string = (words) => words,
): string | null {
  const { words, negative } = parseSearch(search);
  const parts: string[] = [];
  if (words.length > 0) {
    const group = expand(phrase(words));
    parts.push(includeNegative ? `(${group})` : `- {negative_prompt} : (${group})`);
  }
  if (negative.length > 0) parts.push(`{negative_prompt} : (${expand(phrase(negative))})`);
  return parts.length === 0 ? null : parts.join(' AND ');
}

/** The texts a search looks in, as columns of the images table (migration 004's index has them all). */
export const searchedColumns = [
  'prompt',
  'expanded_prompt',
  'tag_text',
  'style_codes',
  'collection_text',
  'read_text',
  'negative_prompt',
] as const;
type SearchedRow = Record<(typeof searchedColumns)[number], string | null>;

/** Where a snippet may come from, best first: the negative prompt only when the search looked there. */
function snippetColumns(terms: SearchTerms, includeNegative: boolean): (typeof searchedColumns)[number][] {
  const columns = searchedColumns.filter((c) => c !== 'negative_prompt');
  return includeNegative || terms.negative.length > 0 ? [...columns, 'negative_prompt'] : columns;
}

/**
 * The passage around the first match, with every matching word marked, from the first text that has
 * one. Done here rather than with FTS5's snippet(): that re-runs a prefix query per row, which at
 * 100,000 images costs far more than the page itself.
 */
export function snippetFor(texts: (string | null)[], search: string, windowWords = 16): Snippet | null {
  return snippetMaker(search, false, windowWords).fromTexts(texts);
}

interface WordAt {
  start: number;
  end: number;
  match: boolean;
}

/**
 * The search parsed once for a whole page of snippets: a page of 100 rows of 60-word prompts cost
 * 2 ms when each row parsed the search again and folded every word of its texts; now a text is
 * read only up to the end of its window, and a printable-ASCII text is folded in one call.
 */
export function snippetMaker(search: string, includeNegative = false, windowWords = 16) {
  const terms = parseSearch(search);
  const wanted = [...terms.words, ...terms.negative].map((w) => ({ text: fold(w.text), prefix: w.prefix }));
  const columns = snippetColumns(terms, includeNegative);
  const matches = (folded: string) =>
    wanted.some((w) => (w.prefix ? folded.startsWith(w.text) : folded === w.text));

  /**
   * The window of words around the first match in `text`, as the whole list of its words would
   * give it: from 4 words before the match (further back where the text ends sooner), windowWords
   * long. Only the last windowWords words before the match are kept, and reading stops one word
   * past the window.
   */
  function windowOf(text: string): { shown: WordAt[]; cutBefore: boolean; cutAfter: boolean } | null {
    // Lower-casing printable ASCII keeps every offset, so its words are matched on one folded copy.
    const ascii = /^[ -~]*$/.test(text);
    const source = ascii ? text.toLowerCase() : text;
    const recent: (WordAt & { index: number })[] = [];
    let seen = 0;
    let first = -1;
    for (const m of source.matchAll(wordPattern)) {
      const match = matches(ascii ? m[0] : fold(m[0]));
      recent.push({ start: m.index, end: m.index + m[0].length, match, index: seen++ });
      if (first < 0) {
        if (match) first = seen - 1;
        else if (recent.length > windowWords) recent.shift();
      } else if (seen > Math.max(0, first - 4) + windowWords) break;
    }
    if (first < 0) return null;
    const total = seen > Math.max(0, first - 4) + windowWords ? Infinity : seen;
    const from = Math.max(0, Math.min(first - 4, total - windowWords));
    const shown = recent.filter((w) => w.index >= from && w.index < from + windowWords);
    return { shown, cutBefore: from > 0, cutAfter: from + windowWords < total };
  }

  function fromTexts(texts: (string | null)[]): Snippet | null {
    if (wanted.length === 0) return null;
    for (const text of texts) {
      if (!text) continue;
      const found = windowOf(text);
      if (!found) continue;
      const { shown, cutBefore, cutAfter } = found;
      const pieces: Snippet = [];
      let cursor = shown[0]!.start;
      if (cutBefore) pieces.push({ text: '…', match: false });
      for (const word of shown) {
        if (!word.match) continue;
        if (word.start > cursor) pieces.push({ text: text.slice(cursor, word.start), match: false });
        pieces.push({ text: text.slice(word.start, word.end), match: true });
        cursor = word.end;
      }
      const end = shown.at(-1)!.end;
      if (end > cursor) pieces.push({ text: text.slice(cursor, end), match: false });
      if (cutAfter) pieces.push({ text: '…', match: false });
      return mergePlain(pieces);
    }
    return null;
  }

  return {
    fromTexts,
    forRow: (row: SearchedRow) => fromTexts(columns.map((c) => row[c])),
  };
}

function mergePlain(pieces: Snippet): Snippet {
  const merged: Snippet = [];
  for (const piece of pieces) {
    const last = merged.at(-1);
    if (last && !last.match && !piece.match) last.text += piece.text;
    else merged.push({ ...piece });
  }
  return merged;
}
