/** Credit and rate-limit headers seen in public client code; recorded when present, never required. */
export interface UsageHeaders {
  remainingCredits?: number;
  creditsConsumed?: number;
  rateLimitRemaining?: number;
  rateLimitResetAt?: string;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export function usageFromHeaders(headers: Headers): UsageHeaders {
  const usage: UsageHeaders = {};
  const remaining = numberHeader(headers, 'x-remaining-credits');
  const consumed = numberHeader(headers, 'x-credits-consumed');
  const rate = numberHeader(headers, 'x-rate-limit-remaining');
  const reset = headers.get('x-rate-limit-reset-at-utc');
  if (remaining !== undefined) usage.remainingCredits = remaining;
  if (consumed !== undefined) usage.creditsConsumed = consumed;
  if (rate !== undefined) usage.rateLimitRemaining = rate;
  if (reset) usage.rateLimitResetAt = reset;
  return usage;
}
