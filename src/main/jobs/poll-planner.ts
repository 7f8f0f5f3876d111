import { survival, type LogNormal } from './lognormal.ts';
import { pooledPrice } from './pooled-price.ts';
import {
  curvesOf,
  gapBoundMs,
  GRID_MS,
  HORIZON_MS,
  NEGLIGIBLE,
  queuedGapMs,
  SHARP_SWITCH_MS,
  priceWithin,
  solve,
  unusualQueueGapMs,
  widened,
  type Curves,
} from './poll-schedule.ts';

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
  /**
   * The finished requests of this kind the estimator keeps, oldest first: what a request's price is
   * pooled over (see pooledPrice). A new array whenever one is learned, so it names the beliefs too.
   */
  history: readonly FinishedRequest[];
}

/** One finished request as the estimator keeps it: the inference alone when its switch was watched. */
export interface FinishedRequest {
  totalMs: number;
  inferenceMs: number | null;
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
  /**
   * request-budget.ts's pressure: a request costs that many times more, and the bound on late
   * notices (maxGapMs), which no budget this tight can pay for, widens with it.
   */
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
  return priceWithin((price) => solve(curves, price, options).requests, allowance, {
    lo: 0.5,
    hi: 4_000,
    steps: 16,
  });
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
  basis: Reckoning,
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
  const curves = curvesOf(
    basis.d,
    Math.max(1, firstProcessingAt - basis.offset),
    options,
    2 * (basis.offset - basis.earliest),
  );
  const price =
    curves && allowance > 1
      ? Math.min(options.requestCostMs, priceForRequests(curves, allowance, options))
      : options.requestCostMs;
  if (prices.size >= PRICES_KEPT) prices.clear();
  prices.set(key, price);
  return price;
}

/**
 * What a request costs this plan, before the budget's pressure: where the server says PROCESSING,
 * one price for all requests of the kind if their queues differ enough to pool (pooledPrice), else
 * each request prices its own allowance (anchoredPrice).
 */
function priceOf(
  observation: PollObservation,
  beliefs: DurationBeliefs,
  basis: Reckoning,
  options: PlannerOptions,
): number {
  if (options.requestShare === null || !beliefs.reportsProcessing) return options.requestCostMs;
  const pooled = pooledPrice(beliefs, options, options.requestShare);
  return pooled ?? anchoredPrice(observation, beliefs, basis, options);
}

/** The next poll for a request not finished by `now`. */
function planOn(reckoning: Reckoning, now: number, price: number, options: PlannerOptions): number {
  const { d, offset, earliest } = reckoning;
  const curves = curvesOf(d, Math.max(1, now - offset), options, 2 * (offset - earliest));
  if (!curves) return now + gapBoundMs(options);
  return now + solve(curves, price, options).step * GRID_MS;
}

/** The finish is `offset + X`, X ~ `d`; `offset` lies between `earliest` and as far after it again. */
interface Reckoning {
  d: LogNormal;
  offset: number;
  earliest: number;
}

type Basis =
  | ({ kind: 'finish' } & Reckoning)
  /** Still queued where the switch is worth watching; `fallback` reckons a usual wait's finish. */
  | { kind: 'queued'; fallback: Reckoning | null };

/**
 * What the finish is reckoned from. Where queue waits are short and steady the switch says little
 * the whole duration does not, and an anchor placed mid-bracket would only add error: the time since
 * the submit alone. Where waits matter, or one has run far past the usual (a cold model booting), the
 * switch to PROCESSING is watched for and, once seen, anchors the inference that follows.
 */
function basisOf(observation: PollObservation, beliefs: DurationBeliefs): Basis {
  const { submittedAt, lastQueuedAt, firstProcessingAt } = observation;
  const fromSubmit = { d: beliefs.total, offset: submittedAt, earliest: submittedAt };
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
      earliest: after,
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
    const price = priceOf(observation, beliefs, basis, options) * options.requestPrice;
    return planOn(basis, now, price, options);
  }
  // Nothing can finish before the switch plus an inference: watch for the switch.
  return now + (basis.fallback ? queuedGapMs(beliefs, options) : unusualQueueGapMs(beliefs, options));
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
  return { ...options, requestPrice: options.requestPrice * pressure };
}
