import type { AxisInfo, AxisValue } from '../../shared/batches/matrix.ts';
import { getModel, type ModelId, type ModelParams } from '../../shared/models/index.ts';

/** Values an axis lists for the grid's headings; a parameter with more is still an axis, unlisted. */
const MAX_LISTED = 200;

/**
 * What a file's rows vary, gathered while they are checked: each mapped parameter that takes more
 * than one value is an axis of the grid (a prompt column usually is, with a value per row).
 */
export function createAxisCollector(model: ModelId, params: readonly string[]) {
  const spec = getModel(model);
  const seen = new Map<string, Map<string, AxisValue>>(params.map((param) => [param, new Map()]));
  return {
    add(row: ModelParams): void {
      for (const [param, values] of seen) {
        const value = row[param];
        if (values.size > MAX_LISTED || value === undefined) continue;
        const shown: AxisValue =
          typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
            ? value
            : JSON.stringify(value);
        values.set(JSON.stringify(shown), shown);
      }
    },
    axes(): AxisInfo[] {
      return [...seen]
        .filter(([, values]) => values.size > 1)
        .map(([param, values]) => ({
          key: param,
          param,
          label: spec.fields.find((field) => field.name === param)?.label ?? param,
          values: values.size > MAX_LISTED ? [] : [...values.values()],
        }));
    },
  };
}
