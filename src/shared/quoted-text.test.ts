import { describe, expect, it } from 'vitest';
import { quotedRuns } from './prompt-text.ts';

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

  it('gives nothing for an empty prompt', () => {
    expect(quotedRuns('')).toEqual([]);
  });
});
