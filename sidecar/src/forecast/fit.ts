/**
 * The forecasting engine: a variance-stabilising transform where the noise grows with the level
 * (transform.ts), MSTL removes the seasons found in the data (periods.ts), and ARIMA, its order
 * from a stepwise AICc search with drift where it pays (arima-order.ts), models what is left (as
 * R's `stlf(method = "arima")` does). Every fit is checked, and the chain falls back
 * ARIMA -> exponential smoothing -> seasonal naive. Pure and synchronous; callers that must not
 * block run it in the worker pool (pool.ts).
 *
 * The training window is split: the model is fitted on all but a held-out tail, its one-step
 * errors on that tail calibrate the band, and the filter is then advanced through the tail so
 * the returned model is positioned right after the last training point (one ARIMA fit, not two).
 * Where there are seasons, they are then decomposed again over the whole window and the ARIMA,
 * its coefficients kept, re-run on the new adjusted values: a season carried forward from
 * before the tail cost up to 20% in 60-step MASE on the shape suite (redecomposed()). Where asked
 * (`endOutliers`), each of the window's last two points moves that state by at most a large ordinary
 * innovation unless the held-out tail says an outlier's move lasts (end-outliers.ts).
 */
import { ARIMA_ORDER_MAX } from '@ntma/contract';
import { ArimaFilter, burstSetting, type ArimaParams } from './arima-filter.js';
import { mstl, seasonNoise, type SeasonNoise } from './mstl.js';
import {
  differencingOrder,
  fitOrder,
  OrderFitMemo,
  overDifferenced,
  SEARCH_MAX_FITS,
  searchOptimizer,
  stepwiseSearch,
  type OrderAttempt,
  type SearchResult,
} from './arima-order.js';
import { ARIMA_MAX_POINTS, ArimaMethod, type ArimaOptimizer, type ArimaOrder } from './arima-wasm.js';
import {
  bandScale,
  empiricalCalibration,
  MIN_CALIBRATION_ERRORS,
  symmetricCalibration,
  zFor,
  type Calibration,
} from './calibration.js';
import { findBreaks, tailShifts, type TailShifts } from './breaks.js';
import { clippingCheck, clippingPays, END_OUTLIER, observeClipped } from './end-outliers.js';
import { recogniseCounter, type CounterReading } from './counter.js';
import { ForecastError } from './errors.js';
import {
  ComposedModel,
  restoreFilter,
  restoreModel,
  seasonalAt,
  stateOf,
  type FitDiagnostics,
  type ModelSnapshot,
  type RemainderState,
} from './model.js';
import { NaiveFilter } from './naive.js';
import { removeSeasonality } from './seasonality.js';
import { fillGaps, findSpikes, normalise, observedCount, scalingOf, toSeries, type Scaling } from './series.js';
import { fitSes, SesFilter } from './ses.js';
import { measureSpread, type InnovationFilter, type Spread } from './spread.js';
import {
  bandEdges,
  chooseTransform,
  COUNT_ROOT_SHIFT,
  countRootError,
  errorsGrowWithLevel,
  forward,
  intervalScore,
  wholeNumbers,
  type HeldOutBand,
  type TransformChoice,
  type TransformKind,
} from './transform.js';
import type { Fit, FitSpec, ModelChoice } from './types.js';

/** Bounds on an explicit order (the contract's); larger ones overfit a remainder and slow ctsa down. */
export const MAX_ORDER: Readonly<ArimaOrder> = ARIMA_ORDER_MAX;
/** Observed values below which only seasonal naive is tried. */
export const MIN_MODEL_POINTS = 40;
/** Share of gaps above which interpolated data would be modelled rather than traffic. */
export const MAX_GAP_FRACTION = 0.5;
/**
 * Points of the deseasonalised series given to ctsa. With d = 0 ctsa's mean regression is
 * quadratic in the length (an N x N QR), so stationary fits take a shorter recent stretch.
 */
export const ARIMA_TAIL = { stationary: 1000, differenced: 4000 } as const;
/**
 * Points the order search fits on (the most recent; the filter still runs over ARIMA_TAIL): the
 * stepwise search spends up to SEARCH_MAX_FITS fits, and ctsa's time is what a fit costs.
 * A few hundred points pin down the handful of ARMA coefficients as well as thousands do.
 */
export const SEARCH_TAIL = { stationary: 500, differenced: 1500 } as const;
/** Held-out share of the training window for calibration, and its bounds in points. */
const CALIBRATION_SHARE = 0.2;
const CALIBRATION_MIN = 20;
const CALIBRATION_MAX = 1440;

/** Points of a window of `n` held out to calibrate the band: its last fifth, 20 to 1,440 of them. */
export function heldOutTailLength(n: number): number {
  return Math.min(CALIBRATION_MAX, Math.max(CALIBRATION_MIN, Math.round(CALIBRATION_SHARE * n)));
}

interface Stage {
  name: string;
  family: 'arima' | 'ets';
  remainder: RemainderState;
  /** In-sample innovation scale (normalised units): the fit's RMS, which the burst rule and the checks read. */
  sigma: number;
  /**
   * The scale the one-step band's floor is measured against (calibration.ts): `sigma`, unless a few gross
   * errors (a counter's reset, a jump of the level by thousands of its noise) dominate it; then the RMS of the
   * other in-sample innovations. On the shape suite's counter a reset made the floor 4,000x the held-out
   * errors' scale and the band held every point.
   */
  bandSigma: number;
  /** The differences a drift is the mean of (0: no drift): the forecast's slope is uncertain by their count. */
  driftSteps: number;
}

/**
 * How many times the 95% quantile of the in-sample |innovations| an error may be and still count in the
 * scale the band's floor reads: no noise a 95% band is drawn for has a tail that long (a Cauchy's, at
 * 0.05% of its points), so only breaks are left out: a counter's reset (10^3-10^6 times its increments'
 * noise on the shape suite's counter), a jump of the level by orders of magnitude.
 */
export const GROSS_ERROR_FACTOR = 100;

/**
 * The RMS of the in-sample innovations without the gross errors (see GROSS_ERROR_FACTOR), from the
 * first `count` of `absErrors`, which it sorts in place: each caller collects them for this alone, in a
 * typed array (numeric sort without a comparator; calibration.ts's type-7 quantile, computed here so
 * that its feedback stays with its own callers' arrays).
 */
function floorSigma(absErrors: Float64Array, count: number, rms: number): number {
  if (count < MIN_CALIBRATION_ERRORS) return rms;
  const sorted = absErrors.subarray(0, count).sort();
  const h = (count - 1) * 0.95;
  const lo = Math.floor(h);
  const hi = Math.min(count - 1, lo + 1);
  const limit = GROSS_ERROR_FACTOR * (sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!));
  if (!(limit > 0) || sorted[count - 1]! <= limit) return rms;
  let ss = 0;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const e = sorted[i]!;
    if (e > limit) break;
    ss += e * e;
    kept++;
  }
  return Math.sqrt(ss / kept);
}

