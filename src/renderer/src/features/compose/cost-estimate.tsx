import type { ModelId } from '../../../../shared/models/index.ts';
import { describeCost, estimate, formatUsd, type PriceSource } from '../../../../shared/pricing.ts';
import { useSpend } from '../spend/spend-store.ts';
import { cleanDraft, type Draft } from './draft.ts';

const sourceWords: Record<PriceSource, string> = {
  published: "Segmind's published price",
  observed: 'what Segmind charged lately',
  override: 'your price in Settings',
};

/** What pressing Generate will cost, beside the button: follows the model, the speed and num_images. */
export function CostEstimate({ model, draft }: { model: ModelId; draft: Draft }) {
  const prices = useSpend((state) => state.totals?.prices);
  const cost = estimate(model, cleanDraft(model, draft), prices);
  const tier = cost.tier.charAt(0) + cost.tier.slice(1).toLowerCase();
  return (
    <span
      className="cost-estimate"
      data-testid="cost-estimate"
      aria-live="polite"
      title={`An estimate: ${formatUsd(cost.perImageUsd)} per image at ${tier}, from ${sourceWords[cost.source]}.`}
    >
      {describeCost(cost.images, cost.usd)}
    </span>
  );
}
