import type { Job } from '../../../../shared/api/jobs.ts';
import { isModelId } from '../../../../shared/models/index.ts';
import { estimate, formatUsd } from '../../../../shared/pricing.ts';
import { useSpend } from './spend-store.ts';

/**
 * A job's cost in the queue: Segmind's charge when it named one, else the estimate, marked as such.
 * A job Segmind never took costs nothing; one that may have reached it says so.
 */
export function JobCost({ job }: { job: Job }) {
  const prices = useSpend((state) => state.totals?.prices);
  let text: string;
  let title: string;
  if (job.creditsSpent !== null) {
    text = formatUsd(job.creditsSpent);
    title = 'Charged by Segmind (x-credits-consumed).';
  } else {
    const guess = isModelId(job.model) ? formatUsd(estimate(job.model, job.params, prices).usd) : '?';
    if (job.state === 'interrupted') {
      text = `maybe ${guess}`;
      title = 'Segmind may have received this request and may charge for it.';
    } else if (job.requestId === null && job.state !== 'queued' && job.state !== 'submitting') {
      text = 'not charged';
      title = 'Segmind never took this request.';
    } else {
      text = `about ${guess} (estimate)`;
      title = 'An estimate: Segmind has not said what this request cost.';
    }
  }
  return (
    <span className="job-cost muted" data-testid="job-cost" title={title}>
      {text}
    </span>
  );
}