/**
 * A spec outside these bounds is the caller's bug (the HTTP schemas and the watchers' config check them
 * first), so it is a RangeError, not a client error: the forecaster knows nothing of requests.
 */
function validateSpec(spec: FitSpec): void {
  if (!(spec.stepSeconds > 0) || !Number.isFinite(spec.stepSeconds)) {
    throw new RangeError(`step: must be a positive number of seconds, got ${spec.stepSeconds}`);
  }
  if (!(spec.confidence > 0 && spec.confidence < 1)) {
    throw new RangeError(`confidence: must be in (0, 1), got ${spec.confidence}`);
  }
  const fits = spec.orderSearchFits;
  if (fits !== undefined && !(Number.isInteger(fits) && fits >= 1)) {
    throw new RangeError(`orderSearchFits: must be a whole number >= 1, got ${fits}`);
  }
  if (spec.model !== 'auto') {
    for (const key of ['p', 'd', 'q'] as const) {
      const v = spec.model[key];
      if (!Number.isInteger(v) || v < 0 || v > MAX_ORDER[key]) {
        throw new RangeError(`model: order ${key} must be an integer in 0..${MAX_ORDER[key]}, got ${v}`);
      }
    }
  }
}

function orderName({ p, d, q }: ArimaOrder): string {
  return `(${p},${d},${q})`;
}

function prefix(periods: number[]): string {
  return periods.length > 0 ? `mstl[${periods.join(',')}]+` : '';
}

/** The model name says the transform it works in: "log+mstl[1440]+arima(1,1,1)". */
function transformed(kind: TransformKind, name: string): string {
  return kind === 'none' ? name : `${kind}+${name}`;
}

/**
 * Chooses and fits the ARIMA order on the most recent stretch of the deseasonalised series.
 * `recent` is that series continued through the calibration tail: the unit-root test must see a
 * level shift there, or a stationary model reverts the whole tail to a level that is gone. It reads
 * the whole window, not only the stretch the ARIMA is fitted on: a level that moved anywhere in the
 * window can move again (a week trained up to Friday noon has its weekend 2.5-4 days back, outside
 * the last 4,000 points, and a stationary model then reverted the band to the weekday level all
 * Saturday: 0.49 coverage of that day, 0.95 with the whole week tested; issue 18).
 */
function chooseArima(
  deseasonalised: Float64Array,
  recent: Float64Array,
  choice: ModelChoice,
  attempts: OrderAttempt[],
  searchFits: number = SEARCH_MAX_FITS,
  counterSearch?: CounterSearch,
  memo?: OrderFitMemo,
): SearchResult & { start: number; driftSteps: number } {
  const d = choice === 'auto' ? differencingOrder(recent) : choice.d;
  const stretch = (order: number): { start: number; segment: Float64Array } => {
    const tail = Math.min(order === 0 ? ARIMA_TAIL.stationary : ARIMA_TAIL.differenced, ARIMA_MAX_POINTS);
    const start = Math.max(0, deseasonalised.length - tail);
    const searchTail = counterSearch?.points ?? (order === 0 ? SEARCH_TAIL.stationary : SEARCH_TAIL.differenced);
    return { start, segment: deseasonalised.subarray(Math.max(start, deseasonalised.length - searchTail)) };
  };
  const { start, segment } = stretch(d);
  const searchWith = searchOptimizer(segment, d);
  let best: SearchResult | undefined;
  if (choice === 'auto') {
    // Candidates are compared by true CSS (milliseconds each). Exact ML costs 10-100x more and is
    // spent only when no candidate converged under CSS, which happens near unit roots.
    best = stepwiseSearch(segment, d, ArimaMethod.Css, attempts, searchFits, searchWith, memo);
    if (!best) best = stepwiseSearch(segment, d, ArimaMethod.Ml, attempts, 2, searchWith, memo);
    if (best && d === 1 && overDifferenced(attempts)) {
      // The likelihood put the differenced level's MA(1) on its unit root: the level does not wander,
      // whatever KPSS said, and a differenced model would carry the last points' noise over the horizon.
      // The held-out tail (which the search did not see) can still show a level or a slope that moved;
      // there the differenced model is kept.
      const level = stretch(0);
      const stationary = stepwiseSearch(
        level.segment,
        0,
        ArimaMethod.Css,
        attempts,
        searchFits,
        searchOptimizer(level.segment, 0),
        memo,
      );
      if (stationary) {
        const undifferenced = heldOutPathError(stationary, level.start, deseasonalised, recent);
        const differenced = heldOutPathError(best, start, deseasonalised, recent);
        if (!(undifferenced > (1 + OVERDIFFERENCED_MARGIN) * differenced)) {
          return { ...stationary, start: level.start, driftSteps: 0 };
        }
      }
    }
  } else {
    for (const method of [ArimaMethod.Css, ArimaMethod.Ml]) {
      try {
        best = { order: choice, drift: false, fit: fitOrder(segment, choice, method) };
        attempts.push({ order: choice, drift: false, aicc: best.fit.aicc });
        break;
      } catch (error) {
        const label = method === ArimaMethod.Css ? 'css' : 'ml';
        attempts.push({ order: choice, drift: false, error: `${label}: ${(error as Error).message}` });
      }
    }
  }
  if (!best) throw new Error(`no ARIMA order converged (${attempts.length} tried)`);
  if (choice === 'auto' && best.drift && searchFits >= SEARCH_MAX_FITS && !counterSearch) {
    best = driftCheckedOnTail(best, segment, start, deseasonalised, recent, attempts, searchWith);
  }
  // A literal, not a spread: the spread's clone of the search result took another map in a warmed worker's first
  // fits, and arimaStage, compiled for the one it had seen, was thrown away and compiled again (15-45 ms).
  // fitOrder's drift is the mean of the segment's differences (driftOf).
  return {
    order: best.order,
    drift: best.drift,
    fit: best.fit,
    start,
    driftSteps: best.drift ? segment.length - 1 : 0,
  };
}

/**
 * How much worse on the held-out tail an undifferenced model may forecast than the differenced one
 * and still replace it where the MA unit root says the differencing was not needed: the likelihood
 * has spoken for it already, so the tail only overrules it when it clearly disagrees (the share the
 * transform must win by, TRANSFORM_MIN_GAIN). On NAB (six origins a day apart on every 5-minute
 * series, 162 fits) the rule without this check cost 60-step MASE 1.109 -> 1.137: a CPU series
 * whose differenced model with drift scored 0.18 got 1.37 undifferenced (issue 18, acc19).
 */
