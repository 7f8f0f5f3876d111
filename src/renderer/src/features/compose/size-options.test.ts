import { describe, expect, it } from 'vitest';
import { resolutions } from '../../../../shared/models/index.ts';
import { ratioValue, resolutionGroups } from './size-options.ts';

describe('resolution groups', () => {
  it('places every resolution in exactly one group', () => {
    const placed = resolutionGroups.flatMap((group) => group.items);
    expect(placed.toSorted()).toEqual([...resolutions].toSorted());
  });

  it('orders groups from tallest to widest and puts 1024x1024 under 1x1', () => {
    const ratios = resolutionGroups.map((group) => ratioValue(group.ratio));
    expect(ratios).toEqual(ratios.toSorted((a, b) => a - b));
    expect(resolutionGroups.find((group) => group.items.includes('1024x1024'))?.ratio).toBe('1x1');
  });
});
