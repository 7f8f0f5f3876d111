import { describe, expect, it } from 'vitest';
import { snippetFor, toFtsQuery } from './search-text.ts';

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
