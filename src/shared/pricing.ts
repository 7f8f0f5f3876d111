import { z } from 'zod';
import {
  getModel,
  imageCountOf,
  modelIds,
  priceTierOf,
  priceTiersOf,
  type ModelId,
  type ModelParams,
} from './models/index.ts';

/**
 * What an image costs, in US dollars (Segmind's credits are dollars). One table, per model and
 * rendering speed, per image; a request with num_images pays for each. These start from Segmind's
 * published range ($0.037-$0.113 for Ideogram 3.0 and Remix by speed, about $0.111 on average for 4.0,
 * whose speed "affects pricing"); every figure is an estimate until Segmind reports a charge.
 */
export const publishedPrices: Record<ModelId, Record<string, number>> = {
  'ideogram-3': { TURBO: 0.0375, DEFAULT: 0.075, QUALITY: 0.1125 },
  'ideogram-3-remix': { TURBO: 0.0375, DEFAULT: 0.075, QUALITY: 0.1125 },
  'ideogram-4': { TURBO: 0.0375, BALANCED: 0.075, QUALITY: 0.125 },
};

/** Where a price came from: the table above, Segmind's own charges for it, or the user's Settings. */
export const PriceSource = z.enum(['published', 'observed', 'override']);
export type PriceSource = z.infer<typeof PriceSource>;

export const Price = z.object({
  usd: z.number().min(0),
  source: PriceSource,
  /** For an observed price: how many charged requests it was learned from. */
  samples: z.number().int().min(0).optional(),
});
export type Price = z.infer<typeof Price>;

/** model -> price tier (rendering speed) -> price per image. */
export const PriceTable = z.record(z.string(), z.record(z.string(), Price));
export type PriceTable = z.infer<typeof PriceTable>;

/** Settings keys for overrides and observations: `ideogram-4:QUALITY`. */
export function priceKey(model: ModelId, tier: string): string {
  return `${model}:${tier}`;
}

export interface Observed {
  usd: number;
  samples: number;
}

/**
 * The prices in force: the user's override where there is one (they know their contract), else what
 * Segmind has been charging, else the published table.
 */
export function effectivePrices(
  observed: Record<string, Observed> = {},
  overrides: Record<string, number> = {},
): PriceTable {
  const table: PriceTable = {};
  for (const model of modelIds) {
    const tiers: Record<string, Price> = {};
    for (const tier of priceTiersOf(getModel(model))) {
      const key = priceKey(model, tier);
      const override = overrides[key];
      const seen = observed[key];
      if (override !== undefined) tiers[tier] = { usd: override, source: 'override' };
      else if (seen && seen.samples > 0)
        tiers[tier] = { usd: seen.usd, source: 'observed', samples: seen.samples };
      else tiers[tier] = { usd: publishedPrices[model][tier] ?? 0, source: 'published' };
    }
    table[model] = tiers;
  }
  return table;
}

export interface Estimate {
  images: number;
  tier: string;
  perImageUsd: number;
  usd: number;
  source: PriceSource;
}

/** A request's expected cost: pure, so the form, the queue, the budget and batches share it. */
export function estimate(
  model: ModelId,
  params: ModelParams,
  prices: PriceTable = effectivePrices(),
): Estimate {
  const spec = getModel(model);
  const tier = priceTierOf(spec, params);
  const images = imageCountOf(spec, params);
  const price = prices[model]?.[tier] ?? { usd: publishedPrices[model][tier] ?? 0, source: 'published' };
  return { images, tier, perImageUsd: price.usd, usd: price.usd * images, source: price.source };
}

/** Several requests at once (variations, batches): how many images and what they cost together. */
export function estimateAll(requests: { model: ModelId; params: ModelParams }[], prices?: PriceTable) {
  const each = requests.map((request) => estimate(request.model, request.params, prices));
  return {
    jobs: each.length,
    images: each.reduce((sum, e) => sum + e.images, 0),
    usd: each.reduce((sum, e) => sum + e.usd, 0),
  };
}

/** Dollars as a person reads them: cents from ten cents up, a tenth of a cent below ($0.038). */
export function formatUsd(usd: number): string {
  // Rounded half up from the decimal the price was written in (0.0375 is 0.03749... as a float).
  const round = (digits: number) => (Math.round(usd * 10 ** digits + 1e-9) / 10 ** digits).toFixed(digits);
  const value = Math.abs(usd) < 0.1 && usd !== 0 ? round(3).replace(/(\.\d\d)0$/, '$1') : round(2);
  return `$${value}`;
}

/** "4 images · about $0.45": what the Generate button costs. */
export function describeCost(images: number, usd: number): string {
  return `${images} image${images === 1 ? '' : 's'} · about ${formatUsd(usd)}`;
}
