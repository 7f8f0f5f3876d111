/**
 * How long a simulated request takes: a wait in Segmind's queue, then the inference itself.
 *
 * The inference time is lognormal around the model page's typical time (real generation times are
 * skewed: a long tail of slow ones, none below a floor). The queue wait is what Segmind's docs warn
 * about: usually short, and now and then a cold start of minutes while an idle model boots.
 */
export interface DurationModel {
  /** Spread of the inference time: 'tight' is uniform within +-15 %, a number is a lognormal's CV. */
  spread: 'tight' | number | { minCv: number; maxCv: number };
  queue: QueueWait;
  /** A share of requests that land on a cold model, waiting uniformly between minMs and maxMs. */
  coldStart?: { probability: number; minMs: number; maxMs: number };
}

export type QueueWait =
  /** The first `share` of the drawn time is spent QUEUED (the model page's time includes it). */
  | { kind: 'share'; share: number }
  | { kind: 'uniform'; maxMs: number }
  | { kind: 'exponential'; meanMs: number };

export interface DrawnDuration {
  queueMs: number;
  inferenceMs: number;
}

/**
 * Named worlds for the demo, tests and bench:polling. `tight` is what the simulator did before
 * (the first 10 % QUEUED, +-15 % spread): kept so old tests and the old bench can be compared.
 */
export const durationModels = {
  tight: { spread: 'tight', queue: { kind: 'share', share: 0.1 } },
  /** A warm model: a short wait that says nothing about the inference after it. */
  lognormal: { spread: 0.3, queue: { kind: 'exponential', meanMs: 500 } },
  queued: { spread: { minCv: 0.2, maxCv: 0.4 }, queue: { kind: 'uniform', maxMs: 20_000 } },
  'cold-start': {
    spread: 0.3,
    queue: { kind: 'exponential', meanMs: 1_500 },
    coldStart: { probability: 0.05, minMs: 60_000, maxMs: 240_000 },
  },
  /** Beyond what the targets promise: a model whose inference spreads with CV 0.5 (bench:polling's note). */
  wide: { spread: 0.5, queue: { kind: 'exponential', meanMs: 500 } },
  /** The demo's mix: mostly a short queue, one request in a hundred meets a cold model. */
  realistic: {
    spread: 0.3,
    queue: { kind: 'exponential', meanMs: 1_500 },
    coldStart: { probability: 0.01, minMs: 60_000, maxMs: 180_000 },
  },
} as const satisfies Record<string, DurationModel>;

export type DurationModelName = keyof typeof durationModels;

export function isDurationModelName(value: string): value is DurationModelName {
  return Object.hasOwn(durationModels, value);
}

/** A standard normal draw (Box-Muller), from the caller's seeded uniform source. */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A lognormal draw with the given mean and coefficient of variation. */
export function lognormal(meanMs: number, cv: number, random: () => number): number {
  if (cv <= 0) return meanMs;
  const sigma2 = Math.log(1 + cv * cv);
  return Math.exp(Math.log(meanMs) - sigma2 / 2 + Math.sqrt(sigma2) * normal(random));
}

function inferenceMs(model: DurationModel, typicalMs: number, random: () => number): number {
  const { spread } = model;
  if (spread === 'tight') return typicalMs * (0.85 + random() * 0.3);
  const cv = typeof spread === 'number' ? spread : spread.minCv + random() * (spread.maxCv - spread.minCv);
  return lognormal(typicalMs, cv, random);
}

/** One request's queue wait and inference time, in model time (before any time scale). */
export function drawDuration(model: DurationModel, typicalMs: number, random: () => number): DrawnDuration {
  const { queue, coldStart } = model;
  const drawn = inferenceMs(model, typicalMs, random);
  let wait = 0;
  let inference = drawn;
  if (queue.kind === 'share') {
    wait = drawn * queue.share;
    inference = drawn - wait;
  } else if (queue.kind === 'uniform') {
    wait = random() * queue.maxMs;
  } else {
    wait = -Math.log(1 - random()) * queue.meanMs;
  }
  if (coldStart && random() < coldStart.probability) {
    wait += coldStart.minMs + random() * (coldStart.maxMs - coldStart.minMs);
  }
  return { queueMs: wait, inferenceMs: inference };
}
