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
}

export const defaultPlannerOptions: PlannerOptions = {
  requestCostMs: 26,
  minGapMs: 100,
  maxGapMs: 1_800,
  plausible: 1e-4,
  tailCaution: 1.3,
};

/** While QUEUED, poll often enough to catch the switch well before the quickest inference could end. */
function queuedGapMs(beliefs: DurationBeliefs, options: PlannerOptions): number {
  return Math.min(
    options.maxGapMs,
    Math.max(options.minGapMs * 2.5, quantileOf(beliefs.inference, 0.01) / 3),
  );
}

/** Grid of the planning step: fine next to any gap worth taking, coarse enough to plan in well under 1 ms. */
const GRID_MS = 50;
/** Planning looks this far ahead at most; beyond it, the bounded worst case takes over. */
const HORIZON_MS = 600_000;
/** Survival below this (relative to now) ends the planning horizon. */
const NEGLIGIBLE = 1e-5;
/** A request still running where the fit gives it less than this chance is beyond the fit. */
const BEYOND_FIT = 1e-4;

/**
 * The next poll for a request whose finish is `offset + X`, X ~ `d`, known not to have finished by
 * `now`: the first step of the schedule that minimises expected noticing delay plus `requestCostMs`
 * per request, found by dynamic programming over a grid (the same recursion bench:polling's optimal
 * blind poller uses, here on what this request's polls have seen). A gap longer than maxGap is allowed
 * only while a finish that it would notice more than maxGap late is implausible (no point asking
 * about a 10 s job at 2 s), so the worst case stays bounded. Costs about G x (maxGap / grid) steps,
 * G a few hundred: well under a millisecond.
 */
function planOn(d: LogNormal, offset: number, now: number, options: PlannerOptions): number {
  const x0 = Math.max(1, now - offset);
  const s0 = survival(d, x0);
  // Far past anything the fit has seen (an estimate too short, a stalled request): its tail says
  // nothing trustworthy any more; keep asking at the bounded worst case.
  if (!(s0 > BEYOND_FIT)) return now + options.maxGapMs;
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
  // Expected finish time inside cell k is taken as its middle.
  const prefix = new Float64Array(last + 1);
  for (let k = 1; k <= last; k++) {
    prefix[k] = prefix[k - 1]! + (relative[k - 1]! - relative[k]!) * (k - 0.5) * GRID_MS;
  }
  const minStep = Math.max(1, Math.round(options.minGapMs / GRID_MS));
  const maxStep = Math.max(minStep, Math.floor(options.maxGapMs / GRID_MS));
  const cost = new Float64Array(last + 1);
  const next = new Int32Array(last + 1).fill(last);
  for (let i = last - 1; i >= 0; i--) {
    const si = relative[i]!;
    if (si <= 0) continue;
    let best = Number.POSITIVE_INFINITY;
    for (let j = Math.min(last, i + minStep); j <= last; j++) {
      // A finish more than maxGap before the poll at j is one noticed too late: a gap that long is
      // taken only while such a finish (between i and j - maxGap) stays implausible.
      if (j - i > maxStep && guard[i]! - guard[j - maxStep]! >= options.plausible * guard[i]!) break;
      const c =
        options.requestCostMs * si + j * GRID_MS * (si - relative[j]!) - (prefix[j]! - prefix[i]!) + cost[j]!;
      if (c < best) {
        best = c;
        next[i] = j;
      }
    }
    cost[i] = best;
  }
  return now + next[0]! * GRID_MS;
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
  if (basis.kind === 'finish') return planOn(basis.d, basis.offset, now, options);
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
    requestCostMs: options.requestCostMs * pressure,
    maxGapMs: options.maxGapMs * pressure,
  };
}
