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
  return getModel(row.model).expectedSeconds(JSON.parse(row.params) as Record<string, unknown>) * 1000;
}
