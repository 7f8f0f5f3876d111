/**
 * The poll planner's arithmetic (poll-planner.ts, pooled-price.ts): the cadences that watch a queue
 * for the switch to PROCESSING, and the dynamic programme that places polls on a fitted finish.
 */
import { quantileOf, survival, type LogNormal } from './lognormal.ts';
import type { DurationBeliefs, PlannerOptions } from './poll-planner.ts';

/**
 * While QUEUED, poll often enough to catch the switch well before the quickest inference could end,
 * and never wider than a switch the estimator learns inference times from (SHARP_SWITCH_MS): a
 * wider cadence would stop it learning, and the fit would freeze on its first samples.
 */
export function queuedGapMs(beliefs: DurationBeliefs, options: PlannerOptions): number {
  return Math.min(SHARP_SWITCH_MS, Math.max(options.minGapMs * 2.5, quantileOf(beliefs.inference, 0.01) / 3));
}

/**
 * Through an unusual wait (a cold model booting for minutes) the switch is worth less than the polls
 * that would catch it sharply: fixed 1 s spends a poll a second there, and every one saved goes near
 * a finish. The gap is as wide as the bound on late notices allows even if the inference that
 * follows is among the quickest plausible (on the cautious fit): a finish before the switch is seen
 * is noticed at most maxGap late. Such a wait teaches no inference time (its bracket is not sharp);
 * the usual ones do.
 */
export function unusualQueueGapMs(beliefs: DurationBeliefs, options: PlannerOptions): number {
  const cautious = { mu: beliefs.inference.mu, sigma: beliefs.inference.sigma * options.tailCaution };
  return Math.max(
    queuedGapMs(beliefs, options),
    gapBoundMs(options) + quantileOf(cautious, options.plausible),
  );
}

/** Grid of the planning step: fine next to any gap worth taking, coarse enough to plan in well under 1 ms. */
export const GRID_MS = 50;
/** Planning looks this far ahead at most; beyond it, the bounded worst case takes over. */
export const HORIZON_MS = 600_000;
/** Survival below this (relative to now) ends the planning horizon. */
export const NEGLIGIBLE = 1e-5;
/** A request still running where the fit gives it less than this chance is beyond the fit. */
const BEYOND_FIT = 1e-4;

export interface Curves {
  /** Survival at each grid step from now, relative to now's. */
  relative: number[];
  /** The same on the cautious (wider-tailed) fit: what the bound on late notices is judged on. */
  guard: number[];
  /** Running sum of each cell's chance times its middle: the expected finish inside it. */
  prefix: Float64Array;
}

/** The longest gap a finish may be noticed late by: maxGap, widened by the budget's pressure. */
export function gapBoundMs(options: PlannerOptions): number {
  return options.maxGapMs * Math.max(1, options.requestPrice);
}

/** The grid a plan is made on, from `x0` after the offset; null once past anything the fit has seen. */
export function curvesOf(d: LogNormal, x0: number, options: PlannerOptions, bracketMs = 0): Curves | null {
  const s0 = survival(d, x0);
  // Far past anything the fit has seen (an estimate too short, a stalled request): its tail says
  // nothing trustworthy any more; keep asking at the bounded worst case.
  if (!(s0 > BEYOND_FIT)) return null;
  // The bound on late notices is judged on a wider spread than the plan itself: a fit from a few
  // dozen samples is least sure of its tails, and a tail finish is what that bound is about. An
  // offset known only to within `bracketMs` (a switch seen between two polls) is judged from the
  // bracket's start: the inference may have begun right after the last QUEUED answer, further on
  // than the middle says, and on the steep left tail the middle takes the quickest inferences for
  // far rarer than they are then. So only the inference's own quickness is a risk the plan accepts,
  // never where between two polls the switch happened to fall.
  const cautious = { mu: d.mu, sigma: d.sigma * options.tailCaution };
  const guardAt = (x: number) => survival(cautious, x + bracketMs / 2);
  const c0 = guardAt(x0);
  const relative: number[] = [1];
  const guard: number[] = [1];
  for (let k = 1; k * GRID_MS <= HORIZON_MS; k++) {
    const s = survival(d, x0 + k * GRID_MS) / s0;
    relative.push(s < NEGLIGIBLE ? 0 : s);
    guard.push(c0 > 0 ? guardAt(x0 + k * GRID_MS) / c0 : 0);
    if (s < NEGLIGIBLE) break;
  }
  const n = relative.length - 1;
  if (n === 0 || relative[n]! > 0) {
    relative.push(0);
    guard.push(0);
  }
  const last = relative.length - 1;
  const prefix = new Float64Array(last + 1);
  for (let k = 1; k <= last; k++) {
    prefix[k] = prefix[k - 1]! + (relative[k - 1]! - relative[k]!) * (k - 0.5) * GRID_MS;
  }
  return { relative, guard, prefix };
}

