import { describe, expect, it } from 'vitest';
import { refusalOf } from './file-checks.ts';

describe('refusalOf', () => {
  it('accepts PNG, JPEG and WebP up to 10 MB', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp']) {
      expect(refusalOf({ name: 'a', type, size: 10 * 1024 * 1024 })).toBeNull();
    }
  });

  it('refuses other types by name, saying what to drop instead', () => {
    expect(refusalOf({ name: 'notes.txt', type: 'text/plain', size: 12 })).toMatch(
      /“notes\.txt” is not a PNG, JPEG or WebP image.*Drop an image file instead/,
    );
    expect(refusalOf({ name: 'x.gif', type: 'image/gif', size: 12 })).toMatch(/not a PNG/);
  });

  it('refuses files over 10 MB with their size', () => {
    expect(refusalOf({ name: 'big.png', type: 'image/png', size: 12 * 1024 * 1024 })).toMatch(
      /“big\.png” is 12\.0 MB; sources must be 10 MB or smaller/,
    );
  });
});
