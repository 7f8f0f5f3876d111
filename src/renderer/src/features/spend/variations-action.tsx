import { useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { getModel, imageCountParamOf, type ModelId } from '../../../../shared/models/index.ts';
import { estimateAll, formatUsd } from '../../../../shared/pricing.ts';
import { call } from '../../bridge/api.ts';
import { askToSpend } from './confirm-spend.tsx';
import { useSpend } from './spend-store.ts';

const COUNT = 4;

/**
 * "4 variations" of an image, with the count and the price on the button. Each variation makes one
 * image unless the user picks more (models whose requests can make several), and above the threshold
 * in Settings it asks first.
 */
export function VariationsAction({
  record,
  model,
  run,
}: {
  record: ImageRecord;
  model: ModelId;
  run(action: () => Promise<unknown>, note: string): Promise<void>;
}) {
  const prices = useSpend((state) => state.totals?.prices);
  const countParam = imageCountParamOf(getModel(model));
  const field = countParam && getModel(model).fields.find((f) => f.name === countParam.name);
  const [each, setEach] = useState(1);
  const params = {
    ...record.params,
    prompt: record.prompt,
    ...(countParam ? { [countParam.name]: each } : {}),
  };
  const cost = estimateAll(
    Array.from({ length: COUNT }, () => ({ model, params })),
    prices,
  );
  const label = `${COUNT} variations · ${cost.images} images · about ${formatUsd(cost.usd)}`;

  async function make() {
    const yes = await askToSpend({
      title: `${COUNT} variations`,
      jobs: COUNT,
      images: cost.images,
      usd: cost.usd,
    });
    if (!yes) return;
    await run(
      () =>
        call('jobs:variations', {
          model,
          params: { ...record.params, prompt: record.prompt },
          count: COUNT,
          ...(countParam ? { imagesEach: each } : {}),
        }),
      `${COUNT} variations (${cost.images} images, about ${formatUsd(cost.usd)}) are in the queue.`,
    );
  }

  return (
    <span className="variations-action">
      <button type="button" className="btn btn-small" onClick={() => void make()}>
        {label}
      </button>
      {field && (
        <label>
          <span className="visually-hidden">Images per variation</span>
          <select className="select" value={each} onChange={(event) => setEach(Number(event.target.value))}>
            {Array.from(
              { length: (field.max ?? 1) - (field.min ?? 1) + 1 },
              (_, i) => (field.min ?? 1) + i,
            ).map((n) => (
              <option key={n} value={n}>
                {n} image{n === 1 ? '' : 's'} each
              </option>
            ))}
          </select>
        </label>
      )}
    </span>
  );
}
