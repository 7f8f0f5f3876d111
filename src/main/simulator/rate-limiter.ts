export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  /** When the oldest counted request leaves the window (epoch ms). */
  resetAt: number;
  waitMs: number;
  limit: string;
}

/** A sliding window over submits (and, where the simulator is told so, polls too). */
export class RateLimiter {
  private readonly times: number[] = [];
  private readonly rate: RateLimit;

  constructor(rate: RateLimit) {
    this.rate = rate;
  }

  take(now: number): RateVerdict {
    const { requests, windowMs } = this.rate;
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - windowMs) this.times.shift();
    const allowed = this.times.length < requests;
    if (allowed) this.times.push(now);
    const resetAt = (this.times[0] ?? now) + windowMs;
    return {
      allowed,
      remaining: requests - this.times.length,
      resetAt,
      waitMs: allowed ? 0 : resetAt - now,
      limit: `${requests} requests per ${windowMs} ms`,
    };
  }
}
