import type { ModelId, ModelParams } from '../../shared/models/index.ts';
import { getModel } from '../../shared/models/index.ts';

/**
 * Credits per image by rendering speed, after Ideogram's published per-image prices (0.03 / 0.06 /
 * 0.09 USD); Segmind's own prices are not in our docs, so the simulator only needs them to be plausible.
 */
const perImage: Record<string, number> = { TURBO: 0.03, DEFAULT: 0.06, BALANCED: 0.06, QUALITY: 0.09 };

export function simulatedCost(model: ModelId, params: ModelParams): number {
  const unit = perImage[String(params.rendering_speed)] ?? 0.06;
  return Math.round(unit * getModel(model).imageCount(params) * 100) / 100;
}
