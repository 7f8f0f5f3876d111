import type { Job } from '../../../../shared/api/jobs.ts';
import { isModelId } from '../../../../shared/models/index.ts';
import { estimate, formatUsd } from '../../../../shared/pricing.ts';
import { retryRefetches } from '../../../../shared/retry-charge.ts';
import { useNow } from '../../lib/use-now.ts';
import { useSpend } from './spend-store.ts';

/** What the job's request costs at today's prices, as the queue writes it ('?' for an unknown model). */
function useEstimateText(job: Job): string {
  const prices = useSpend((state) => state.totals?.prices);
  return isModelId(job.model) ? formatUsd(estimate(job.model, job.params, prices).usd) : '?';
}

/**
 * Retry is priced on the button, before the click: free while Segmind still holds the request's
 * result (the engine fetches it again, by the same rule), else the price of a new request.
 */
export function RetryButton({ job, onRetry }: { job: Job; onRetry(): void }) {
  const price = useEstimateText(job);
  // The free hour runs out while the button is on screen.
  const now = useNow(job.requestId !== null, 15_000);
  const free = retryRefetches(job, now);
  return (
    <button
      type="button"
      className="btn btn-small"
      title={
        free
          ? 'Segmind still holds this request: Retry fetches its result again, with no new charge.'
          : `Retry sends this request to Segmind again, at about ${price}.`
      }
      onClick={onRetry}
    >
      {free ? 'Retry · no new charge' : `Retry · about ${price}`}
    </button>
  );
}

/**
 * A job's cost in the queue: Segmind's charge when it named one, else the estimate, marked as such.
 * A job Segmind never took costs nothing; one that may have reached it says so.
 */
export function JobCost({ job }: { job: Job }) {
  const guess = useEstimateText(job);
  let text: string;
  let title: string;
  if (job.creditsSpent !== null) {
    text = formatUsd(job.creditsSpent);
    title = 'Charged by Segmind (x-credits-consumed).';
  } else if (job.state === 'interrupted') {
    text = `maybe ${guess}`;
    title = 'Segmind may have received this request and may charge for it.';
  } else if (job.requestId === null && job.state !== 'queued' && job.state !== 'submitting') {
    text = 'not charged';
    title = 'Segmind never took this request.';
  } else {
    text = `about ${guess} (estimate)`;
    title = 'An estimate: Segmind has not said what this request cost.';
  }
  return (
    <span className="job-cost muted" data-testid="job-cost" title={title}>
      {text}
    </span>
  );
}