export const OVERDIFFERENCED_MARGIN = 0.05;
/** Forecast horizon, and the origins per horizon, of the held-out comparison. */
const HELD_OUT_PATH = { horizon: 60, originsPerHorizon: 6 } as const;

/**
 * Sum of the absolute errors of a fitted order's forecast paths over the held-out tail of `recent`
 * (the part past `fitted`): the filter runs over the fitted stretch from `start`, then through the
 * tail, forecasting up to HELD_OUT_PATH.horizon steps from evenly spaced origins. Infinite when the
 * tail is empty.
 */
function heldOutPathError(result: SearchResult, start: number, fitted: Float64Array, recent: Float64Array): number {
  const filter = ArimaFilter.start({ ...result.fit.coefficients, d: result.order.d });
  for (let i = start; i < fitted.length; i++) filter.observe(fitted[i]!);
  const horizon = Math.min(HELD_OUT_PATH.horizon, recent.length - fitted.length);
  if (horizon < 1) return Number.POSITIVE_INFINITY;
  const every = Math.max(1, Math.round(horizon / HELD_OUT_PATH.originsPerHorizon));
  let sum = 0;
  for (let i = fitted.length; i + horizon <= recent.length; i++) {
    if ((i - fitted.length) % every === 0) {
      const path = filter.forecast(horizon);
      for (let h = 0; h < horizon; h++) sum += Math.abs(recent[i + h]! - path[h]!);
    }
    filter.observe(recent[i]!);
  }
  return sum;
}

/**
 * A drift the AICc chose, kept only if the held-out tail's forecast paths do not clearly disagree
 * (OVERDIFFERENCED_MARGIN): otherwise the same order without drift. The AICc reads one-step errors, which a
 * drift of a few hundredths of the noise a step hardly moves, while over 60 steps it is the forecast's whole
 * slope. A level that steps now and then (the shape suite's level steps: a jump of 30 under noise of 2 every
 * 400 points, four of one sign in the fit part at origins 0 and 5) earns a drift in the AICc, the jumps spread
 * over the stretch as a slope, and the flat stretches between them are most of any horizon: there the drift
 * lost 60-step MASE 1.90 and 1.50 where the plain model had 0.91 and 0.76 (R's auto.arima takes the drift as
 * well, 1.79 and 1.14; issue 18, lvl22). A level that climbs (trend + AR noise) keeps it: its tail confirms it.
 * The plain fit is estimated as the search estimates (CSS, exact ML where CSS fails); where neither converges
 * the drift stays. Nor is it judged on a tail too short for HELD_OUT_PATH's six origins of a full horizon (a
 * window under 550 points): one path of under 60 steps is a coin toss, and on NAB it was the detector's
 * first fit of a day (288 points) on rds e47b3b whose drift it dropped, for a new false positive (77.5 -> 77.4).
 * Not for a bounded search (orderSearchFits) either: a quick first fit pays for no second opinion.
 */
function driftCheckedOnTail(
  best: SearchResult,
  segment: Float64Array,
  start: number,
  fitted: Float64Array,
  recent: Float64Array,
  attempts: OrderAttempt[],
  optimizer: ArimaOptimizer,
): SearchResult {
  const { order } = best;
  const { horizon, originsPerHorizon } = HELD_OUT_PATH;
  if (recent.length - fitted.length < horizon + (originsPerHorizon - 1) * Math.round(horizon / originsPerHorizon)) {
    return best;
  }
  for (const method of [ArimaMethod.Css, ArimaMethod.Ml]) {
    const retried = method === ArimaMethod.Ml ? { retried: 'ml' as const } : {};
    try {
      const plain: SearchResult = { order, drift: false, fit: fitOrder(segment, order, method, false, optimizer) };
      attempts.push({ order, drift: false, aicc: plain.fit.aicc, ...retried });
      const withDrift = heldOutPathError(best, start, fitted, recent);
      const without = heldOutPathError(plain, start, fitted, recent);
      return withDrift > (1 + OVERDIFFERENCED_MARGIN) * without ? plain : best;
    } catch (error) {
      attempts.push({ order, drift: false, error: `drift check: ${(error as Error).message}`, ...retried });
    }
  }
  return best;
}

function range(x: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of x) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Forecasts must stay finite and near the data: ctsa's silent failures show up as 1e25. */
function checkBounded(path: number[], data: Float64Array): void {
  const { min, max } = range(data);
  const room = 10 * Math.max(max - min, 1);
  for (const v of path) {
    if (!Number.isFinite(v) || v < min - room || v > max + room) {
      throw new Error(`forecast ${v} leaves the data range [${min.toPrecision(4)}, ${max.toPrecision(4)}]`);
    }
  }
}

function checkVariance(sigma: number, data: Float64Array): void {
  if (!Number.isFinite(sigma) || !(sigma > 1e-9)) throw new Error(`degenerate residual scale (${sigma})`);
  let ss = 0;
  for (let i = 1; i < data.length; i++) ss += (data[i]! - data[i - 1]!) ** 2;
  const diffScale = Math.sqrt(ss / Math.max(1, data.length - 1));
  // A model that predicts worse than "same as last value" by this much is broken, not unlucky.
  if (sigma > 3 * Math.max(diffScale, 1e-9)) {
    throw new Error(`residual scale ${sigma.toPrecision(3)} exceeds 3x the naive scale ${diffScale.toPrecision(3)}`);
  }
}

function arimaStage(
  deseasonalised: Float64Array,
  recent: Float64Array,
  gaps: Float64Array,
  choice: ModelChoice,
  periods: number[],
  burstScale: { stepSeconds: number; level: number },
  diagnostics: FitDiagnostics,
  searchFits?: number,
  counterSearch?: CounterSearch,
  memo?: OrderFitMemo,
): Stage {
  const attempts: OrderAttempt[] = [];
  try {
    const { order, drift, fit, start, driftSteps } = chooseArima(
      deseasonalised,
      recent,
      choice,
      attempts,
      searchFits,
      counterSearch,
      memo,
    );
    const sigma = Math.sqrt(fit.sigma2);
    // The fitted model's state steps over a short burst of gross outliers (arima-filter.ts).
    const burst = burstSetting(sigma, burstScale.stepSeconds, burstScale.level);
    const filter = ArimaFilter.start({ ...fit.coefficients, d: order.d, ...(burst ? { burst } : {}) });
    // Gaps advance on the forecast even though ctsa saw interpolated values there; only the
    // first d + p points, before the filter can forecast, take the interpolated value.
    const absErrors = new Float64Array(deseasonalised.length - start);
    let count = 0;
    for (let i = start; i < deseasonalised.length; i++) {
      const gap = Number.isNaN(gaps[i]!);
      const e = filter.observe(gap && filter.warm ? null : deseasonalised[i]!);
      if (!gap && e !== null && Number.isFinite(e)) absErrors[count++] = Math.abs(e);
    }
    checkVariance(sigma, deseasonalised.subarray(start));
    checkBounded(filter.forecast(Math.max(60, ...periods)), deseasonalised.subarray(start));
    return {
      name: `${prefix(periods)}arima${orderName(order)}${drift ? '+drift' : ''}`,
      family: 'arima',
      remainder: { kind: 'arima', filter: filter.state() },
      sigma,
      bandSigma: floorSigma(absErrors, count, sigma),
      driftSteps,
    };
  } finally {
    diagnostics.orders.push(
      ...attempts.map(({ order, drift, aicc, error, retried }) => ({
        order: `${orderName(order)}${drift ? '+drift' : ''}${retried ? ` by ${retried}` : ''}`,
        ...(aicc === undefined ? {} : { aicc }),
        ...(error ? { error } : {}),
      })),
    );
  }
}

