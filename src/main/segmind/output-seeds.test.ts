import { describe, expect, it } from 'vitest';
import { seedForImage, seedsPerOutput } from './output-seeds.ts';

describe('seeds per output', () => {
  it("reads each image's own seed from the shapes servers use", () => {
    // Ideogram's own API: data: [{url, seed}].
    expect(
      seedsPerOutput(
        {
          data: [
            { url: 'a', seed: 11 },
            { url: 'b', seed: 12 },
          ],
        },
        2,
      ),
    ).toEqual([11, 12]);
    expect(
      seedsPerOutput(
        {
          output: {
            images: [
              { url: 'a', seed: '7' },
              { url: 'b', seed: 8 },
            ],
          },
        },
        2,
      ),
    ).toEqual([7, 8]);
    expect(seedsPerOutput({ output: ['a', 'b'], seeds: [5, 6] }, 2)).toEqual([5, 6]);
    expect(seedsPerOutput([{ url: 'a', seed: 3 }], 1)).toEqual([3]);
  });

  it('says nothing when the body has one seed for the request, or lists that do not line up', () => {
    expect(seedsPerOutput({ output: ['a', 'b'], seed: 9 }, 2)).toBeUndefined();
    expect(seedsPerOutput({ data: [{ url: 'a', seed: 1 }] }, 2)).toBeUndefined();
    expect(seedsPerOutput({ data: [{ url: 'a' }, { url: 'b' }] }, 2)).toBeUndefined();
    expect(seedsPerOutput({ output: ['a', 'b'], seeds: [1] }, 2)).toBeUndefined();
    expect(seedsPerOutput(null, 1)).toBeUndefined();
  });

  it('stores an image its own seed, else the request seed, else the sent one for the first image only', () => {
    const two = ['x', 'y'];
    expect(seedForImage({ seeds: [21, 22], seed: 21, outputs: two }, 4242, 1)).toBe(22);
    expect(seedForImage({ seed: 30, outputs: two }, 4242, 1)).toBe(30);
    expect(seedForImage({ outputs: two }, 4242, 0)).toBe(4242);
    expect(seedForImage({ outputs: two }, 4242, 1)).toBeNull();
    expect(seedForImage({ outputs: ['x'] }, 4242, 0)).toBe(4242);
    expect(seedForImage({ outputs: ['x'] }, -1, 0)).toBeNull();
    expect(seedForImage({ outputs: ['x'] }, undefined, 0)).toBeNull();
  });
});
