import { describe, expect, it } from 'vitest';
import { quotedPhrases, quotedRuns } from './quoted-text.ts';

describe('quotedPhrases', () => {
  it('finds straight, curly and word-bounded single quotes in prompt order', () => {
    expect(
      quotedPhrases(`A poster "OPEN LATE", a “Fresh Bread” sign, the word 'Segmind' and ‘Tokyo’`),
    ).toEqual(['OPEN LATE', 'Fresh Bread', 'Segmind', 'Tokyo']);
  });

  it('ignores apostrophes, empty quotes and a quote still being typed', () => {
    expect(quotedPhrases(`Don't stop, it's the baker's "  " sign "SUMMER`)).toEqual([]);
  });

  it('trims the spaces inside the quotes', () => {
    expect(quotedPhrases('a sign saying "  OPEN  "')).toEqual(['OPEN']);
  });
});

describe('quotedRuns', () => {
  it('marks straight and curly quoted text, keeping every character once', () => {
    const text = 'A sign saying "OPEN" and “CLOSED” here';
    const runs = quotedRuns(text);
    expect(runs.filter((run) => run.quoted).map((run) => run.text)).toEqual(['"OPEN"', '“CLOSED”']);
    expect(runs.map((run) => run.text).join('')).toBe(text);
  });

  it('highlights a quote still being typed up to the end of its line', () => {
    expect(quotedRuns('Title "SUMMER\nnext line')).toEqual([
      { text: 'Title ', quoted: false },
      { text: '"SUMMER', quoted: true },
      { text: '\nnext line', quoted: false },
    ]);
  });

  it('highlights exactly the phrases the check will look for', () => {
    const text = `The word 'Segmind' and "OPEN" but not don't`;
    expect(
      quotedRuns(text)
        .filter((r) => r.quoted)
        .map((r) => r.text),
    ).toEqual([`'Segmind'`, '"OPEN"']);
  });

  it('gives nothing for an empty prompt', () => {
    expect(quotedRuns('')).toEqual([]);
  });
});
