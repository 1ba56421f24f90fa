/**
 * Tail probabilities and the map from "how surprising" to an anomaly score in [0, 1]. Pure
 * functions, shared by the streaming detectors and the bands API (which scores points one by one).
 */
import { HALF_SCORE_DECADES, decadesFromScore, scoreFromDecades } from '@ntma/contract';

/**
 * ln erfc(x) for x >= 0, from a Chebyshev-fitted form t·exp(-x² + P(t)) whose relative error is
 * below 1.2e-7 everywhere. Working in logs keeps far-tail residuals (20σ spikes) distinguishable
 * instead of all rounding to probability 0.
 */
export function logErfc(x: number): number {
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const poly =
    -1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const logValue = Math.log(t) - ax * ax + poly;
  // erfc(-x) = 2 - erfc(x); only reached for negative inputs.
  return x >= 0 ? logValue : Math.log(2 - Math.exp(logValue));
}

/** log10 of P(|Z| >= |z|) for a standard normal Z. */
export function log10TwoSidedNormalTail(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 0 : Number.NEGATIVE_INFINITY;
  return logErfc(Math.abs(z) / Math.SQRT2) / Math.LN10;
}

/** log10 of P(Z >= z) for a standard normal Z. */
export function log10UpperNormalTail(z: number): number {
  if (Number.isNaN(z)) return 0;
  if (z === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  if (z <= 0) return Math.log10(1 - 0.5 * Math.exp(logErfc(-z / Math.SQRT2)));
  return (logErfc(z / Math.SQRT2) - Math.LN2) / Math.LN10;
}

/**
 * The score's meaning (e / (e + HALF_SCORE_DECADES) with e = -log10 p) is the contract's, shared
 * with the panel and the dashboards; these adapt it to log10 p as the detectors carry it.
 */
export { HALF_SCORE_DECADES };

/** Maps a tail probability (given as log10 p <= 0) to a score in [0, 1). */
export function scoreFromLog10Tail(log10p: number): number {
  return scoreFromDecades(-log10p);
}

/** Inverse of scoreFromLog10Tail: the log10 tail probability a score stands for. */
export function log10TailFromScore(score: number): number {
  const decades = decadesFromScore(score);
  return decades === 0 ? 0 : -decades; // never -0
}

/**
 * The score of one standardised residual on its own (two-sided Gaussian tail), for callers that
 * have a band but no stream history, e.g. the bands API.
 */
export function scoreFromResidual(residual: number | null): number {
  if (residual === null || Number.isNaN(residual)) return 0;
  return scoreFromLog10Tail(log10TwoSidedNormalTail(residual));
}

/** The z with P(Z >= z) = p for a standard normal Z, by bisection on the tail (0 < p < 1). */
export function upperNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  const target = Math.log10(p);
  let lo = -40;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i += 1) {
    const mid = (lo + hi) / 2;
    if (log10UpperNormalTail(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
