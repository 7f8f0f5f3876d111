import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '../../../../shared/api/library.ts';
import { ImageWindow, pageSize } from './image-window.ts';

const image = (id: string): ImageSummary => ({
  id,
  sha256: '0'.repeat(64),
  format: 'png',
  width: 2,
  height: 1,
  bytes: 1,
  orientation: 'landscape',
  model: 'ideogram-3',
  prompt: id,
  createdAt: 0,
  favorite: false,
  rating: 0,
  trashedAt: null,
  textStatus: null,
  snippet: null,
});
const images = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => image(`${prefix}${i}`));

describe('image window', () => {
  it('holds pages at their positions and says which pages a range still needs', () => {
    const window = new ImageWindow();
    window.put(0, images('a', pageSize));
    window.put(5 * pageSize, images('f', pageSize));
    expect(window.at(5 * pageSize + 3)?.id).toBe('f3');
    expect(window.missingPages(0, 6 * pageSize - 1, 10_000)).toEqual([1, 2, 3, 4]);
    // The last page is short: only positions below the count are needed.
    window.put(6 * pageSize, images('g', 10));
    expect(window.missingPages(6 * pageSize, 7 * pageSize, 6 * pageSize + 10)).toEqual([]);
  });

  it('moves everything down for images taken in at the top, and closes up over removed ones', () => {
    const window = new ImageWindow();
    window.put(0, images('a', 5));
    window.insertAtTop(images('new', 2));
    expect([0, 1, 2, 6].map((i) => window.at(i)?.id)).toEqual(['new0', 'new1', 'a0', 'a4']);
    expect(window.patch(new Set(['a1', 'a3', 'elsewhere']), () => null)).toEqual({ touched: 2, removed: 2 });
    expect(Array.from({ length: 5 }, (_, i) => window.at(i)?.id)).toEqual(['new0', 'new1', 'a0', 'a2', 'a4']);
    window.patch(new Set(['a2']), (item) => ({ ...item, rating: 5 }));
    expect(window.at(3)?.rating).toBe(5);
    expect(window.indexOf('a4')).toBe(4);
  });

  it('touches nothing for ids it does not hold, and never calls the patch for them', () => {
    const window = new ImageWindow();
    window.put(0, images('a', 3));
    let calls = 0;
    const outcome = window.patch(new Set(['b0', 'b1']), () => {
      calls++;
      return null;
    });
    expect(outcome).toEqual({ touched: 0, removed: 0 });
    expect(calls).toBe(0);
    expect(window.ids()).toEqual(['a0', 'a1', 'a2']);
  });

  it('keeps at most its capacity, dropping what is farthest from the view but never the first page', () => {
    const window = new ImageWindow(3 * pageSize);
    for (const page of [0, 10, 11, 50]) window.put(page * pageSize, images(`p${page}-`, pageSize));
    window.evict(10 * pageSize);
    expect(window.size).toBe(3 * pageSize);
    expect(window.at(0)).toBeDefined();
    expect(window.at(10 * pageSize)).toBeDefined();
    expect(window.at(50 * pageSize)).toBeUndefined();
  });
});
