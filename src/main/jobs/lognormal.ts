/**
 * A lognormal duration: ln(ms) ~ Normal(mu, sigma). Generation times are skewed (a tail of slow ones,
 * nothing below a floor), and a lognormal fits that shape with two numbers that robust statistics of
 * log samples (median, interquartile range) estimate well from a few dozen jobs.
 */
export interface LogNormal {
  mu: number;
  sigma: number;
}

export function logNormalFromMean(meanMs: number, cv: number): LogNormal {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(meanMs) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

export function meanOf(d: LogNormal): number {
  return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
}

export function quantileOf(d: LogNormal, q: number): number {
  return Math.exp(d.mu + d.sigma * normalQuantile(q));
}

/**
 * erfc(x) to about 1e-7 relative (Numerical Recipes' Chebyshev fit). Relative accuracy in the far
 * tail matters here: the planner divides the density by the survival, both tiny for late jobs.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(T > ms). */
export function survival(d: LogNormal, ms: number): number {
  if (ms <= 0) return 1;
  return 0.5 * erfc((Math.log(ms) - d.mu) / (d.sigma * Math.SQRT2));
}

/** The density of T at ms. */
export function density(d: LogNormal, ms: number): number {
  if (ms <= 0) return 0;
  const z = (Math.log(ms) - d.mu) / d.sigma;
  return Math.exp(-0.5 * z * z) / (ms * d.sigma * Math.sqrt(2 * Math.PI));
}

/** The chance per ms that T ends now, given it has not ended yet. */
export function hazard(d: LogNormal, ms: number): number {
  const s = survival(d, ms);
  return s > 0 ? density(d, ms) / s : Number.POSITIVE_INFINITY;
}

/** Acklam's rational approximation of the standard normal quantile (|error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