/**
 * The schedule that minimises expected noticing delay plus `price` per request, by dynamic
 * programming over the grid (the same recursion bench:polling's optimal blind poller uses). A gap
 * longer than maxGap is allowed only while a finish it would notice more than maxGap late is
 * implausible (no point asking about a 10 s job at 2 s), so the worst case stays bounded. Costs about
 * G x (maxGap / grid) steps, G a few hundred. Returns the first step and the requests it expects.
 */
export function solve(
  curves: Curves,
  price: number,
  options: PlannerOptions,
): { step: number; requests: number; next: Int32Array } {
  const { relative, guard, prefix } = curves;
  const last = relative.length - 1;
  const minStep = Math.max(1, Math.round(options.minGapMs / GRID_MS));
  const maxStep = Math.max(minStep, Math.floor(gapBoundMs(options) / GRID_MS));
  const cost = new Float64Array(last + 1);
  const requests = new Float64Array(last + 1);
  const next = new Int32Array(last + 1).fill(last);
  for (let i = last - 1; i >= 0; i--) {
    const si = relative[i]!;
    if (si <= 0) continue;
    let best = Number.POSITIVE_INFINITY;
    for (let j = Math.min(last, i + minStep); j <= last; j++) {
      // A finish more than maxGap before the poll at j is one noticed too late.
      if (j - i > maxStep && guard[i]! - guard[j - maxStep]! >= options.plausible * guard[i]!) break;
      const c = price * si + j * GRID_MS * (si - relative[j]!) - (prefix[j]! - prefix[i]!) + cost[j]!;
      if (c < best) {
        best = c;
        next[i] = j;
      }
    }
    cost[i] = best;
    requests[i] = si + requests[next[i]!]!;
  }
  return { step: next[0]!, requests: requests[0]!, next };
}

/**
 * The polls a plan makes before `untilMs` from its start when the request is still running then (a
 * cold start waits through every one): the solved schedule's chain, then the bounded cadence past it.
 */
export function pollsBefore(next: Int32Array, untilMs: number, options: PlannerOptions): number {
  let polls = 0;
  let i = 0;
  while (i < next.length - 1 && i * GRID_MS < untilMs) {
    i = next[i]!;
    polls++;
  }
  return polls + Math.max(0, Math.ceil((untilMs - i * GRID_MS) / gapBoundMs(options)));
}

/**
 * The cheapest price in [lo, hi] at which `spent(price)` requests stay within `allowance`, bisected
 * in log space for `steps` steps (dearer prices plan fewer requests). Returns the upper end found.
 */
export function priceWithin(
  spent: (price: number) => number,
  allowance: number,
  range: { lo: number; hi: number; steps: number },
): number {
  let { lo, hi } = range;
  for (let step = 0; step < range.steps; step++) {
    const mid = Math.sqrt(lo * hi);
    if (spent(mid) > allowance) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** A switch bracketed this tightly was watched for (the queued cadence is never wider). */
export const SHARP_SWITCH_MS = 2_000;

/** An anchor known only to within `bracketMs` adds that uncertainty to what follows it. */
export function widened(d: LogNormal, bracketMs: number): LogNormal {
  const median = Math.exp(d.mu);
  const extra = (bracketMs * bracketMs) / 12 / (median * median);
  return { mu: d.mu, sigma: Math.sqrt(d.sigma * d.sigma + extra) };
}
