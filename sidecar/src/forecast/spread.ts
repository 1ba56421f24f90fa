/**
 * The multi-step interval's width from the model's own h-step errors over the recent training window.
 * The model's h-step variance (psi weights times the calibrated one-step scale) assumes the model is
 * right all the way out. It is not: a differenced model of a level that in fact reverts keeps
 * widening its band as a random walk's would (on the shape suite the 60-step intervals of such fits,
 * trend + AR noise, daily @1m, NAB ec2, grok and rds, needed only 0.06-0.6 of their width for 95%
 * coverage), and a model that misses a drift (an ARIMA without it on a counter's climb) or a level
 * that steps errs h steps out by far more than its psi weights say (a counter's 60-step interval held
 * 14% of what followed once its one-step band was calibrated). What the model's forecasts from past
 * origins actually missed by, h steps out, is the width, both ways, as the one-step band is the
 * held-out one-step errors' (until 2026-12-02 it was only a cap on the psi width: issue 18, cover18).
 *
 * The errors are read relative to the model's one-step errors measured the same way: the width is
 * the calibrated one-step scale times (h-step error / one-step error), both 95% quantiles of |error|
 * over the same stretch. The ratio is what carries over: the stretch mixes in-sample points (where
 * the seasonal decomposition has absorbed some noise, so every error there is smaller than it will
 * be) with the held-out tail, and may reach back to a calmer or noisier regime than the one the
 * one-step band was calibrated on. Spikes count in both, as they do in the one-step band (fit.ts,
 * calibrateOnTail: a spike is what the band will meet, but does not move the state): a ratio of
 * errors without them, put to a band with them, widened every horizon by the spikes' share of the
 * band (NAB grok, 2.5% of whose window are bursts on a floor: 60-step coverage 0.975, every miss
 * above; with the spikes counted 0.970; stop 39). Before that the cap was the spread of the values' own
 * h-step changes, |x_{t+h} - x_t|, in model units: the error of carrying the last value forward,
 * which counts the noise of the last value as well as that of the target, so on noise around a
 * level it was sqrt(2) too wide (60-step coverage 0.98-0.99 on NAB ec2, grok and rds).
 */
import { BREAK_MARGIN } from './breaks.js';
import { zFor } from './calibration.js';

const NO_BREAKS: readonly number[] = [];

/** Horizons (steps) the errors are measured at; others are interpolated between them (log-log). */
export const SPREAD_HORIZONS: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Most recent points measured on: the level a forecast starts from changes over longer stretches. */
export const SPREAD_POINTS = 2000;
/** Forecast origins sampled in that stretch: enough for a 95% quantile, few enough to be cheap. */
export const SPREAD_ORIGINS = 250;
/** Fewest errors for a horizon to be measured; longer horizons are left to the psi weights. */
export const SPREAD_MIN_ERRORS = 100;
/** Points the filter runs over before the stretch, so its state has forgotten where it started. */
const WARM_UP = 200;
/** Fewest points a filter has seen before its errors count (a short window has no warm-up before it). */
const MIN_SEEN = 50;
/** Observed values a filter is given before it may be fed a gap: enough levels for d = 2. */
const LEADING_VALUES = 2;
/** The quantile of |error| taken, expressed as a normal scale (divided by its z). */
const SPREAD_LEVEL = 0.95;

export interface Spread {
  /**
   * At SPREAD_HORIZONS[i] for each i: the model's h-step |error| SPREAD_LEVEL quantile over its z
   * (model units). Only the horizons are implied, not stored: a watched series keeps one of these,
   * and 100,000 of them are watched.
   */
  sigma: number[];
  /** The one-step figure measured the same way: the width is relative to it. */
  oneStep: number;
}

