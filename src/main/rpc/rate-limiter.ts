/**
 * A token bucket per method. Some calls are expensive for main (imports decode images, backups copy
 * the library): a page stuck in a loop, or a hostile one, must not be able to queue thousands of them.
 */
export interface RateLimit {
  /** Calls allowed in a burst. */
  burst: number;
  /** Calls regained per second. */
  perSecond: number;
}

export function createRateLimiter(limits: Record<string, RateLimit>, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** True when the call may go ahead (and uses up one token). */
    take(method: string): boolean {
      const limit = limits[method];
      if (!limit) return true;
      const time = now();
      const bucket = buckets.get(method) ?? { tokens: limit.burst, at: time };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.at) / 1000) * limit.perSecond);
      bucket.at = time;
      buckets.set(method, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
