import { quantileOf, survival, type LogNormal } from './lognormal.ts';

/** What the polls of one request have seen so far (engine clock, ms). */
export interface PollObservation {
  submittedAt: number;
  /** The last answer that said "not done yet" (the submit's own answer counts). */
  lastPendingAt: number;
  /** The last answer that said QUEUED, or null if none did. */
  lastQueuedAt: number | null;
  /** The first answer that said PROCESSING, or null if none has. */
  firstProcessingAt: number | null;
  /** Status requests this request has had, where known (not after a restart). */
  polls?: number;
}

/** What is known about requests of this kind, learned from finished ones (duration-estimator.ts). */
export interface DurationBeliefs {
  /** From the switch to PROCESSING until COMPLETED. */
  inference: LogNormal;
  /** From the submit until COMPLETED, for servers (or restarts) that give no switch to anchor on. */
  total: LogNormal;
  /** Whether this server says PROCESSING before COMPLETED for this kind of request. */
  reportsProcessing: boolean;
  /**
   * Whether queue waits vary enough, next to the inference's own spread, that catching the switch
   * to PROCESSING pays for the polls it takes (it does on a busy or cold model, not on a warm one).
   */
  queueMatters: boolean;
  /** A queue wait longer than this is out of the ordinary (a cold start); null while unknown. */
  longQueueMs: number | null;
}

export interface PlannerOptions {
  /** What one status request is worth, in ms of noticing delay: the price that trades requests for promptness. */
  requestCostMs: number;
  minGapMs: number;
  /** No finish is noticed later than this, but for implausible ones (see `plausible`). */
  maxGapMs: number;
  /** The chance of a finish noticed later than maxGap that a plan may accept, per request. */
  plausible: number;
  /** How much wider than fitted the tails are assumed to be when bounding late notices. */
  tailCaution: number;
  /**
   * When set, a request anchored on its switch to PROCESSING may spend up to this share of what fixed
   * 1 s (the SDK) would on it: the polls the queue's slower cadence saved go near the finish.
   */
  requestShare: number | null;
  /** A multiplier on the price (request-budget.ts's pressure). */
  requestPrice: number;
}

export const defaultPlannerOptions: PlannerOptions = {
  requestCostMs: 30,
  minGapMs: 100,
  maxGapMs: 1_800,
  plausible: 1e-4,
  tailCaution: 1.3,
  requestShare: 0.95,
  requestPrice: 1,
};

/**
 * While QUEUED, poll often enough to catch the switch well before the quickest inference could end,
 * and never wider than a switch the estimator learns inference times from (SHARP_SWITCH_MS): a
 * wider cadence would stop it learning, and the fit would freeze on its first samples.
 */
function queuedGapMs(beliefs: DurationBeliefs, options: PlannerOptions): number {
  return Math.min(SHARP_SWITCH_MS, Math.max(options.minGapMs * 2.5, quantileOf(beliefs.inference, 0.01) / 3));
}

/** Grid of the planning step: fine next to any gap worth taking, coarse enough to plan in well under 1 ms. */
const GRID_MS = 50;
/** Planning looks this far ahead at most; beyond it, the bounded worst case takes over. */
const HORIZON_MS = 600_000;
/** Survival below this (relative to now) ends the planning horizon. */
const NEGLIGIBLE = 1e-5;
/** A request still running where the fit gives it less than this chance is beyond the fit. */
const BEYOND_FIT = 1e-4;

interface Curves {
  /** Survival at each grid step from now, relative to now's. */
  relative: number[];
  /** The same on the cautious (wider-tailed) fit: what the bound on late notices is judged on. */
  guard: number[];
  /** Running sum of each cell's chance times its middle: the expected finish inside it. */
  prefix: Float64Array;
}

