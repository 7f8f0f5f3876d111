import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { getModel, imageCountOf, priceTierOf } from '../../shared/models/index.ts';

/**
 * What the simulator charges per image: Ideogram's own list prices ($0.03 / $0.06 / $0.09 for 3.0 by
 * speed, $0.03 / $0.06 / $0.10 for 4.0), about 0.8 of the app's published table on purpose, so the
 * simulated account exercises "observed charges correct the estimate" instead of agreeing with it.
 */
const perImage: Record<ModelId, Record<string, number>> = {
  'ideogram-3': { TURBO: 0.03, DEFAULT: 0.06, QUALITY: 0.09 },
  'ideogram-3-remix': { TURBO: 0.03, DEFAULT: 0.06, QUALITY: 0.09 },
  'ideogram-4': { TURBO: 0.03, BALANCED: 0.06, QUALITY: 0.1 },
};

export function simulatedCost(model: ModelId, params: ModelParams): number {
  const spec = getModel(model);
  const unit = perImage[model][priceTierOf(spec, params)] ?? 0.06;
  // Whole micro-dollars: sums of float prices must not drift in the simulated balance.
  return Math.round(unit * imageCountOf(spec, params) * 1e6) / 1e6;
}