function etsStage(deseasonalised: Float64Array, gaps: Float64Array, periods: number[]): Stage {
  const filter = fitSes(deseasonalised);
  let ss = 0;
  const absErrors = new Float64Array(deseasonalised.length);
  let count = 0;
  for (let i = 0; i < deseasonalised.length; i++) {
    const e = filter.observe(Number.isNaN(gaps[i]!) ? null : deseasonalised[i]!);
    if (e !== null && i > 0) {
      ss += e * e;
      absErrors[count++] = Math.abs(e);
    }
  }
  const sigma = Math.sqrt(ss / Math.max(1, count));
  checkVariance(sigma, deseasonalised);
  checkBounded(filter.forecast(1), deseasonalised);
  return {
    name: `${prefix(periods)}ets(A,N,N)`,
    family: 'ets',
    remainder: { kind: 'ets', filter: filter.state() },
    sigma,
    bandSigma: floorSigma(absErrors, count, sigma),
    driftSteps: 0,
  };
}

/**
 * The last cycle of each seasonal component, what the model carries forward. A loop rather than a
 * `map` callback: a closure that runs once or twice per fit had no type feedback yet after the warm-up,
 * and the function TurboFan had inlined it into was thrown away at a worker's first requests.
 */
function lastCycles(seasonals: Float64Array[], periods: number[]): number[][] {
  const cycles: number[][] = [];
  for (let i = 0; i < seasonals.length; i++) {
    const s = seasonals[i]!;
    cycles.push(Array.from(s.subarray(s.length - periods[i]!)));
  }
  return cycles;
}

/**
 * The seasonal window, in cycles, of the decomposition a stationary remainder's forecast carries
 * (R's is 11). STL's seasonal at the end of the window is a one-sided average over the last cycles,
 * and its last cycle is carried over the whole horizon: on the shape suite's 4-hour cycle (a fixed
 * sine under AR(1) noise, 12 cycles) that cycle was off the generator's sine by an RMS of 0.9 against
 * the noise's 2.5, and carrying the true sine instead would lower the 60-step MASE 1.179 -> 1.120 at
 * 32 origins: most of what NTMA and R (the same decomposition to 1e-12) lose there. Where the level is
 * stationary (d = 0) the season can average more cycles; where it wanders (d = 1) a wider window cost
 * accuracy (daily @1m 1.383 -> 1.410, daily @5m 1.504 -> 1.524 at 32 origins), so R's window stays
 * there. 21 rather than wider: most of the gain (cycle 1.182 -> 1.160 at 64 origins, 41 cycles 1.154;
 * Poisson 1.016 -> 0.994, 0.989) while a season that drifts over a long window is still followed
 * (issue 18, cyc21).
 */
export const STATIONARY_SEASONAL_WINDOW = 21;

/**
 * The share of an innovation a once-differenced ARIMA's level keeps for good, θ(1) / φ(1): its long-run
 * multiplier (Beveridge-Nelson), (1 + Σθ) / (1 - Σφ). 0 for a stationary model (d = 0), infinite for d > 1 or
 * an AR part at its unit root. Where the MA part nearly cancels the difference (1 + Σθ near 0) the differenced
 * model is the stationary one in other words: each shock's effect dies away and the level stays put.
 */
export function persistentShare(params: Pick<ArimaParams, 'd' | 'phi' | 'theta'>): number {
  if (params.d === 0) return 0;
  if (params.d > 1) return Number.POSITIVE_INFINITY;
  const ma = params.theta.reduce((s, v) => s + v, 1);
  const ar = params.phi.reduce((s, v) => s - v, 1);
  return ar > 0 ? Math.abs(ma / ar) : Number.POSITIVE_INFINITY;
}

/**
 * Below this persistentShare a differenced remainder's level counts as stationary for the seasons it carries
 * (STATIONARY_SEASONAL_WINDOW). KPSS differences a stationary remainder now and then (the shape suite's 4-hour
 * cycle, AR(1) under a fixed sine, at 2 of its 8 origins and of 32), and the order search then fits an MA that
 * all but cancels the difference (origin 5: (1,1,2) with 1 + Σθ = 0.027, a share of 0.045), whose level moves
 * as little as the stationary model's: R's 11 cycles carried the last cycles' noise there as at d = 0 (60-step
 * MASE 1.420 -> 1.334 with the 21 cycles; origin 3 1.017 -> 0.942). The traffic shapes' levels walk by 1-2%
 * of the noise a step, and their (1,1,2)s keep 0.02-0.2 of a shock: over 32 origins the wider window where the
 * share is under 0.1 took daily @1m 1.383 -> 1.370, daily @5m 1.499 -> 1.491, daily + weekly @5m 1.664 ->
 * 1.625 (under 0.05 less of that; under 0.2 or at every d = 1, daily @1m gains less over 32 origins and loses
 * more at the suite's eight); a level that keeps a tenth of every shock walks in earnest and keeps R's window
 * (issue 18, cyc27).
 */
export const STATIONARY_PERSISTENT_SHARE = 0.1;

/**
 * The seasons decomposed again over the whole window, held-out tail included, and the fitted
 * ARIMA (coefficients unchanged) run over the new seasonally adjusted values. The held-out split
 * was for choosing and calibrating the model; the forecast should start from seasons that have
 * seen the most recent cycle rather than carry a cycle a calibration tail old. A stationary
 * remainder's seasons take the wider STATIONARY_SEASONAL_WINDOW, as do those of a differenced one whose
 * level keeps under STATIONARY_PERSISTENT_SHARE of each shock.
 */