/** The grid a plan is made on, from `x0` after the offset; null once past anything the fit has seen. */
function curvesOf(d: LogNormal, x0: number, options: PlannerOptions): Curves | null {
  const s0 = survival(d, x0);
  // Far past anything the fit has seen (an estimate too short, a stalled request): its tail says
  // nothing trustworthy any more; keep asking at the bounded worst case.
  if (!(s0 > BEYOND_FIT)) return null;
  // The bound on late notices is judged on a wider spread than the plan itself: a fit from a few
  // dozen samples is least sure of its tails, and a tail finish is what that bound is about.
  const cautious = { mu: d.mu, sigma: d.sigma * options.tailCaution };
  const c0 = survival(cautious, x0);
  const relative: number[] = [1];
  const guard: number[] = [1];
  for (let k = 1; k * GRID_MS <= HORIZON_MS; k++) {
    const s = survival(d, x0 + k * GRID_MS) / s0;
    relative.push(s < NEGLIGIBLE ? 0 : s);
    guard.push(c0 > 0 ? survival(cautious, x0 + k * GRID_MS) / c0 : 0);
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
function solve(curves: Curves, price: number, options: PlannerOptions): { step: number; requests: number } {
  const { relative, guard, prefix } = curves;
  const last = relative.length - 1;
  const minStep = Math.max(1, Math.round(options.minGapMs / GRID_MS));
  const maxStep = Math.max(minStep, Math.floor(options.maxGapMs / GRID_MS));
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
  return { step: next[0]!, requests: requests[0]! };
}

/** What fixed 1 s spends on a request of this whole duration: one poll per whole second begun. */
function fixedSecondRequests(total: LogNormal): number {
  let sum = 0;
  for (let k = 0; k * 1_000 <= HORIZON_MS; k++) {
    const s = survival(total, k * 1_000);
    sum += s;
    if (s < NEGLIGIBLE) break;
  }
  return sum;
}

const prices = new Map<string, number>();
const PRICES_KEPT = 512;

/** The price at which a plan on `curves` expects `allowance` requests (bisected in log space). */
function priceForRequests(curves: Curves, allowance: number, options: PlannerOptions): number {
  let lo = 0.5;
  let hi = 4_000;
  for (let step = 0; step < 16; step++) {
    const mid = Math.sqrt(lo * hi);
    if (solve(curves, mid, options).requests > allowance) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The price of a request once the switch is seen. Watching the queue costs fewer polls than fixed
 * 1 s spends on the same wait, and what is saved there is worth spending where the finish is: the
 * rest of the job may spend up to `requestShare` of what fixed 1 s (the SDK) would on the whole job,
 * less what the queue took. Never dearer than requestCostMs: a short allowance does not thin the plan.
 * Remembered per request and fit, so it is reckoned once per request.
 */
function anchoredPrice(
  observation: PollObservation,
  beliefs: DurationBeliefs,
  basis: { d: LogNormal; offset: number },
  options: PlannerOptions,
): number {
  if (options.requestShare === null || observation.firstProcessingAt === null) return options.requestCostMs;
  const { submittedAt, lastQueuedAt, firstProcessingAt } = observation;
  const key = [
    submittedAt,
    lastQueuedAt,
    firstProcessingAt,
    basis.d.mu,
    basis.d.sigma,
    options.requestShare,
  ].join(':');
  const known = prices.get(key);
  if (known !== undefined) return known;
  // Where the count is unknown (a request watched since a restart), the queued cadence's.
  const spent =
    observation.polls ?? ((lastQueuedAt ?? submittedAt) - submittedAt) / queuedGapMs(beliefs, options) + 1;
  const sdk = (basis.offset - submittedAt) / 1_000 + fixedSecondRequests(basis.d);
  const allowance = options.requestShare * sdk - spent;
  const curves = curvesOf(basis.d, Math.max(1, firstProcessingAt - basis.offset), options);
  const price =
    curves && allowance > 1
      ? Math.min(options.requestCostMs, priceForRequests(curves, allowance, options))
      : options.requestCostMs;
  if (prices.size >= PRICES_KEPT) prices.clear();
  prices.set(key, price);
  return price;
}

/** The next poll for a request whose finish is `offset + X`, X ~ `d`, not finished by `now`. */
function planOn(d: LogNormal, offset: number, now: number, price: number, options: PlannerOptions): number {
  const curves = curvesOf(d, Math.max(1, now - offset), options);
  if (!curves) return now + options.maxGapMs;
  return now + solve(curves, price, options).step * GRID_MS;
}

/** A switch bracketed this tightly was watched for (the queued cadence is never wider). */
const SHARP_SWITCH_MS = 2_000;

type Basis =
  | { kind: 'finish'; d: LogNormal; offset: number }
  /** Still queued where the switch is worth watching; `fallback` reckons a usual wait's finish. */
  | { kind: 'queued'; fallback: { d: LogNormal; offset: number } | null };

/**
 * What the finish is reckoned from. Where queue waits are short and steady the switch says little
 * the whole duration does not, and an anchor placed mid-bracket would only add error: the time since
 * the submit alone. Where waits matter, or one has run far past the usual (a cold model booting), the
 * switch to PROCESSING is watched for and, once seen, anchors the inference that follows.
 */
function basisOf(observation: PollObservation, beliefs: DurationBeliefs): Basis {
  const { submittedAt, lastQueuedAt, firstProcessingAt } = observation;
  const fromSubmit = { d: beliefs.total, offset: submittedAt };
  const queuedFor = (lastQueuedAt ?? submittedAt) - submittedAt;
  const unusualWait = beliefs.longQueueMs !== null && queuedFor > beliefs.longQueueMs;
  if (!beliefs.reportsProcessing || !(beliefs.queueMatters || unusualWait)) {
    return { kind: 'finish', ...fromSubmit };
  }
  if (firstProcessingAt !== null) {
    // The switch happened between the last QUEUED answer (or the submit) and the first PROCESSING one.
    const after = Math.max(submittedAt, lastQueuedAt ?? submittedAt);
    return {
      kind: 'finish',
      d: widened(beliefs.inference, firstProcessingAt - after),
      offset: (after + firstProcessingAt) / 2,
    };
  }
  // A server that has been saying PROCESSING finishes nothing while QUEUED; if it skipped the switch
  // once, the watching cadence still bounds how late the finish is seen. The whole-duration reckoning
  // only values such a poll against others when requests are scarce.
  return { kind: 'queued', fallback: unusualWait ? null : fromSubmit };
}

/** When to ask about this request next (engine clock). */
export function nextPollAt(
  observation: PollObservation,
  beliefs: DurationBeliefs,
  now: number,
  options: PlannerOptions = defaultPlannerOptions,
): number {
  const basis = basisOf(observation, beliefs);
  if (basis.kind === 'finish') {
    const price = anchoredPrice(observation, beliefs, basis, options) * options.requestPrice;
    return planOn(basis.d, basis.offset, now, price, options);
  }
  // Nothing can finish before the switch plus an inference: watch for the switch.
  return now + queuedGapMs(beliefs, options);
}

/**
 * The chance that a poll at `at` finds the request done, given it was not at the last answer: what a
 * scarce request is worth to this job (request-budget.ts gives the next token to the highest).
 */
export function finishChance(observation: PollObservation, beliefs: DurationBeliefs, at: number): number {
  const basis = basisOf(observation, beliefs);
  const reckoning = basis.kind === 'finish' ? basis : basis.fallback;
  if (!reckoning) return 0;
  const before = survival(reckoning.d, observation.lastPendingAt - reckoning.offset);
  if (!(before > 0)) return 1;
  return Math.max(0, 1 - survival(reckoning.d, at - reckoning.offset) / before);
}

/** An anchor known only to within `bracketMs` adds that uncertainty to what follows it. */
function widened(d: LogNormal, bracketMs: number): LogNormal {
  const median = Math.exp(d.mu);
  const extra = (bracketMs * bracketMs) / 12 / (median * median);
  return { mu: d.mu, sigma: Math.sqrt(d.sigma * d.sigma + extra) };
}

/**
 * What a finished request teaches: the whole time and the inference alone, each the middle of the
 * interval the polls bracketed it in. A wide bracket (a long pause, a restart, a rate-limit wait)
 * would teach noise rather than the duration, so it teaches nothing.
 */
export function sampleFrom(
  observation: PollObservation,
  completedSeenAt: number,
): { totalMs: number; inferenceMs: number | null; sawProcessing: boolean } | null {
  const { submittedAt, lastPendingAt, lastQueuedAt, firstProcessingAt } = observation;
  const finishedAt = (lastPendingAt + completedSeenAt) / 2;
  const totalMs = finishedAt - submittedAt;
  if (!(totalMs > 0) || completedSeenAt - lastPendingAt > Math.max(2_000, totalMs * 0.25)) return null;
  if (firstProcessingAt === null) return { totalMs, inferenceMs: null, sawProcessing: false };
  const after = Math.max(submittedAt, lastQueuedAt ?? submittedAt);
  const inferenceMs = finishedAt - (after + firstProcessingAt) / 2;
  // A switch seen only loosely (the plan did not watch for it) would teach a blurred inference time.
  // The test must not depend on the inference itself, or the long ones alone would be learned.
  const sharp = firstProcessingAt - after <= SHARP_SWITCH_MS;
  return { totalMs, inferenceMs: sharp && inferenceMs > 0 ? inferenceMs : null, sawProcessing: true };
}

/**
 * The plan's options when requests are scarce (request-budget.ts's pressure): a request costs that
 * many times more, and the 2 s bound on late notices, which no budget this tight can pay for, widens
 * with it.
 */
export function underPressure(options: PlannerOptions, pressure: number): PlannerOptions {
  if (pressure <= 1) return options;
  return {
    ...options,
    requestPrice: options.requestPrice * pressure,
    maxGapMs: options.maxGapMs * pressure,
  };
}
