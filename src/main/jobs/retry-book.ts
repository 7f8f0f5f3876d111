/**
 * Failures in a row per job, for backoff and retry budgets, the last one's text for the message a
 * job ends with, and when a queued job refused for now may be sent again.
 */
export interface RetryBook {
  /** Counts one more failure in a row and returns how many there have been. */
  failed(id: string, detail: string): number;
  /** An answer that moved the job on: the streak starts over. */
  succeeded(id: string): void;
  lastFailure(id: string): string | null;
  holdUntil(id: string, at: number): void;
  heldUntil(id: string): number;
  /** How many queued jobs wait for their time, so the submitter can look past them. */
  heldCount(): number;
  release(id: string): void;
  forget(id: string): void;
}

export function createRetryBook(): RetryBook {
  const streaks = new Map<string, { count: number; detail: string }>();
  const notBefore = new Map<string, number>();
  return {
    failed(id, detail) {
      const count = (streaks.get(id)?.count ?? 0) + 1;
      streaks.set(id, { count, detail });
      return count;
    },
    succeeded: (id) => void streaks.delete(id),
    lastFailure: (id) => streaks.get(id)?.detail ?? null,
    holdUntil: (id, at) => void notBefore.set(id, at),
    heldUntil: (id) => notBefore.get(id) ?? 0,
    heldCount: () => notBefore.size,
    release: (id) => void notBefore.delete(id),
    forget(id) {
      streaks.delete(id);
      notBefore.delete(id);
    },
  };
}