/** What the innovation form of the h-step errors needs of a model's filter. */
export interface InnovationFilter {
  /** The one-step error of `value` (null on a gap), the state then moved on. */
  observe(value: number | null): number | null;
  /** Weights of past innovations in the value j steps on: x_{t+h} - f_t(h) = sum_{j<h} psi_j e_{t+h-j}. */
  psi(h: number): Float64Array;
  /** The forecast of the next value, the state not moved: a spike's one-step error is taken against it. */
  peek(): number;
}

/**
 * The SPREAD_LEVEL quantile of the first `count` values of `errors` over z, sorted in place. The
 * errors are kept in typed arrays: measureSpread runs in a fit worker's first requests, and plain
 * arrays there took the element kind of whatever the first values were (small integers on a count
 * series, doubles elsewhere), so code V8 compiled for one kind was thrown away at the other and
 * compiled again, 20-35 ms a time, in the first fits a request meets.
 */
function scaleOf(errors: Float64Array, count: number, z: number): number {
  const sorted = errors.subarray(0, count).sort();
  // R's type 7, as calibration.ts's quantile, on a typed array of its own so that one's feedback stays apart.
  const h = (count - 1) * SPREAD_LEVEL;
  const lo = Math.floor(h);
  const hi = Math.min(count - 1, lo + 1);
  return (sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)) / z;
}

/**
 * Whether the forecast from origin t to t + h spans one of `breaks` (ascending indices of the first point after
 * each; breaks.ts), give or take BREAK_MARGIN steps.
 */
function spansBreak(breaks: readonly number[], t: number, h: number): boolean {
  for (const b of breaks) {
    if (b + BREAK_MARGIN <= t) continue;
    return t + h >= b - BREAK_MARGIN;
  }
  return false;
}

/**
 * The h-step |errors| from every sampled origin, one typed array per horizon: the first counts[i]
 * values of the i-th (`counts` is filled in; an object returned with both cost a deoptimisation
 * at every call of a worker's first fits on a gappy series). A target that is a spike (a gap in `x`
 * with a number in `spikeErrors`, its one-step error) errs by that error on top of the earlier
 * innovations' part: the filter stepped over it on its forecast, whose innovation is zero.
 */
function hStepErrors(
  psi: Float64Array,
  innovations: Float64Array,
  x: Float64Array,
  from: number,
  warmFrom: number,
  counts: Int32Array,
  breaks: readonly number[],
  spikeErrors: Float64Array | undefined,
): Float64Array[] {
  const n = x.length;
  const stride = Math.max(1, Math.floor((n - from) / SPREAD_ORIGINS));
  const origins = Math.ceil((n - from) / stride);
  const errors = SPREAD_HORIZONS.map(() => new Float64Array(origins));
  for (let t = from; t < n; t += stride) {
    if (t - warmFrom < MIN_SEEN || Number.isNaN(x[t]!)) continue;
    for (let i = 0; i < SPREAD_HORIZONS.length; i++) {
      const h = SPREAD_HORIZONS[i]!;
      if (t + h >= n) break;
      let e = 0;
      if (Number.isNaN(x[t + h]!)) {
        if (spikeErrors === undefined || Number.isNaN(spikeErrors[t + h]!)) continue;
        e = spikeErrors[t + h]!;
      }
      if (spansBreak(breaks, t, h)) continue;
      for (let j = 0; j < h; j++) e += psi[j]! * innovations[t + h - j]!;
      errors[i]![counts[i]!++] = Math.abs(e);
    }
  }
  return errors;
}

/**
 * The h-step errors of a model over the last SPREAD_POINTS points of `x` (model units, gaps and
 * spikes as NaN; `spikes` holds the spikes' values, in the same units, and NaN elsewhere). `filter`
 * has seen nothing and carries the fitted coefficients; it steps over a spike on its forecast, and
 * the spike's error counts. Its one-step innovations are collected in one pass; the error of the
 * forecast from origin t at h steps is then sum_{j<h} psi_j e_{t+h-j} exactly, for a linear filter
 * with its coefficients fixed (a gap's innovation is zero: the filter moved on its forecast), so no
 * forecast is run from any origin. Undefined when no horizon has enough errors (a short window: the
 * psi weights alone). With `breaks` (indices into `x` of the first point after each level shift,
 * breaks.ts), the errors of forecasts that span one are left out, one-step errors too: what is
 * measured is the no-break part of the interval, and the breaks' part is added
 * by their chance (breakHalfWidth).
 */