function redecomposed(
  whole: Float64Array,
  gaps: Float64Array,
  periods: number[],
  params: ArimaParams,
  endLimit: number,
): { cycles: number[][]; remainder: RemainderState } {
  const stationary = persistentShare(params) < STATIONARY_PERSISTENT_SHARE;
  const again = mstl(whole, periods, stationary ? { seasonalWindow: STATIONARY_SEASONAL_WINDOW } : {});
  const cycles = lastCycles(again.seasonals, again.periods);
  const tail = Math.min(params.d === 0 ? ARIMA_TAIL.stationary : ARIMA_TAIL.differenced, ARIMA_MAX_POINTS);
  const filter = ArimaFilter.start(params);
  const clipFrom = whole.length - END_OUTLIER.points;
  for (let i = Math.max(0, whole.length - tail); i < whole.length; i++) {
    const v = Number.isNaN(gaps[i]!) && filter.warm ? Number.NaN : again.deseasonalised[i]!;
    if (i >= clipFrom) observeClipped(filter, v, endLimit);
    else filter.observe(Number.isNaN(v) ? null : v);
  }
  checkBounded(filter.forecast(Math.max(60, ...periods)), again.deseasonalised.subarray(-tail));
  return { cycles, remainder: { kind: 'arima', filter: filter.state() } };
}

/**
 * A filter with the stage's coefficients that has seen nothing, for measuring its h-step errors
 * (spread.ts). Without the burst rule: the innovation form of those errors holds for the linear
 * recursion, and a burst is what the band should have held, not stepped over.
 */
function unfitted(remainder: RemainderState): InnovationFilter {
  if (remainder.kind === 'arima') {
    const { burst: _burst, ...linear } = remainder.filter.params;
    return ArimaFilter.start(linear);
  }
  if (remainder.kind === 'ets') return SesFilter.start(remainder.filter.alpha);
  throw new Error('a naive model has no h-step errors to measure');
}

/**
 * The innovation limit the window's last END_OUTLIER.points points enter the forecast's state with
 * (end-outliers.ts): END_OUTLIER.sigmas in-sample sigmas, unless the held-out tail says clipping such
 * points errs more; otherwise none. In sample, since the last points are in sample for the seasons
 * they are adjusted by.
 */
function endOutlierLimit(stage: Stage, tail: Float64Array, spikes: ReadonlySet<number>, cycles: number[][]): number {
  const adjusted = Float64Array.from(tail, (v, k) => (spikes.has(k) ? Number.NaN : v - seasonalAt(cycles, k)));
  const check = clippingCheck(restoreFilter(stage.remainder), adjusted);
  return clippingPays(check) ? END_OUTLIER.sigmas * stage.sigma : Number.POSITIVE_INFINITY;
}

/**
 * Runs a stage's filter over the held-out tail: its one-step errors calibrate the band and the
 * filter ends positioned after the last training point. The tail is forecast with the fit part's
 * seasons, whose last cycle averaged fewer cycles of noise than the kept model's will (a season of
 * 2.4 cycles in the fit part has two values a phase where the whole window's three cycles have three),
 * so each error is scaled by the ratio of the two forecasts' error scales (mstl.ts, seasonNoise), where the
 * spec asks for it (types.ts, seasonNoise): without it the band of a window of three cycles held 0.96 of the
 * next 60 points at random phase, not 0.95 (noise ∝ level @1m, daily + weekly @5m; issue 18, wide23).
 */
function calibrateOnTail(
  stage: Stage,
  tail: Float64Array,
  spikes: ReadonlySet<number>,
  cycles: number[][],
  endLimit: number,
  bandErrorOf: (observed: number, forecast: number) => number,
  seasonsNoise: { tail: SeasonNoise; forecast: number },
  shifts?: TailShifts,
): {
  remainder: RemainderState;
  calibration: Calibration;
  heldOut: Calibration;
  points: number;
  forecasts: Float64Array;
} {
  const filter = restoreFilter(stage.remainder);
  // With more level shifts in the tail than its share of the window's (breaks.ts, tailShifts), the band's errors are
  // a second filter's, run on the values with the shifts taken out and its forecasts put back on the level they moved
  // to: its no-break width. The state returned is still the first filter's, which met the shifts as they came.
  const noBreak = shifts ? restoreFilter(stage.remainder) : filter;
  const forecastNoise = 1 + seasonsNoise.forecast;
  const clipFrom = tail.length - END_OUTLIER.points;
  const errors: number[] = [];
  const forecasts = new Float64Array(tail.length).fill(Number.NaN);
  // The no-break forecasts (on the shifted level) and the seasons' factor of each point, where one is taken.
  const noBreakForecasts = new Float64Array(tail.length).fill(Number.NaN);
  const factors = new Float64Array(tail.length);
  for (let k = 0; k < tail.length; k++) {
    const s = seasonalAt(cycles, k);
    const v = tail[k]!;
    const shift = shifts ? shifts.level[k]! : 0;
    if (Number.isNaN(v)) {
      filter.observe(null);
      if (shifts) noBreak.observe(null);
      continue;
    }
    forecasts[k] = filter.peek() + s;
    const e = v - forecasts[k]!;
    if (!Number.isFinite(e)) throw new Error('non-finite one-step error on the held-out tail');
    factors[k] = Math.sqrt(forecastNoise / (1 + seasonsNoise.tail.at(k)));
    // A spike counts in the band's width (it is what the band will meet) but does not move the state.
    errors.push(bandErrorOf(v, forecasts[k]!) * factors[k]!);
    // Where the forecast spans a break there is no no-break error to take.
    if (shifts && shifts.spans[k] === 0) noBreakForecasts[k] = noBreak.peek() + s + shift;
    if (spikes.has(k)) {
      filter.observe(null);
      if (shifts) noBreak.observe(null);
    } else if (k >= clipFrom) {
      observeClipped(filter, v - s, endLimit);
      if (shifts) observeClipped(noBreak, v - s - shift, endLimit);
    } else {
      filter.observe(v - s);
      if (shifts) noBreak.observe(v - s - shift);
    }
  }
  const asCame = symmetricCalibration(errors, stage.bandSigma);
  let calibration = asCame;
  let points = errors.length;
  if (shifts) {
    // What the model that met the breaks still lags their level by after the tail (a slowly adapting one has not
    // taken all of a late break up yet): every forecast it makes next is off by that too, so each no-break error is
    // moved by it. Nothing where it has caught up.
    const lag = filter.peek() - noBreak.peek() - shifts.level[tail.length - 1]!;
    const noBreakErrors: number[] = [];
    noBreakForecasts.forEach((f, k) => {
      if (!Number.isNaN(f)) noBreakErrors.push(bandErrorOf(tail[k]!, f + lag) * factors[k]!);
    });
    calibration = symmetricCalibration(noBreakErrors, stage.bandSigma);
    points = noBreakErrors.length;
  }
  return {
    remainder: stateOf(filter),
    calibration,
    // The held-out band that judges a transform (fitModel) keeps the errors as they came: which space a series is
    // modelled in, and so every forecast, is as it was without the breaks' rule.
    heldOut: asCame,
    points,
    forecasts,
  };
}

