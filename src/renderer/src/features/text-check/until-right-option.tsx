import { untilRightLimits } from '../../../../shared/api/jobs.ts';
import type { ModelId } from '../../../../shared/models/index.ts';
import { formatUsd } from '../../../../shared/pricing.ts';
import { quotedPhrases } from '../../../../shared/quoted-text.ts';
import { cleanDraft, type Draft } from '../compose/draft.ts';
import { useSpend } from '../spend/spend-store.ts';
import { retriesCost, useUntilRight } from './until-right-store.ts';
import './text-check.css';

const quotes = (draft: Draft) =>
  quotedPhrases(typeof draft.prompt === 'string' ? draft.prompt : '').length > 0;

/** Beside the "Exact text" preset: offered only when the prompt quotes text the check can read. */
export function UntilRightOption({ draft }: { draft: Draft }) {
  const enabled = useUntilRight((state) => state.enabled);
  const retries = useUntilRight((state) => state.retries);
  const { setEnabled, setRetries } = useUntilRight.getState();
  if (!quotes(draft)) return null;
  return (
    <div className="until-right-option">
      <label>
        <input type="checkbox" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />{' '}
        Until it’s right
      </label>
      <label className="until-right-retries">
        up to{' '}
        <input
          type="number"
          aria-label="Retries if the text is wrong"
          min={untilRightLimits.minRetries}
          max={untilRightLimits.maxRetries}
          step={1}
          value={retries}
          disabled={!enabled}
          onChange={(event) => setRetries(Number(event.target.value))}
        />{' '}
        new seed{retries === 1 ? '' : 's'} if the text check finds the words wrong
      </label>
    </div>
  );
}

/** Beside Generate's estimate: what the retries may add, before the click. */
export function UntilRightCost({ model, draft }: { model: ModelId; draft: Draft }) {
  const enabled = useUntilRight((state) => state.enabled);
  const retries = useUntilRight((state) => state.retries);
  // Read so the line follows the prices in force.
  useSpend((state) => state.totals?.prices);
  if (!enabled || !quotes(draft)) return null;
  const extra = retriesCost(model, cleanDraft(model, draft), retries);
  return (
    <span className="cost-estimate until-right-cost" data-testid="until-right-cost">
      up to {extra.images} more image{extra.images === 1 ? '' : 's'} if the text is wrong, up to{' '}
      {formatUsd(extra.usd)} more
    </span>
  );
}
