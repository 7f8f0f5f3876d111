import type { UntilRightChain } from '../../../../shared/api/until-right.ts';

/** Where a chain stands, in one line: "Attempt 2 of 3 — text still wrong", "Text right on attempt 2". */
export function chainWords(chain: UntilRightChain): string {
  const attempt = chain.jobIds.length;
  const of = chain.retries + 1;
  switch (chain.state) {
    case 'running':
      return attempt === 1
        ? `Until it’s right: attempt 1 of ${of}`
        : `Attempt ${attempt} of ${of} — text still wrong`;
    case 'passed':
      return `Text right on attempt ${chain.jobIds.indexOf(chain.passingJobId ?? '') + 1}`;
    case 'exhausted':
      return `Stopped: text still wrong after ${attempt} attempts`;
    case 'budget':
      return `Stopped: budget — ${chain.message ?? ''}`;
    case 'unchecked':
    case 'stopped':
      return `Stopped: ${chain.message ?? ''}`;
  }
}

/** How an attempt's line looks: an earlier attempt's text was wrong whatever came of the chain. */
export function attemptTone(chain: UntilRightChain, jobId: string): string {
  const index = chain.jobIds.indexOf(jobId);
  const earlier = index >= 0 && index < chain.jobIds.length - 1 && chain.passingJobId !== jobId;
  return earlier ? 'retried' : chain.state;
}

/** The line for one attempt's job: an earlier attempt says it was tried again, the last says where the chain is. */
export function attemptWords(chain: UntilRightChain, jobId: string): string {
  const index = chain.jobIds.indexOf(jobId);
  if (chain.state === 'passed' && chain.passingJobId === jobId) return chainWords(chain);
  if (index >= 0 && index < chain.jobIds.length - 1) {
    return `Attempt ${index + 1} of ${chain.retries + 1}: text wrong, tried again`;
  }
  return chainWords(chain);
}