function heldOutBand(
  forecasts: Float64Array,
  observed: Float64Array,
  calibration: Calibration,
  scaling: { center: number; scale: number },
  kind: TransformKind,
  confidence: number,
  rootShift: number,
): HeldOutBand {
  const { shift, sigma } = bandScale(calibration, confidence);
  const half = zFor(confidence) * sigma;
  const band: HeldOutBand = { actual: [], lower: [], upper: [] };
  for (let k = 0; k < forecasts.length; k++) {
    const f = forecasts[k]!;
    const y = observed[k]!;
    if (Number.isNaN(f) || Number.isNaN(y)) continue;
    band.actual.push(y);
    const edges = bandEdges(kind, scaling, f + shift, half, rootShift);
    band.lower.push(edges.lower);
    band.upper.push(edges.upper);
  }
  return band;
}

function naiveModel(
  x: Float64Array,
  lag: number,
  base: Omit<ModelSnapshot, 'name' | 'family' | 'remainder' | 'calibration' | 'seasonal'>,
): ComposedModel {
  const filter = NaiveFilter.start(lag);
  const errors: number[] = [];
  for (const v of x) {
    const e = filter.observe(Number.isNaN(v) ? null : v);
    if (e !== null) errors.push(e);
  }
  base.diagnostics.calibrationPoints = errors.length;
  return new ComposedModel({
    ...base,
    name: transformed(base.transform ?? 'none', lag > 1 ? `seasonal-naive[${lag}]` : 'naive'),
    family: 'naive',
    seasonal: { cycles: [], position: 0 },
    remainder: { kind: 'naive', filter: filter.state() },
    calibration: empiricalCalibration(errors),
  });
}

/** A model fitted in one space (the values, or their square root or log), with its held-out band. */
interface SpaceFit {
  /** The model; its last steps run only when it is asked for, since a rejected candidate needs only its band. */
  build: () => ComposedModel;
  /** Absent when the naive fallback served (it has no held-out tail to judge it on). */
  heldOut?: HeldOutBand;
  /** The differences the kept model's drift is the mean of (Stage.driftSteps); 0 without one. */
  driftSteps: number;
}

/**
 * How fitCounter has a counter modelled: normalised by its increments' unit instead of the values' median and MAD
 * (the burst rule's share of the level then does not apply either), and its order searched as `search` says.
 */
interface CounterFit {
  scaling: Scaling;
  search: CounterSearch;
}

