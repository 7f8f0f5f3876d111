import { describe, expect, it } from 'vitest';
import { checkPhrases, matchPhrase } from './phrase-match.ts';

describe('matchPhrase', () => {
  it('ignores case, spaces, punctuation and accents', () => {
    expect(matchPhrase('Open Late!', ['OPENLATE']).verdict).toBe('right');
    expect(matchPhrase('Café Noir', ['CAFE', 'NOIR']).verdict).toBe('right');
  });

  it('reads a phrase wrapped over two lines', () => {
    expect(matchPhrase('Fresh Bread Daily', ['Fresh Bread', 'Daily']).verdict).toBe('right');
  });

  it('forgives the shapes OCR confuses in sans type', () => {
    expect(matchPhrase('OPEN LATE', ['0PEN IATE']).verdict).toBe('right');
  });

  it('flags a swapped, dropped or doubled letter and says what it read', () => {
    expect(matchPhrase('TOKYO', ['a poster reading TOKIO at night'])).toMatchObject({
      verdict: 'misspelled',
      read: 'TOKIO',
      distance: 1,
    });
    expect(matchPhrase('OPEN LATE', ['OEPN LATE'])).toMatchObject({ verdict: 'misspelled', distance: 1 });
    expect(matchPhrase('OPEN LATE', ['OPN LATE'])).toMatchObject({ verdict: 'misspelled', read: 'OPN LATE' });
    expect(matchPhrase('OPEN LATE', ['OPEN LATTE'])).toMatchObject({
      verdict: 'misspelled',
      read: 'OPEN LATTE',
    });
  });

  it('flags a letter doubled at the start or end of a word, which a substring search would miss', () => {
    expect(matchPhrase('Espresso Bar', ['EEspresso Bar'])).toMatchObject({
      verdict: 'misspelled',
      read: 'EEspresso Bar',
      distance: 1,
    });
    expect(matchPhrase('JAZZ NIGHT', ['JAZZ NIGHTT'])).toMatchObject({
      verdict: 'misspelled',
      read: 'JAZZ NIGHTT',
    });
    expect(matchPhrase('Velvet Lounge', ['BLACKFRIDAY', 'Velvet Loungee'])).toMatchObject({
      verdict: 'misspelled',
    });
  });

  it('takes the words of a phrase read apart, in any order, each as a word of its own', () => {
    expect(matchPhrase('OPEN LATE', ['LATE', 'OPEN', 'A logo'])).toMatchObject({ verdict: 'right' });
    // A word read apart still has to be the word: LATER is not LATE.
    expect(matchPhrase('OPEN LATE', ['LATER', 'OPEN']).verdict).not.toBe('right');
  });

  it('says "not found" when nothing close enough was read', () => {
    expect(matchPhrase('OPEN LATE', ['Ideogram 3.0 simulated'])).toMatchObject({
      verdict: 'missing',
      read: null,
    });
    expect(matchPhrase('SALE', [])).toMatchObject({ verdict: 'missing' });
  });
});

describe('checkPhrases', () => {
  it('takes an exact reading from any engine, else the closest one', () => {
    const verdicts = checkPhrases(
      ['SUMMER', 'TOKYO'],
      [
        ['SUMNER', 'TOKIO'],
        ['SUMMER', 'TKYOO X'],
      ],
    );
    expect(verdicts.map((v) => [v.verdict, v.read])).toEqual([
      ['right', null],
      ['misspelled', 'TOKIO'],
    ]);
  });
});
