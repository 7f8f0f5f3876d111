import type { Job, JobError } from './api/jobs.ts';

/** How long Segmind keeps a request's result (docs/segmind-contract.md, "Retention"). */
export const resultRetentionMs = 3_600_000;

/**
 * Whether Retry asks Segmind again for a result it still holds (free) instead of sending, and paying
 * for, a new request: the job was canceled, or failed while fetching, within the retention hour, and
 * not for a reason the same request would meet again. The engine retries by this rule and the queue
 * prices the Retry button by it, so the price the user sees is the one they pay.
 */
export function retryRefetches(
  job: Pick<Job, 'state' | 'requestId' | 'submittedAt' | 'createdAt'> & {
    error: Pick<JobError, 'kind'> | null;
  },
  now: number,
  retentionMs = resultRetentionMs,
): boolean {
  return (
    (job.state === 'failed' || job.state === 'canceled') &&
    job.requestId !== null &&
    now - (job.submittedAt ?? job.createdAt) <= retentionMs &&
    !['failed', 'bad_request', 'not_found', 'expired', 'too_large'].includes(job.error?.kind ?? '')
  );
}
