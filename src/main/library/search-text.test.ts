import { describe, expect, it } from 'vitest';
import type { Snippet } from '../../shared/api/library.ts';
import { mulberry32 } from '../simulator/seeded-random.ts';
import { parseSearch, snippetFor, toFtsQuery } from './search-text.ts';

describe('toFtsQuery', () => {
  it('requires every word, whole except the one being typed, and drops FTS syntax', () => {
    const outsideNegative = (words: string) => `- {negative_prompt} : (${words})`;
    expect(toFtsQuery('red fo')).toBe(outsideNegative('"red" "fo"*'));
    expect(toFtsQuery('red fox ')).toBe(outsideNegative('"red" "fox"'));
    expect(toFtsQuery('fox" OR NEAR(col:x')).toBe(outsideNegative('"fox" "OR" "NEAR" "col" "x"*'));
    expect(toFtsQuery('  *** ')).toBeNull();
    expect(toFtsQuery('café')).toBe(outsideNegative('"café"*'));
  });

  it('looks in the negative prompt only when asked', () => {
    expect(toFtsQuery('people', true)).toBe('("people"*)');
    expect(toFtsQuery('negative:people')).toBe('{negative_prompt} : ("people"*)');
    expect(toFtsQuery('negative:people beach ')).toBe(
      '- {negative_prompt} : ("beach") AND {negative_prompt} : ("people")',
    );
    expect(toFtsQuery('negative:')).toBeNull();
  });
});

describe('snippetFor', () => {
  it('marks the words the search matched, ignoring case and accents', () => {
    expect(snippetFor(['A Cafe by the foxglove, cafes', null], 'café FOX')).toEqual([
      { text: 'A ', match: false },
      { text: 'Cafe', match: true },
      { text: ' by the ', match: false },
      { text: 'foxglove', match: true },
      { text: ', cafes', match: false },
    ]);
  });

  it('cuts a window around the first match in the first text that has one', () => {
    const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const snippet = snippetFor(['no match here', long.replace('w20', 'lighthouse')], 'light', 8)!;
    expect(snippet.find((p) => p.match)).toEqual({ text: 'lighthouse', match: true });
    expect(snippet.map((p) => p.text).join('')).toBe('…w16 w17 w18 w19 lighthouse w21 w22 w23…');
    expect(snippetFor(['nothing'], 'zebra')).toBeNull();
  });
});

/** The snippet as the whole list of a text's words gives it: the plain statement of the rule. */
function wholeListSnippet(texts: (string | null)[], search: string, windowWords: number): Snippet | null {
  const fold = (t: string) => t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const { words, negative } = parseSearch(search);
  const wanted = [...words, ...negative].map((w) => ({ text: fold(w.text), prefix: w.prefix }));
  if (wanted.length === 0) return null;
  for (const text of texts) {
    if (!text) continue;
    const all = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => ({
      start: m.index,
      end: m.index + m[0].length,
      match: wanted.some((w) => (w.prefix ? fold(m[0]).startsWith(w.text) : fold(m[0]) === w.text)),
    }));
    const first = all.findIndex((w) => w.match);
    if (first < 0) continue;
    const from = Math.max(0, Math.min(first - 4, all.length - windowWords));
    const shown = all.slice(from, from + windowWords);
    const pieces: Snippet = from > 0 ? [{ text: '…', match: false }] : [];
    let cursor = shown[0]!.start;
    for (const w of shown.filter((w) => w.match)) {
      if (w.start > cursor) pieces.push({ text: text.slice(cursor, w.start), match: false });
      pieces.push({ text: text.slice(w.start, w.end), match: true });
      cursor = w.end;
    }
    if (shown.at(-1)!.end > cursor)
      pieces.push({ text: text.slice(cursor, shown.at(-1)!.end), match: false });
    if (from + windowWords < all.length) pieces.push({ text: '…', match: false });
    return pieces.reduce<Snippet>((merged, piece) => {
      const last = merged.at(-1);
      if (last && !last.match && !piece.match) last.text += piece.text;
      else merged.push({ ...piece });
      return merged;
    }, []);
  }
  return null;
}

describe('snippetFor on random texts', () => {
  it('gives the window the whole word list gives, reading only as far as it needs', () => {
    const seed = 1414;
    console.log(`snippet seed ${seed}`);
    const random = mulberry32(seed);
    const vocabulary = [
      'fox',
      'Foxes',
      'café',
      'CAFE',
      'light',
      'lighthouse',
      'sea',
      'Émile',
      'a',
      '3d',
      'ß',
    ];
    const pick = () => vocabulary[Math.floor(random() * vocabulary.length)]!;
    const sentence = () =>
      Array.from({ length: Math.floor(random() * 40) }, () => pick() + (random() < 0.2 ? ', ' : ' ')).join(
        '',
      );
    for (let i = 0; i < 2_000; i++) {
      const texts = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        random() < 0.1 ? null : sentence(),
      );
      const search = `${pick()}${random() < 0.5 ? ' ' : ''}${random() < 0.3 ? `${pick().slice(0, 2)}` : ''}`;
      const windowWords = 4 + Math.floor(random() * 16);
      expect(snippetFor(texts, search, windowWords), `${JSON.stringify(texts)} / ${search}`).toEqual(
        wholeListSnippet(texts, search, windowWords),
      );
    }
  });
});