function fitIn(
  data: Float64Array,
  spec: FitSpec,
  transform: TransformChoice,
  counter?: CounterFit,
  memo?: OrderFitMemo,
): SpaceFit {
  const n = data.length;
  const observed = observedCount(data);
  const raw = transform.kind === 'none' ? data : data.map((v) => (Number.isNaN(v) ? v : forward(transform.kind, v)));
  const scaling = counter?.scaling ?? scalingOf(raw);
  // The level in model units, for the burst rule's share of it; in a transformed space a share of
  // the level is no fixed distance, so there the rule is in sigmas alone.
  const burstScale = {
    stepSeconds: spec.stepSeconds,
    level: transform.kind === 'none' && !counter ? scaling.center / scaling.scale : 0,
  };
  const x = normalise(raw, scaling);
  const rootShift = transform.kind === 'sqrt' && wholeNumbers(data) ? COUNT_ROOT_SHIFT : 0;
  // The band's one-step errors, in normalised units: in the root of the counts plus rootShift where it applies.
  const { center, scale } = scaling;
  const bandErrorOf =
    rootShift === 0
      ? (v: number, f: number): number => v - f
      : (v: number, f: number): number => countRootError(center + scale * v, center + scale * f, rootShift) / scale;
  if (!Number.isFinite(scaling.scale) || x.some((v, i) => !Number.isNaN(raw[i]!) && !Number.isFinite(v))) {
    throw new ForecastError('values are too large to model in double precision');
  }
  const diagnostics: FitDiagnostics = {
    periods: [],
    fallbacks: [],
    orders: [],
    spikes: 0,
    calibrationPoints: 0,
    transform,
  };
  const base = {
    version: 1 as const,
    trainedOn: n,
    confidence: spec.confidence,
    ...scaling,
    transform: transform.kind,
    diagnostics,
  };
  let naiveLag = 1;

  if (observed < MIN_MODEL_POINTS) {
    diagnostics.fallbacks.push(`only ${observed} observed values (ARIMA and ETS need ${MIN_MODEL_POINTS})`);
  } else if ((n - observed) / n > MAX_GAP_FRACTION) {
    diagnostics.fallbacks.push(`${Math.round((100 * (n - observed)) / n)}% of the window is gaps`);
  } else {
    const tailLength = heldOutTailLength(n);
    const fitLength = n - tailLength;
    // Spikes become gaps in the fit part (filters step over them on their forecasts) and
    // medians in what the decomposition and ctsa see.
    const fitPart = x.slice(0, fitLength);
    const tail = x.subarray(fitLength);
    const { medians, spikes } = findSpikes(fillGaps(x));
    const filled = fillGaps(fitPart);
    const tailSpikes = new Set<number>();
    for (const i of spikes) {
      if (i >= fitLength) {
        if (!Number.isNaN(x[i]!)) tailSpikes.add(i - fitLength);
        continue;
      }
      filled[i] = medians[i]!;
      fitPart[i] = Number.NaN;
    }
    diagnostics.spikes = spikes.length;
    const { decomposition, checks } = removeSeasonality(filled, spec.stepSeconds, {
      alternation: spec.alternation === 'auto',
      weakSeasons: spec.weakSeasons === 'auto',
    });
    diagnostics.periods = checks;
    const { periods, seasonals, deseasonalised } = decomposition;
    if (periods.length > 0) naiveLag = periods[0]!;
    const cycles = lastCycles(seasonals, periods);
    // The held-out tail is forecast with seasons of fewer cycles than a kept model's (calibrateOnTail); where
    // not asked for, no season's noise is counted and the tail's errors stand as they are.
    const noisePeriods = spec.seasonNoise === 'auto' ? periods : [];
    const tailNoise = seasonNoise(fitLength, noisePeriods);
    // The deseasonalised series carried through the held-out tail, for the unit-root test only.
    const filledTail = fillGaps(Float64Array.from(tail, (v, k) => (tailSpikes.has(k) ? Number.NaN : v)));
    const recent = new Float64Array(n);
    recent.set(deseasonalised);
    for (let k = 0; k < tailLength; k++) recent[fitLength + k] = filledTail[k]! - seasonalAt(cycles, k);
    // Measured on the observed points only: interpolated gaps, and medians in the spikes' place, would narrow it.
    const spiked = new Set(spikes);
    const spreadInput = recent.map((v, i) => (Number.isNaN(x[i]!) || spiked.has(i) ? Number.NaN : v));
    // Level shifts (breaks.ts), where asked for: the h-step errors are then measured without them and the
    // interval mixes their chance back in. Not for a counter, whose restarts are undone already.
    const breaks = spec.breaks === 'auto' && !counter ? findBreaks(spreadInput) : undefined;
    diagnostics.breaks = breaks?.at.length ?? 0;
    // More of them in the held-out tail than its share: the one-step band's errors at the window's rate (tailShifts).
    const shifts = tailShifts(breaks, fitLength, tailLength, n);
    const stages: Array<[string, () => Stage]> = [
      [
        'arima',
        () =>
          arimaStage(
            deseasonalised,
            recent,
            fitPart,
            spec.model,
            periods,
            burstScale,
            diagnostics,
            spec.orderSearchFits,
            counter?.search,
            memo,
          ),
      ],
      ['ets', () => etsStage(deseasonalised, fitPart, periods)],
    ];
    for (const [label, run] of stages) {
      try {
        const stage = run();
        const endLimit =
          spec.endOutliers === 'auto' ? endOutlierLimit(stage, tail, tailSpikes, cycles) : Number.POSITIVE_INFINITY;
        const calibrated = calibrateOnTail(
          stage,
          tail,
          tailSpikes,
          cycles,
          endLimit,
          bandErrorOf,
          {
            tail: tailNoise,
            // A kept ARIMA forecasts with the seasons decomposed again over the whole window (build, below).
            // Over as many steps as the tail: the phases the band first meets, where a season of a window that is no
            // whole number of cycles may hold fewer values than the cycle's average. Counted in the fit part's
            // seasonal window, though a stationary remainder's seasons are decomposed again in a wider one: the
            // correction is for the cycles the tail's seasons lacked, and with the wider window's share as well the
            // 4-hour cycle's 60-step interval fell from 0.949 to 0.943 at random phase (200 origins; wide23).
            forecast:
              stage.remainder.kind === 'arima'
                ? seasonNoise(n, noisePeriods).mean(0, tailLength)
                : tailNoise.mean(tailLength, tailLength),
          },
          shifts,
        );
        const { calibration, points, forecasts } = calibrated;
        diagnostics.calibrationPoints = points;
        const observedTail = data.subarray(fitLength);
        const heldOut = heldOutBand(
          forecasts,
          observedTail,
          calibrated.heldOut,
          scaling,
          transform.kind,
          spec.confidence,
          rootShift,
        );
        // What only a kept model needs (its h-step width, the seasons over the whole window) is computed when it
        // is kept: where the transform wins, the plain model served only for its held-out band. Neither step can
        // drop the stage (each catches its own failure), so when it runs changes nothing.
        const build = (): ComposedModel => {
          // The measured width is an addition to a model that has served without it: never a reason to drop one.
          let spread: Spread | undefined;
          // The spikes' own values, deseasonalised as `recent` is, whose errors the h-step width counts as the band
          // does; only a kept model measures its width, so only it needs them.
          const spikeValues = new Float64Array(n).fill(Number.NaN);
          for (const i of spikes) {
            if (!Number.isNaN(x[i]!))
              spikeValues[i] = recent[i]! + x[i]! - (i < fitLength ? filled[i]! : filledTail[i - fitLength]!);
          }
          try {
            spread = measureSpread(unfitted(stage.remainder), spreadInput, breaks?.at, spikeValues);
          } catch (error) {
            diagnostics.fallbacks.push(`h-step errors not measured: ${(error as Error).message}`);
          }
          let seasonal = { cycles, position: tailLength };
          let remainder = calibrated.remainder;
          if (periods.length > 0 && remainder.kind === 'arima') {
            const whole = fillGaps(x);
            for (const i of spikes) whole[i] = medians[i]!;
            const mask = Float64Array.from(x);
            for (const i of spikes) mask[i] = Number.NaN;
            try {
              const again = redecomposed(whole, mask, periods, remainder.filter.params, endLimit);
              seasonal = { cycles: again.cycles, position: 0 };
              remainder = again.remainder;
            } catch (error) {
              // The held-out model still serves, with the seasons of the fit part.
              diagnostics.fallbacks.push(`seasons over the whole window: ${(error as Error).message}`);
            }
          }
          return new ComposedModel({
            ...base,
            ...(rootShift === 0 ? {} : { rootShift }),
            name: transformed(transform.kind, stage.name),
            family: stage.family,
            seasonal,
            remainder,
            calibration,
            ...(spread ? { spread } : {}),
            ...(breaks ? { breaks: { at: breaks.at, jumps: breaks.jumps, length: n } } : {}),
          });
        };
        return { build, heldOut, driftSteps: stage.driftSteps };
      } catch (error) {
        diagnostics.fallbacks.push(`${label}: ${(error as Error).message}`);
      }
    }
  }
  const naive = naiveModel(x, naiveLag, base);
  return { build: () => naive, driftSteps: 0 };
}

/**
 * Share by which the transformed model's held-out interval score must beat the untransformed
 * one's: a transform that barely helps is not worth its wider bands at the busy end of the day.
 */
export const TRANSFORM_MIN_GAIN = 0.05;

/**
 * The plain model that first judges a transform is searched over the stepwise search's four starting orders only
 * (with drift where d = 1, as the search starts; a search this short has no held-out check of its drift). Where
 * the transform is a candidate, the plain model served only for its held-out band in most of the suite's fits (NAB
 * elb, Poisson counts, noise ∝ level keep the transform at every origin), and its full search was half the fit:
 * elb's whole fit 93 -> 67 ms in-process with the plain space's search cut to these. The full plain model is fitted
 * wherever it is kept or could change the outcome: where the errors do not grow with the level by the first one (it
 * is then the full one's call), and where the transform does not win by DECISIVE_TRANSFORM_GAIN over it. A fuller
 * search scores its held-out band a little better, and NAB rds's origin 9 went log with the first plain model alone
 * (15.6 against 16.6; 16.0 for the full one). The full search starts with the first one's fits (OrderFitMemo): NAB
 * rds's fit 60 -> 52 ms in-process, every model the same (stop 38).
 */
export const COMPARISON_FITS = 4;
/** The share by which a transform must beat the first plain model (COMPARISON_FITS) to be kept without the full one. */
export const DECISIVE_TRANSFORM_GAIN = 2 * TRANSFORM_MIN_GAIN;

/**
 * Fits the values as they are and, where the noise may grow with the level (chooseTransform), in
 * the transformed space too; the transform is kept only when it wins where it matters, on the
 * held-out tail of the training window: the untransformed model's one-step errors there must grow
 * with the level, and the transformed model's calibrated band must score better (interval score:
 * width plus the misses' penalty). A series whose level swings but whose errors do not follow it
 * (most of NAB's) keeps its plain model and costs one fit.
 */
