/**
 * "Full jitter" exponential back-off: a random wait in [base, base * 2^attempt] capped at `maxMs`, so
 * clients that failed together do not come back together.
 */
export function jitteredBackoff(attempt: number, random: () => number, baseMs = 500, maxMs = 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(baseMs + random() * Math.max(0, ceiling - baseMs));
}

/** Spreads a fixed wait by up to `fraction` either way. */
export function jitter(ms: number, random: () => number, fraction = 0.1): number {
  return Math.max(0, Math.round(ms * (1 + fraction * (2 * random() - 1))));
}
