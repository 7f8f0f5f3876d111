/**
 * One price per status request across all requests of a kind (see pooledPrice), reckoned from the
 * requests of that kind the estimator keeps.
 */
import { meanOf } from './lognormal.ts';
import type { DurationBeliefs, FinishedRequest, PlannerOptions } from './poll-planner.ts';
import {
  curvesOf,
  pollsBefore,
  priceWithin,
  queuedGapMs,
  solve,
  unusualQueueGapMs,
  widened,
} from './poll-schedule.ts';

/** Below this many finished requests of a kind, a pool's tail (its cold starts) is too thinly seen to price. */
const POOL_MIN_ROWS = 32;

const pools = new WeakMap<readonly FinishedRequest[], Map<string, number | null>>();

/**
 * One price per request across all requests of a kind: the price at which the requests its history
 * would take under this planner (queue watching at its cadence, then plans at that price) add up to
 * `share` of what fixed 1 s spends on the same requests. A cold start's queue costs far fewer polls
 * than fixed 1 s spends on it; priced per request, those savings went into its own inference, where
 * they buy little, while a usual request, where a poll near the finish buys the most, had only its
 * own share. One price equalises what the last poll buys across them (the Lagrangian of the budget
 * the constrained oracle keeps). Where waits are short and steady and none was unusual, every
 * request's queue saves about the same and its own allowance is that price already, without the
 * whole-duration fit's error in the reckoning: null. Null too while the history is too short to
 * show its tail. Reckoned once per history and options, not per poll.
 */
export function pooledPrice(beliefs: DurationBeliefs, options: PlannerOptions, share: number): number | null {
  if (beliefs.history.length < POOL_MIN_ROWS) return null;
  const { history } = beliefs;
  const key = [
    beliefs.inference.mu,
    beliefs.inference.sigma,
    beliefs.total.mu,
    beliefs.total.sigma,
    beliefs.queueMatters,
    beliefs.longQueueMs,
    share,
    options.requestCostMs,
    options.minGapMs,
    options.maxGapMs,
    options.plausible,
    options.tailCaution,
  ].join(':');
  let known = pools.get(history);
  const cached = known?.get(key);
  if (cached !== undefined) return cached;
  const price = poolPriceOf(beliefs, { ...options, requestPrice: 1 }, share);
  if (!known) pools.set(history, (known = new Map()));
  known.set(key, price);
  return price;
}

function poolPriceOf(beliefs: DurationBeliefs, options: PlannerOptions, share: number): number | null {
  const gap = queuedGapMs(beliefs, options);
  const unusualGap = unusualQueueGapMs(beliefs, options);
  const typicalInference = meanOf(beliefs.inference);
  const long = beliefs.longQueueMs ?? Number.POSITIVE_INFINITY;
  // Each request's polls while queued at the watching cadences (they do not depend on the price),
  // and how many requests plan at the price on each reckoning: anchored on a switch watched at the
  // usual or the unusual cadence, from the submit, or from the submit until the wait turned unusual
  // (a plan every poll of which is then made).
  let fixed = 0;
  let queuePolls = 0;
  let anchored = 0;
  let anchoredLoosely = 0;
  let fromSubmit = 0;
  let turnedUnusual = 0;
  for (const row of beliefs.history) {
    fixed += Math.max(1, Math.ceil(row.totalMs / 1_000));
    const queueMs = Math.max(0, row.totalMs - (row.inferenceMs ?? typicalInference));
    const unusual = queueMs > long;
    if (unusual) {
      queuePolls += Math.ceil((queueMs - long) / unusualGap);
      anchoredLoosely++;
    }
    if (beliefs.queueMatters) {
      queuePolls += unusual ? Math.ceil(long / gap) : Math.max(1, Math.ceil(queueMs / gap));
      if (!unusual) anchored++;
    } else if (unusual) {
      turnedUnusual++;
    } else {
      fromSubmit++;
    }
  }
  if (!beliefs.queueMatters && turnedUnusual === 0) return null;
  const allowance = share * fixed - queuePolls;
  // Planned as nextPollAt plans them: from the middle of the bracket, bounded from its start.
  const anchorCurves = curvesOf(widened(beliefs.inference, gap), gap / 2, options, gap);
  const looseCurves = curvesOf(widened(beliefs.inference, unusualGap), unusualGap / 2, options, unusualGap);
  const submitCurves = curvesOf(beliefs.total, 1, options);
  const spent = (price: number) => {
    let sum = anchorCurves && anchored > 0 ? anchored * solve(anchorCurves, price, options).requests : 0;
    if (looseCurves && anchoredLoosely > 0)
      sum += anchoredLoosely * solve(looseCurves, price, options).requests;
    if (submitCurves && fromSubmit + turnedUnusual > 0) {
      const plan = solve(submitCurves, price, options);
      sum += fromSubmit * plan.requests;
      if (turnedUnusual > 0) sum += turnedUnusual * pollsBefore(plan.next, long, options);
    }
    return sum;
  };
  // Never dearer than requestCostMs: a short allowance does not thin the plan.
  const hi = options.requestCostMs;
  if (spent(hi) > allowance) return hi;
  const lo = POOL_PRICE_FLOOR;
  if (spent(lo) <= allowance) return lo;
  return priceWithin(spent, allowance, { lo, hi, steps: POOL_PRICE_STEPS });
}

/** The cheapest a request gets, in ms of noticing delay: below it, polls buy nothing a user sees. */
const POOL_PRICE_FLOOR = 0.5;
/** Bisection steps in log space between the floor and requestCostMs: to within about 2 %. */
const POOL_PRICE_STEPS = 9;