export function fitModel(values: ReadonlyArray<number | null> | Float64Array, spec: FitSpec): ComposedModel {
  validateSpec(spec);
  const data = toSeries(values);
  const n = data.length;
  const observed = observedCount(data);
  if (observed < 2) throw new ForecastError(`need at least 2 observed values to forecast, got ${observed} of ${n}`);
  if (spec.transform === 'auto') {
    const recognition = recogniseCounter(data);
    // A counter too large to model undone (past double precision) is modelled as it is.
    if (recognition.counter) {
      try {
        return fitCounter(spec, recognition.reading);
      } catch (error) {
        if (!(error instanceof ForecastError)) throw error;
      }
    }
  }
  const candidate: TransformChoice =
    spec.transform === 'auto' ? chooseTransform(data) : { kind: 'none', reason: 'not asked for' };
  if (candidate.kind === 'none') return fitIn(data, spec, candidate).build();
  const declined = (reason: string): TransformChoice => ({ kind: 'none', slope: candidate.slope, reason });
  const quick = (spec.orderSearchFits ?? SEARCH_MAX_FITS) > COMPARISON_FITS;
  // The full plain model's search starts with the first one's fits (OrderFitMemo).
  const memo = quick ? new OrderFitMemo() : undefined;
  const first = fitIn(
    data,
    quick ? { ...spec, orderSearchFits: COMPARISON_FITS } : spec,
    declined(''),
    undefined,
    memo,
  );
  // The plain model that judges, and is kept if the transform is not: the first one until the full one is fitted.
  let plain = first;
  const settle = (): SpaceFit => {
    if (quick && plain === first) plain = fitIn(data, spec, declined(''), undefined, memo);
    return plain;
  };
  const keepPlain = (reason: string): ComposedModel => withTransform(settle().build(), declined(reason));
  const noTail = `${candidate.kind} not tried: no held-out tail`;
  const flat = (reason: string): string => `${candidate.reason}, but held-out errors do not grow with it (${reason})`;
  // The full plain model fitted, and kept where its held-out errors do not grow with the level (or it has none).
  const fullDeclines = (): ComposedModel | undefined => {
    const full = settle().heldOut;
    if (!full) return keepPlain(noTail);
    const growth = errorsGrowWithLevel(full);
    return growth.grows ? undefined : keepPlain(flat(growth.reason));
  };
  // Whether the errors grow is the full plain model's call wherever the first one says no.
  if (!(first.heldOut && errorsGrowWithLevel(first.heldOut).grows)) {
    const declinedModel = fullDeclines();
    if (declinedModel) return declinedModel;
  }
  const other = fitIn(data, spec, candidate);
  const otherScore = other.heldOut ? intervalScore(other.heldOut, spec.confidence) : Number.POSITIVE_INFINITY;
  if (
    quick &&
    plain === first &&
    !(otherScore < (1 - DECISIVE_TRANSFORM_GAIN) * intervalScore(first.heldOut!, spec.confidence))
  ) {
    // A close call: the full plain model judges, as it would have from the start.
    const declinedModel = fullDeclines();
    if (declinedModel) return declinedModel;
  }
  const plainScore = intervalScore(plain.heldOut!, spec.confidence);
  const judged = quick && plain === first ? ` (its first ${COMPARISON_FITS} orders)` : '';
  const scores = `held-out interval score ${otherScore.toPrecision(3)} with ${candidate.kind}, ${plainScore.toPrecision(3)} without${judged}`;
  if (otherScore < (1 - TRANSFORM_MIN_GAIN) * plainScore) {
    return withTransform(other.build(), { ...candidate, reason: `${candidate.reason}; ${scores}` });
  }
  return keepPlain(`${candidate.reason}, but ${scores}`);
}

/**
 * A counter's order search: on the last SEARCH_TAIL.stationary points, since what the search fits there is the
 * counter's increments, its rate, a stationary series in all but name; and no held-out check of the drift
 * (driftCheckedOnTail): a counter's drift is its rate, not level steps spread into a slope. Undone, the shape suite's
 * counter is a climb whose increments are near white noise, where the search's ARMA terms meet flat ridges: over
 * 1,500 points, and with the check's fits without drift of a climb of seven noise sigmas a step (which failed by CSS
 * and by ML), a fit took 16-166 ms (in-process, load 4-6) where the counter as it was took 14-22; with BFGS instead
 * of L-BFGS, 8-33 ms CPU (7-15 before).
 */
export interface CounterSearch {
  points: number;
  driftCheck: false;
}

const COUNTER_SEARCH: CounterSearch = { points: SEARCH_TAIL.stationary, driftCheck: false };

/**
 * A counter (counter.ts) modelled as Prometheus reads it: on its values with every reset undone, a climb whose
 * increments the model learns (its drift their mean), in their unit (their MAD: the values' MAD is the climb's
 * range, and the band's floor, SIGMA_FLOOR of it, was then five times the increments' noise). The model's forecasts
 * and band are shifted back by what the resets added (model.ts), and its predictor undoes the resets it meets. No
 * variance transform: a counter's level is how long it has run, not how busy it is. The window's mean rate is not
 * taken off first (which would have made the search's fits cheaper): the climb left is a random walk, in which the
 * period finder then took a wander for a season at 10% of random origins (60-step coverage 0.85 there, 0.923
 * overall at seed 4).
 */
function fitCounter(spec: FitSpec, reading: CounterReading): ComposedModel {
  const { unreset, increments, resets, state } = reading;
  const scaling = { center: scalingOf(unreset).center, scale: scalingOf(increments).scale };
  const undone = resets === 0 ? 'no reset in the window' : `${resets} reset${resets === 1 ? '' : 's'} undone`;
  const reason = `a counter: ${undone}, its increments modelled`;
  const fitted = fitIn(unreset, spec, { kind: 'none', reason }, { scaling, search: COUNTER_SEARCH });
  const snapshot = fitted.build().snapshot();
  snapshot.name = `counter+${snapshot.name}`;
  snapshot.counter = { ...state, ...(fitted.driftSteps > 0 && { rateSteps: fitted.driftSteps }) };
  return restoreModel(snapshot, { shared: true });
}

/** The model with its diagnostics saying which transform was chosen and why. */
function withTransform(model: ComposedModel, transform: TransformChoice): ComposedModel {
  const snapshot = model.snapshot();
  snapshot.diagnostics.transform = transform;
  return restoreModel(snapshot, { shared: true });
}

/** The engine's entry point (see types.ts). */
export const fit: Fit = (values, spec) => fitModel(values, spec);
