/**
 * The optimal blind poller for a known distribution of finish times: the fixed list of poll times
 * (from the submit) that minimises expected noticing delay for a given expected number of requests.
 * "Blind": it never looks at QUEUED / PROCESSING, only at whether a poll found the request done. It
 * knows the true distribution (an oracle no app has): the strongest opponent a blind policy can be.
 *
 * Dynamic programming on a grid of `gridMs`: W(i) = S(i) * (cost still to come | not done at t_i) =
 *   min over j of  lambda * S(i) + t_j * (S(i) - S(j)) - (A(j) - A(i)) + W(j),
 * where S is the survival at grid times and A the prefix sum of P(finish in cell) * cell midpoint, so
 * t_j (S(i) - S(j)) - (A(j) - A(i)) is the expected delay of the finishes the poll at t_j notices.
 * lambda, the price of a request, is bisected until the expected requests match the target.
 * With `maxLateMs`, the constrained oracle: no gap after which one of the draws would be noticed
 * later than that (the rule our planner must keep), so it shows what is reachable under the targets.
 */
export interface BlindSchedule {
  /** Poll times after the submit, ms. */
  times: number[];
  expectedRequests: number;
  expectedDelayMs: number;
  requestCostMs: number;
}

interface Solved {
  next: Int32Array;
  requests: number;
  delay: number;
}

function solve(
  survival: Float64Array,
  prefix: Float64Array,
  gridMs: number,
  maxJump: number,
  lambda: number,
  maxLateSteps: number,
): Solved {
  const n = survival.length - 1;
  const w = new Float64Array(n + 1);
  const r = new Float64Array(n + 1);
  const next = new Int32Array(n + 1).fill(n);
  for (let i = n - 1; i >= 0; i--) {
    const si = survival[i]!;
    if (si <= 0) {
      w[i] = 0;
      r[i] = 0;
      continue;
    }
    let best = Number.POSITIVE_INFINITY;
    let bestJ = n;
    const last = Math.min(n, i + maxJump);
    for (let j = i + 1; j <= last; j++) {
      // A gap after which a finish of the draws would be noticed more than maxLate late is ruled out.
      if (j - i > maxLateSteps && survival[i]! - survival[j - maxLateSteps]! > 0) break;
      const cost = lambda * si + j * gridMs * (si - survival[j]!) - (prefix[j]! - prefix[i]!) + w[j]!;
      if (cost < best) {
        best = cost;
        bestJ = j;
      }
    }
    w[i] = best;
    next[i] = bestJ;
    r[i] = si + r[bestJ]!;
  }
  return { next, requests: r[0]!, delay: w[0]! - lambda * r[0]! };
}

export function optimalBlindSchedule(
  finishMs: readonly number[],
  targetRequests: number,
  options: { gridMs?: number; maxJumpMs?: number; maxLateMs?: number } = {},
): BlindSchedule {
  const gridMs = options.gridMs ?? 50;
  const maxJump = Math.round((options.maxJumpMs ?? 30_000) / gridMs);
  // A finish in cell k (((k-1) g, k g]) seen at j g is late by less than (j - k + 1) g.
  const maxLateSteps =
    options.maxLateMs === undefined ? Number.POSITIVE_INFINITY : Math.floor(options.maxLateMs / gridMs);
  const horizon = Math.max(...finishMs) + gridMs;
  const n = Math.ceil(horizon / gridMs);
  const counts = new Float64Array(n + 1);
  const sums = new Float64Array(n + 1);
  for (const ms of finishMs) {
    const cell = Math.min(n, Math.max(1, Math.ceil(ms / gridMs)));
    counts[cell]! += 1;
    sums[cell]! += ms;
  }
  const survival = new Float64Array(n + 1);
  const prefix = new Float64Array(n + 1);
  let remaining = finishMs.length;
  for (let k = 0; k <= n; k++) {
    remaining -= counts[k]!;
    survival[k] = remaining / finishMs.length;
    prefix[k] = (k > 0 ? prefix[k - 1]! : 0) + sums[k]! / finishMs.length;
  }
  // More expensive requests mean fewer of them: bisect the price (in log space) onto the target.
  let lo = 1e-3;
  let hi = 1e6;
  let solved = solve(survival, prefix, gridMs, maxJump, Math.sqrt(lo * hi), maxLateSteps);
  let lambda = Math.sqrt(lo * hi);
  for (let step = 0; step < 40; step++) {
    lambda = Math.sqrt(lo * hi);
    solved = solve(survival, prefix, gridMs, maxJump, lambda, maxLateSteps);
    if (solved.requests > targetRequests) lo = lambda;
    else hi = lambda;
  }
  // Take the side that stays within the target.
  if (solved.requests > targetRequests)
    solved = solve(survival, prefix, gridMs, maxJump, (lambda = hi), maxLateSteps);
  const times: number[] = [];
  for (let i = 0; i < n;) {
    const j = solved.next[i]!;
    times.push(j * gridMs);
    if (survival[j]! <= 0) break;
    i = j;
  }
  return { times, expectedRequests: solved.requests, expectedDelayMs: solved.delay, requestCostMs: lambda };
}
