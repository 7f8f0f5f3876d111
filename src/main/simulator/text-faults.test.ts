import { describe, expect, it } from 'vitest';
import { mulberry32 } from './seeded-random.ts';
import { drawnText, misspell } from './text-faults.ts';

const seed = 20261201;

describe('simulator text knobs', () => {
  it(`makes one visible mistake per misspelling (seed ${seed})`, () => {
    const random = mulberry32(seed);
    for (const phrase of ['OPEN LATE', 'Fresh Bread Daily', 'TOKYO', 'Coffee & Co.', 'BOOK']) {
      const swapped = misspell(phrase, 'swap', random);
      const dropped = misspell(phrase, 'drop', random);
      const doubled = misspell(phrase, 'double', random);
      for (const wrong of [swapped, dropped, doubled])
        expect(wrong.toLowerCase()).not.toBe(phrase.toLowerCase());
      expect(swapped.length).toBe(phrase.length);
      expect([...swapped].sort().join('')).toBe([...phrase].sort().join(''));
      expect(dropped.length).toBe(phrase.length - 1);
      expect(doubled.length).toBe(phrase.length + 1);
    }
  });

  it(`misspells and restyles the share of images the knobs ask for (seed ${seed})`, () => {
    const random = mulberry32(seed);
    let misspelled = 0;
    let hard = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const drawn = drawnText(['OPEN LATE', 'SALE'], { misspellRate: 0.3, hardTextRate: 0.5 }, random);
      if (drawn.phrases.join() !== 'OPEN LATE,SALE') misspelled++;
      if (Object.keys(drawn.look).length > 0) hard++;
    }
    expect(misspelled / runs).toBeGreaterThan(0.26);
    expect(misspelled / runs).toBeLessThan(0.34);
    expect(hard / runs).toBeGreaterThan(0.45);
    expect(hard / runs).toBeLessThan(0.55);
    expect(drawnText(['OPEN LATE'], {}, random)).toEqual({ phrases: ['OPEN LATE'], look: {} });
  });
});
