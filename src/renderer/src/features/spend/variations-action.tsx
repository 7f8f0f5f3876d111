import { useState } from 'react';
import type { ImageRecord } from '../../../../shared/api/library.ts';
import { getModel, imageCountParamOf, type ModelId } from '../../../../shared/models/index.ts';
import { estimateAll, formatUsd } from '../../../../shared/pricing.ts';
import { call, StudioError } from '../../bridge/api.ts';
import type { Input } from '../../../../shared/contract.ts';
import { askToSpend } from './confirm-spend.tsx';
import { useSpend } from './spend-store.ts';

const COUNT = 4;

/**
 * The job that made the image is named as the variations' parent, so they know where they come from;
 * an image whose job is gone (pruned, or made on another machine) still gets its variations, without
 * the link.
 */
async function makeVariations(record: ImageRecord, input: Input<'jobs:variations'>) {
  if (!record.jobId) return call('jobs:variations', input);
  try {
    return await call('jobs:variations', { ...input, parentId: record.jobId });
  } catch (error) {
    if (error instanceof StudioError && (error.code === 'not_found' || error.code === 'validation')) {
      return call('jobs:variations', input);
    }
    throw error;
  }
}

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
        makeVariations(record, {
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
