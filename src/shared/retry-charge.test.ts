import { describe, expect, it } from 'vitest';
import { resultRetentionMs, retryRefetches } from './retry-charge.ts';

const submittedAt = 1_000_000;
const sent = { requestId: 'r-1', submittedAt, createdAt: submittedAt - 5_000, error: null };

describe('retryRefetches', () => {
  it('fetches again, free, a canceled or fetch-failed request inside the retention hour', () => {
    expect(retryRefetches({ ...sent, state: 'canceled' }, submittedAt + 60_000)).toBe(true);
    const fetchFailed = { ...sent, state: 'failed' as const, error: { kind: 'network' as const } };
    expect(retryRefetches(fetchFailed, submittedAt + resultRetentionMs)).toBe(true);
  });

  it('pays for a new request once the hour is over, or when Segmind never took it', () => {
    expect(retryRefetches({ ...sent, state: 'canceled' }, submittedAt + resultRetentionMs + 1)).toBe(false);
    const neverSent = { ...sent, state: 'canceled' as const, requestId: null, submittedAt: null };
    expect(retryRefetches(neverSent, submittedAt)).toBe(false);
    expect(retryRefetches({ ...sent, state: 'interrupted' }, submittedAt + 1)).toBe(false);
    expect(retryRefetches({ ...sent, state: 'expired' }, submittedAt + 1)).toBe(false);
  });

  it('pays again when the same request would only fail the same way', () => {
    for (const kind of ['failed', 'bad_request', 'not_found', 'expired', 'too_large'] as const) {
      expect(retryRefetches({ ...sent, state: 'failed', error: { kind } }, submittedAt + 1)).toBe(false);
    }
  });
});