export function measureSpread(
  filter: InnovationFilter,
  x: Float64Array,
  breaks: readonly number[] = NO_BREAKS,
  spikes?: Float64Array,
): Spread | undefined {
  const n = x.length;
  const from = Math.max(0, n - SPREAD_POINTS);
  const warmFrom = Math.max(0, from - WARM_UP);
  const innovations = new Float64Array(n);
  const ones = new Float64Array(n - from);
  const spikeErrors = spikes ? new Float64Array(n).fill(Number.NaN) : undefined;
  let oneCount = 0;
  let fed = 0;
  for (let t = warmFrom; t < n; t++) {
    const v = x[t]!;
    // A filter cannot step over a gap before it has levels to difference (d <= 2); the errors
    // counted all come after MIN_SEEN points, so leading gaps are simply not fed.
    if (Number.isNaN(v) && fed < LEADING_VALUES) continue;
    fed++;
    const counted = t >= from && t - warmFrom >= MIN_SEEN && !spansBreak(breaks, t - 1, 1);
    if (spikeErrors && Number.isNaN(v) && !Number.isNaN(spikes![t]!)) {
      const spikeError = spikes![t]! - filter.peek();
      if (Number.isFinite(spikeError)) {
        spikeErrors[t] = spikeError;
        if (counted) ones[oneCount++] = Math.abs(spikeError);
      }
    }
    const e = filter.observe(Number.isNaN(v) ? null : v);
    if (e === null || !Number.isFinite(e)) continue;
    innovations[t] = e;
    if (counted) ones[oneCount++] = Math.abs(e);
  }
  if (oneCount < SPREAD_MIN_ERRORS) return undefined;
  const psi = filter.psi(SPREAD_HORIZONS[SPREAD_HORIZONS.length - 1]!);
  const counts = new Int32Array(SPREAD_HORIZONS.length);
  const errors = hStepErrors(psi, innovations, x, from, warmFrom, counts, breaks, spikeErrors);
  const z = zFor(SPREAD_LEVEL);
  const oneStep = scaleOf(ones, oneCount, z);
  if (!(oneStep > 0) || !Number.isFinite(oneStep)) return undefined;
  const sigma: number[] = [];
  for (let i = 0; i < errors.length; i++) {
    if (counts[i]! < SPREAD_MIN_ERRORS) break;
    const s = scaleOf(errors[i]!, counts[i]!, z);
    if (!(s > 0) || !Number.isFinite(s)) break;
    sigma.push(s);
  }
  return sigma.length > 0 ? { sigma, oneStep } : undefined;
}

/**
 * The h-step scale (h >= 1 steps ahead) for a model whose calibrated one-step scale is `oneStepSigma`,
 * from its measured h-step errors: undefined at one step, past the last measured horizon and without
 * a spread (the psi weights then say it); the first measured scale below it; log-log interpolated
 * between measured horizons.
 */
export function spreadScale(spread: Spread | undefined, h: number, oneStepSigma: number): number | undefined {
  if (!spread || h <= 1) return undefined;
  const { sigma, oneStep } = spread;
  const unit = oneStepSigma / oneStep;
  const horizons = SPREAD_HORIZONS;
  if (h <= horizons[0]!) return unit * sigma[0]!;
  for (let i = 1; i < sigma.length; i++) {
    if (h > horizons[i]!) continue;
    const w = Math.log(h / horizons[i - 1]!) / Math.log(horizons[i]! / horizons[i - 1]!);
    return unit * Math.exp((1 - w) * Math.log(sigma[i - 1]!) + w * Math.log(sigma[i]!));
  }
  return undefined;
}
