import { getModel, type ModelId } from '../../shared/models/index.ts';

/**
 * Jobs that should take about as long share a key: same model, rendering speed, output size and
 * image count. The learned duration is kept per key.
 */
export function estimateKeyFor(model: ModelId, params: Record<string, unknown>): string {
  const spec = getModel(model);
  const { width, height } = spec.outputSize(params);
  const speed = typeof params.rendering_speed === 'string' ? params.rendering_speed : 'DEFAULT';
  return `${model}|${speed}|${width}x${height}|${spec.imageCount(params)}`;
}

/** The model page's typical time: where learning starts for a key never seen before. */
export function seedMsFor(row: { model: ModelId; params: string }): number {
  return seedMsOf(row.model, JSON.parse(row.params) as Record<string, unknown>);
}

/** The same from params in hand: a batch queues thousands, and re-reading each one's JSON is waste. */
export function seedMsOf(model: ModelId, params: Record<string, unknown>): number {
  return getModel(model).expectedSeconds(params) * 1000;
}
