import { describe, expect, it } from 'vitest';
import {
  describeCost,
  effectivePrices,
  estimate,
  estimateAll,
  formatUsd,
  publishedPrices,
} from './pricing.ts';

describe('price table and estimates', () => {
  it('prices each model by rendering speed per image, num_images multiplying', () => {
    expect(estimate('ideogram-3', { prompt: 'x', rendering_speed: 'TURBO' })).toMatchObject({
      images: 1,
      tier: 'TURBO',
      usd: 0.0375,
      source: 'published',
    });
    // The schema's default speed prices a request that does not name one.
    expect(estimate('ideogram-3-remix', { prompt: 'x' }).usd).toBe(0.075);
    expect(estimate('ideogram-4', { prompt: 'x' })).toMatchObject({ tier: 'QUALITY', usd: 0.125 });
    const four = estimate('ideogram-4', { prompt: 'x', num_images: 4, rendering_speed: 'BALANCED' });
    expect(four).toMatchObject({ images: 4, perImageUsd: 0.075 });
    expect(four.usd).toBeCloseTo(0.3);
    expect(describeCost(4, estimate('ideogram-3', { rendering_speed: 'QUALITY' }).usd * 4)).toBe(
      '4 images · about $0.45',
    );
  });

  it('has a price for every speed of every model', () => {
    const table = effectivePrices();
    for (const [model, tiers] of Object.entries(publishedPrices)) {
      expect(Object.keys(table[model] ?? {}).toSorted()).toEqual(Object.keys(tiers).toSorted());
    }
  });

  it("lets Segmind's observed charges correct the table, and the user's overrides win over both", () => {
    const table = effectivePrices(
      { 'ideogram-3:TURBO': { usd: 0.03, samples: 12 }, 'ideogram-4:QUALITY': { usd: 0.1, samples: 3 } },
      { 'ideogram-4:QUALITY': 0.2 },
    );
    expect(table['ideogram-3']?.TURBO).toEqual({ usd: 0.03, source: 'observed', samples: 12 });
    expect(table['ideogram-4']?.QUALITY).toEqual({ usd: 0.2, source: 'override' });
    expect(table['ideogram-3']?.QUALITY).toEqual({ usd: 0.1125, source: 'published' });
    expect(estimate('ideogram-4', { num_images: 2 }, table).usd).toBe(0.4);
  });

  it('adds up several requests for one question', () => {
    const total = estimateAll([
      { model: 'ideogram-4', params: { num_images: 2, rendering_speed: 'TURBO' } },
      { model: 'ideogram-3', params: { rendering_speed: 'QUALITY' } },
    ]);
    expect(total.jobs).toBe(2);
    expect(total.images).toBe(3);
    expect(total.usd).toBeCloseTo(0.1875);
  });

  it('writes dollars as a person reads them', () => {
    expect(formatUsd(0.45)).toBe('$0.45');
    expect(formatUsd(5)).toBe('$5.00');
    expect(formatUsd(0.03)).toBe('$0.03');
    expect(formatUsd(0.075)).toBe('$0.075');
    expect(formatUsd(0.0375)).toBe('$0.038');
    expect(formatUsd(0.1125 * 3)).toBe('$0.34');
    expect(formatUsd(0)).toBe('$0.00');
  });
});
