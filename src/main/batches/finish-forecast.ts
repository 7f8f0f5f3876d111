import type { TokenForecast } from '../jobs/request-budget.ts';

/** A waiting job as the forecast sees it, in send order. */
export interface QueuedForecastJob {
  batchId: string;
  /** Learned time from submit to COMPLETED for its kind of job. */
  durationMs: number;
}

export interface ForecastInput {
  now: number;
  maxInFlight: number;
  tokens: TokenForecast;
  /** Jobs on the wire now, and when each should be done at Segmind. */
  inFlight: readonly { batchId: string; endsAt: number }[];
  queue: readonly QueuedForecastJob[];
  /** Learned time from COMPLETED to a stored image (the result fetch, the download, the thumbnail). */
  afterMs: number;
}

/** A small binary heap of slot end times: which in-flight slot frees up first. */
function minHeap(values: number[]) {
  const heap = [...values].sort((a, b) => a - b);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]! < heap[m]!) m = l;
      if (r < heap.length && heap[r]! < heap[m]!) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  return {
    peek: () => heap[0]!,
    /** Replaces the smallest with `value`. */
    replaceTop(value: number) {
      heap[0] = value;
      down(0);
    },
  };
}

/**
 * When each batch's last job should be done, by playing the queue forward: jobs go in send order, each
 * as soon as an in-flight slot is free and the account's rate limit has a token for it (the same
 * bucket request-budget.ts keeps, refilled at its rate; where polls count, each job also draws the
 * polls and fetches jobs have lately drawn), then takes its learned duration and the learned time to
 * store its image. O(jobs · log slots), a few milliseconds for 10,000 waiting jobs.
 */
export function forecastFinish(input: ForecastInput): Map<string, number> {
  const { now, tokens } = input;
  const finish = new Map<string, number>();
  const done = (batchId: string, at: number) => finish.set(batchId, Math.max(finish.get(batchId) ?? at, at));
  const slots = Math.max(1, input.maxInFlight);
  const busy = input.inFlight.map((job) => {
    const end = Math.max(now, job.endsAt) + input.afterMs;
    done(job.batchId, end);
    return end;
  });
  const heap = minHeap([
    ...busy.slice(0, slots),
    ...Array<number>(Math.max(0, slots - busy.length)).fill(now),
  ]);
  const limited = tokens.perMinute !== null && tokens.refillPerMs > 0;
  const cost = 1 + tokens.pollsPerSubmit;
  let level = tokens.tokens;
  let levelAt = now;
  let lastSubmit = now;
  for (const job of input.queue) {
    let at = Math.max(heap.peek(), lastSubmit);
    if (limited) {
      const available = Math.min(tokens.capacity, level + (at - levelAt) * tokens.refillPerMs);
      if (available < 1) at += (1 - available) / tokens.refillPerMs;
      level = Math.min(tokens.capacity, level + (at - levelAt) * tokens.refillPerMs) - cost;
      levelAt = at;
    }
    lastSubmit = at;
    // A slot is held from the submit until the image is stored.
    const end = at + job.durationMs + input.afterMs;
    heap.replaceTop(end);
    done(job.batchId, end);
  }
  return finish;
}
