/**
 * Bounded ARIMA order choice for the deseasonalised series, after R's auto.arima (Hyndman &
 * Khandakar 2008) but small enough for a fit budget of milliseconds: the differencing order from
 * a KPSS test, then a stepwise search over (p, q) and drift, compared by the AICc of their
 * conditional-sum-of-squares innovations, with a cap on the number of fits. An MA order whose CSS
 * fit fails (ctsa's CSS breaks down near an MA unit root, where an over-differenced noisy level
 * puts it) is estimated again by exact ML on the same segment, so the search does not end on an
 * AR-only model that carries the last spike for the whole horizon.
 */
import { ArimaFilter, innovationSquares, type ArimaParams, type InnovationSquares } from './arima-filter.js';
import { ArimaMethod, ArimaOptimizer, fitArima, type ArimaCoefficients, type ArimaOrder } from './arima-wasm.js';

/** KPSS level-stationarity statistic with a Bartlett long-run variance (urca's "mu" test). */
export function kpssStatistic(x: ArrayLike<number>, lags = Math.trunc((3 * Math.sqrt(x.length)) / 13)): number {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) e[i] = x[i]! - mean;
  let partial = 0;
  let eta = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    partial += e[i]!;
    eta += partial * partial;
    s2 += e[i]! * e[i]!;
  }
  for (let l = 1; l <= lags; l++) {
    let cov = 0;
    for (let i = l; i < n; i++) cov += e[i]! * e[i - l]!;
    s2 += 2 * (1 - l / (lags + 1)) * cov;
  }
  s2 /= n;
  return s2 > 0 ? eta / (n * n * s2) : 0;
}

/** 5% critical value of the KPSS level test. */
const KPSS_CRITICAL = 0.463;

export function differencingOrder(x: ArrayLike<number>): number {
  return kpssStatistic(x) > KPSS_CRITICAL ? 1 : 0;
}

/** Bounds of the automatic search (an explicit order may go up to MAX_ORDER). */
export const SEARCH_MAX = { p: 3, q: 3 } as const;
/** Fits the stepwise search may spend; each is a CSS fit of a few milliseconds. */
export const SEARCH_MAX_FITS = 10;

/**
 * Observations per estimated coefficient below which a fit is not attempted: CSS on a short
 * window (a 60-point watcher keeps 40 after calibration) readily lands on a unit-root AR or a
 * non-invertible MA that happens to fit a startup transient.
 */
export const MIN_POINTS_PER_PARAMETER = 10;

/**
 * Largest partial autocorrelation magnitude accepted. Exactly 1 is a unit root; just below it the
 * recursion forgets its start too slowly for a 40-point window to have settled.
 */
const MAX_REFLECTION = 0.995;

/**
 * Reflection coefficients (partial autocorrelations) of x_t = sum a_i x_{t-i} + e_t by the
 * Levinson-Durbin step-down. All strictly inside (-1, 1) iff every root of 1 - sum a_i z^i lies
 * outside the unit circle; this avoids a polynomial root finder for orders up to MAX_ORDER.
 */
export function reflectionCoefficients(a: readonly number[]): number[] {
  let cur = [...a];
  const out: number[] = [];
  for (let k = cur.length; k >= 1; k--) {
    const kappa = cur[k - 1]!;
    out.unshift(kappa);
    const denom = 1 - kappa * kappa;
    if (!(Math.abs(kappa) < 1) || denom <= 0) break;
    cur = Array.from({ length: k - 1 }, (_, i) => (cur[i]! + kappa * cur[k - 2 - i]!) / denom);
  }
  return out;
}

/** True when the polynomial 1 - sum a_i z^i has all roots outside the unit circle (with a margin). */
export function rootsOutsideUnitCircle(a: readonly number[], limit = MAX_REFLECTION): boolean {
  const kappas = reflectionCoefficients(a);
  return kappas.length === a.length && kappas.every((k) => Math.abs(k) < limit);
}

/**
 * Throws unless the AR part is stationary and the MA part invertible. A non-invertible MA makes
 * the one-step recursion compound its own errors (e_t = x_t - ... - theta e_{t-1} with |root| < 1),
 * so the filter diverges after the fit even though its first forecasts look fine.
 */
export function checkAdmissible(phi: readonly number[], theta: readonly number[]): void {
  if (!rootsOutsideUnitCircle(phi)) throw new InadmissibleFit(`non-stationary AR part (phi ${fmt(phi)})`, theta);
  // 1 + sum theta_j z^j = 1 - sum (-theta_j) z^j.
  if (!rootsOutsideUnitCircle(theta.map((t) => -t))) {
    throw new InadmissibleFit(`non-invertible MA part (theta ${fmt(theta)})`, theta);
  }
}

/** A fit refused by checkAdmissible, with the MA coefficients it landed on. */
export class InadmissibleFit extends Error {
  constructor(
    message: string,
    readonly theta: readonly number[],
  ) {
    super(message);
    this.name = 'InadmissibleFit';
  }
}

function fmt(v: readonly number[]): string {
  return `[${v.map((x) => x.toPrecision(3)).join(', ')}]`;
}

export interface OrderFit {
  /** With drift, `mean` is the drift: the mean of the differenced series. */
  coefficients: ArimaCoefficients;
  /** Innovation variance of our own recursion over the fitted segment. */
  sigma2: number;
  /** Small-sample corrected AIC of the CSS innovations (comparable for one d and one segment). */
  aicc: number;
}

export interface OrderAttempt {
  order: ArimaOrder;
  drift: boolean;
  error?: string;
  aicc?: number;
  /** Set when the coefficients came from the exact-ML retry of a failed CSS fit. */
  retried?: 'ml';
  /** Set when that retry put an MA(1) of the differences on its unit root (see overDifferenced). */
  maUnitRoot?: true;
}

/**
 * Exact-ML retries of failed CSS fits per search, and the largest MA order retried. ML costs 10-100x
 * a CSS fit; it estimates on the same segment as the search (1,500 points differenced, 500 not), so
 * its AICc is comparable and its coefficients see as much of the level as the CSS fits'. Only orders
 * with more MA than AR terms are retried: (0,d,1), (0,d,2) and (1,d,2), where the failure is CSS's
 * near an MA unit root. On the shape suite the ML fits of (2,1,2) (an MA pair summing to about -1,
 * with drift: a deterministic trend) won the AICc on NAB grok and trend + AR noise and forecast far
 * worse (60-step MASE 0.28 -> 1.96 and 1.35 -> 1.53); retrying (1,1,1) cost the NAB backtest a
 * detection each time it was tried (69.5 -> 67.6, and 77.4 -> 75.3 standard in-sample). (1,1,2) is
 * what a wandering level under AR(1) noise needs once differenced: without its retry daily @1m's
 * search ended on (0,1,2), whose level follows the last points' noise (60-step MASE 1.64 -> 1.35 at
 * eight origins; issue 18). On 500 points its ML fit landed on the MA unit root and was refused.
 */
export const ML_RETRY = { fits: 3, maxQ: 2 } as const;

/** AICc from n innovations of variance sigma2 and k estimated coefficients (sigma2 counted too). */
export function aicc(n: number, sigma2: number, k: number): number {
  const kk = k + 1;
  return n * Math.log(sigma2) + 2 * kk + (2 * kk * (kk + 1)) / Math.max(1, n - kk - 1);
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / Math.max(1, x.length);
}

/** Mean of the first differences: the drift of a d = 1 model (what R's Arima estimates by CSS). */
export function driftOf(x: ArrayLike<number>): number {
  return x.length > 1 ? (x[x.length - 1]! - x[0]!) / (x.length - 1) : 0;
}

/** The innovations of the filter itself, where innovationSquares() declines (a diverging recursion). */
export function filteredSquares(params: ArimaParams, x: ArrayLike<number>): InnovationSquares {
  const filter = ArimaFilter.start(params);
  let ss = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const e = filter.observe(x[i]!);
    if (e !== null) {
      ss += e * e;
      count++;
    }
  }
  return { ss, count };
}

/**
 * fitOrder's optimiser when its caller names none (an explicit order: fit.ts's chooseArima). A module constant, not
 * `ArimaOptimizer.Lbfgs` in the parameter list: the order search always names one, so that property read had no type
 * feedback when a worker's warm-up compiled fitOrder on searches, and its first explicit order threw the compiled
 * code away ("insufficient type feedback for generic named access"); it was compiled again, 25-40 ms at load 5,
 * in the middle of the requests that came next (issue 18, cnt22).
 */
const DEFAULT_OPTIMIZER: ArimaOptimizer = ArimaOptimizer.Lbfgs;

/**
 * Fits one order and scores it. Throws with a reason when ctsa reports failure or the
 * coefficients are not finite, so the caller can try the next candidate or fall back. With
 * `drift` (d = 1 only) ctsa fits the series less its average slope, and the slope becomes the
 * filter's mean difference; (0, d, 0) needs no optimiser at all.
 *
 * Exact ML is tried by BFGS first, and by `optimizer` only where that fails. Where both converge they reach the
 * same maximum, BFGS in fewer evaluations: on NAB elb (ten origins, both spaces, 47 ML fits) every AICc the same
 * to 0.01 and every coefficient to 10^-3, (0,1,2) in 4-7 ms against 6-12 and (1,1,2) in 11-16 against 24-36,
 * the whole fit 94 -> 72 ms (issue 18, stop 35). BFGS is unbounded, though: on an MA pair near its unit root
 * (daily @1m's remainder, the 4-hour cycle at seed 6007) it steps past invertibility, which L-BFGS does not.
 */
export function fitOrder(
  x: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  drift = false,
  optimizer: ArimaOptimizer = DEFAULT_OPTIMIZER,
): OrderFit {
  if (method === ArimaMethod.Ml && optimizer !== ArimaOptimizer.Bfgs) {
    try {
      return fitOnce(x, order, method, drift, ArimaOptimizer.Bfgs);
    } catch {
      // The error that counts (onMaUnitRoot reads its coefficients) is that of the optimiser asked for.
    }
  }
  return fitOnce(x, order, method, drift, optimizer);
}

function fitOnce(
  x: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  drift: boolean,
  optimizer: ArimaOptimizer,
): OrderFit {
  if (drift && order.d !== 1) throw new Error('drift needs d = 1');
  const k = order.p + order.q + (order.d === 0 || drift ? 1 : 0);
  const usable = x.length - order.d;
  if (usable < MIN_POINTS_PER_PARAMETER * Math.max(k, 1)) {
    throw new Error(`${usable} points are too few for ${k} coefficients (need ${MIN_POINTS_PER_PARAMETER} each)`);
  }
  const slope = drift ? driftOf(x) : 0;
  let coefficients: ArimaCoefficients;
  if (order.p === 0 && order.q === 0) {
    coefficients = { order, phi: [], theta: [], mean: order.d === 0 ? mean(x) : 0, sigma2: Number.NaN, retval: 1 };
  } else {
    let input = x;
    if (drift) {
      const detrended = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) detrended[i] = x[i]! - slope * i;
      input = detrended;
    }
    coefficients = fitArima(input, order, method, optimizer);
    if (coefficients.retval !== 1) throw new Error(`ctsa failed (code ${coefficients.retval})`);
    const all = [...coefficients.phi, ...coefficients.theta, coefficients.mean, coefficients.sigma2];
    if (!all.every(Number.isFinite)) throw new Error('non-finite coefficients');
    checkAdmissible(coefficients.phi, coefficients.theta);
  }
  if (drift) coefficients = { ...coefficients, mean: slope };
  const params = { ...coefficients, d: order.d };
  const { ss, count } = innovationSquares(params, x) ?? filteredSquares(params, x);
  const sigma2 = count > 0 ? ss / count : Number.NaN;
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) throw new Error(`degenerate innovation variance (${sigma2})`);
  return { coefficients: { ...coefficients, sigma2 }, sigma2, aicc: aicc(count, sigma2, k) };
}

/**
 * A CSS failure worth one exact-ML retry: ctsa's own failure code (not our admissibility checks,
 * which ML would most likely trip as well) on a small order with more MA than AR terms, where CSS
 * is the weak estimator. AR-only orders fail CSS only on genuinely explosive data.
 */
function retryable(order: ArimaOrder, method: ArimaMethod, message: string): boolean {
  return (
    method === ArimaMethod.Css && order.q > order.p && order.q <= ML_RETRY.maxQ && message.startsWith('ctsa failed')
  );
}

/**
 * How many times the 95% quantile of a segment's |differences| one of them must be to count as a break: as
 * fit.ts's GROSS_ERROR_FACTOR, no noise an ARIMA is fitted to has a tail that long, so only a counter's reset
 * (10^3-10^6 times its increments on the shape suite's counter) or a jump of the level by orders of magnitude
 * gets there; a level step of the suite (30 against a noise of 2) is 5-6 times it.
 */
export const BREAK_FACTOR = 100;

/**
 * True when the segment differenced d times (d >= 1) has a break (BREAK_FACTOR). Its CSS objective is then
 * the one or two breaks' squares to a part in 10^3, flat around coefficients near zero, where ctsa's L-BFGS
 * took hundreds of evaluations (1-5 ms an order with MA terms over 1,500 points) to land where BFGS lands in
 * a third of the time: on the shape suite's counter at eight origins the same search, every AICc to 0.01, in
 * 1.5-4.7 ms against 3.1-17 ms. Elsewhere the two stop at different points of the same surface: BFGS for
 * every fit moved the order chosen on seven of the suite's ten synthetic shapes at one origin or more (at four
 * origins each) and every forecast in its last digits, so L-BFGS stays the rule.
 */
export function hasBreaks(x: ArrayLike<number>, d: number): boolean {
  const n = x.length - d;
  // Under 20 differences the 95% quantile is the largest or next to it: nothing could stand out from it.
  if (d < 1 || n < 20) return false;
  let w = Float64Array.from(x);
  for (let k = 0; k < d; k++) {
    const next = new Float64Array(w.length - 1);
    for (let i = 0; i < next.length; i++) next[i] = w[i + 1]! - w[i]!;
    w = next;
  }
  for (let i = 0; i < w.length; i++) w[i] = Math.abs(w[i]!);
  const sorted = w.sort();
  const h = (n - 1) * 0.95;
  const lo = Math.floor(h);
  const q95 = sorted[lo]! + (h - lo) * (sorted[Math.min(n - 1, lo + 1)]! - sorted[lo]!);
  return q95 > 0 && sorted[n - 1]! > BREAK_FACTOR * q95;
}

/** The optimiser the order search's fits use on a segment (hasBreaks). */
export function searchOptimizer(x: ArrayLike<number>, d: number): ArimaOptimizer {
  return hasBreaks(x, d) ? ArimaOptimizer.Bfgs : ArimaOptimizer.Lbfgs;
}

/**
 * Order fits kept for a second search of the same segment: fitModel's first plain model searches the stepwise
 * search's starting orders only (COMPARISON_FITS) and its full one, where it is fitted, starts with the same four
 * on the same values (NAB rds: the full plain model was 63% of its fit). A fit is a pure function of the segment, the
 * order, the drift, the method and the optimiser, so a kept fit, or the error it threw, is what fitting again gives.
 * Kept per segment by value: each search is handed a segment of its own fit's arrays.
 */
export class OrderFitMemo {
  private readonly segments: Array<{ values: Float64Array; fits: Map<string, OrderFit | Error> }> = [];

  /** The fits kept for a segment equal to `x`, element by element (a new, empty set if none is). */
  fitsFor(x: ArrayLike<number>): Map<string, OrderFit | Error> {
    for (const kept of this.segments) if (sameValues(kept.values, x)) return kept.fits;
    const fits = new Map<string, OrderFit | Error>();
    this.segments.push({ values: Float64Array.from(x), fits });
    return fits;
  }
}

function sameValues(a: Float64Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** fitOrder, or what it gave for the same arguments before (`fits`: OrderFitMemo.fitsFor the segment). */
function memoFitOrder(
  fits: Map<string, OrderFit | Error> | undefined,
  x: ArrayLike<number>,
  order: ArimaOrder,
  method: ArimaMethod,
  drift: boolean,
  optimizer: ArimaOptimizer,
): OrderFit {
  if (!fits) return fitOrder(x, order, method, drift, optimizer);
  const key = `${order.p},${order.d},${order.q},${drift},${method},${optimizer}`;
  let kept = fits.get(key);
  if (kept === undefined) {
    try {
      kept = fitOrder(x, order, method, drift, optimizer);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      kept = error;
    }
    fits.set(key, kept);
  }
  if (kept instanceof Error) throw kept;
  return kept;
}

export interface SearchResult {
  order: ArimaOrder;
  drift: boolean;
  fit: OrderFit;
}

/**
 * auto.arima's stepwise search for one d: four starting models, then the neighbours of the best
 * so far (p or q one up or down, both together, drift on or off) until none improves the AICc or
 * the fit budget is spent. Every attempt, failed or not, is recorded for the diagnostics. All its fits use one
 * optimiser, by default searchOptimizer's for the segment.
 */
export function stepwiseSearch(
  x: ArrayLike<number>,
  d: number,
  method: ArimaMethod,
  attempts: OrderAttempt[],
  maxFits = SEARCH_MAX_FITS,
  optimizer: ArimaOptimizer = searchOptimizer(x, d),
  memo?: OrderFitMemo,
): SearchResult | undefined {
  const fits = memo?.fitsFor(x);
  const tried = new Set<string>();
  let best: SearchResult | undefined;
  let retries = 0;
  const consider = (order: ArimaOrder, drift: boolean, fit: OrderFit): boolean => {
    if (best && fit.aicc >= best.fit.aicc) return false;
    best = { order, drift, fit };
    return true;
  };
  const attempt = (p: number, q: number, drift: boolean): boolean => {
    if (p < 0 || q < 0 || p > SEARCH_MAX.p || q > SEARCH_MAX.q || (drift && d !== 1)) return false;
    const key = `${p},${q},${drift}`;
    if (tried.has(key) || tried.size >= maxFits) return false;
    tried.add(key);
    const order = { p, d, q };
    try {
      const fit = memoFitOrder(fits, x, order, method, drift, optimizer);
      attempts.push({ order, drift, aicc: fit.aicc });
      return consider(order, drift, fit);
    } catch (error) {
      const message = (error as Error).message;
      attempts.push({ order, drift, error: message });
      if (!retryable(order, method, message) || retries >= ML_RETRY.fits) return false;
      retries++;
      try {
        const fit = memoFitOrder(fits, x, order, ArimaMethod.Ml, drift, optimizer);
        attempts.push({ order, drift, aicc: fit.aicc, retried: 'ml' });
        return consider(order, drift, fit);
      } catch (retryError) {
        attempts.push({
          order,
          drift,
          error: `ml retry: ${(retryError as Error).message}`,
          retried: 'ml',
          ...(onMaUnitRoot(order, drift, retryError) ? { maUnitRoot: true as const } : {}),
        });
      }
    }
    return false;
  };
  // Drift starts on, as auto.arima's does for d = 1; the search turns it off where it does not pay.
  const drift0 = d === 1;
  for (const [p, q] of [
    [2, 2],
    [0, 0],
    [1, 0],
    [0, 1],
  ] as const) {
    attempt(p, q, drift0);
  }
  for (let improved = best !== undefined; improved && tried.size < maxFits;) {
    improved = false;
    const { order, drift } = best!;
    const { p, q } = order;
    // Drift first: one fit that decides whether the level climbs, before the fit budget runs out.
    const moves: Array<[number, number, boolean]> = [
      [p, q, !drift],
      [p - 1, q, drift],
      [p + 1, q, drift],
      [p, q - 1, drift],
      [p, q + 1, drift],
      [p - 1, q - 1, drift],
      [p + 1, q + 1, drift],
    ];
    for (const [mp, mq, md] of moves) {
      if (attempt(mp, mq, md)) {
        improved = true;
        break;
      }
    }
  }
  return best;
}

/**
 * True when the exact-ML fit of (0,1,1) without drift put its MA coefficient on -1, the root of
 * 1 + theta z at z = 1. Differencing then cancels against the MA factor: (1 - B)(1 - B)^-1 leaves
 * the undifferenced series as white noise around a constant, i.e. the differencing was not needed.
 * ML's estimate of a unit MA root "piles up" exactly there when the level does not wander (it is
 * the likelihood's own maximum at the boundary, not an optimiser's accident), while a level that
 * does wander, however slowly under its noise, keeps theta inside. KPSS (the LM test of that same
 * hypothesis, theta = -1) rejects a stationary series 5% of the time by design and more often once
 * MSTL has left a little of a season in the remainder; this is the likelihood's second opinion.
 * Only that order is read: with drift, theta = -1 is a linear trend, which an undifferenced model
 * without one would lose; with AR or more MA terms a factor near (1 - B) in the MA part is common
 * to a wandering level under AR noise too (a random-walk level far quieter than its noise: daily
 * traffic on the shape suite), where dropping the difference cost 60-step accuracy.
 */
function onMaUnitRoot(order: ArimaOrder, drift: boolean, error: unknown): boolean {
  return (
    order.p === 0 &&
    order.d === 1 &&
    order.q === 1 &&
    !drift &&
    error instanceof InadmissibleFit &&
    error.theta.length === 1 &&
    error.theta[0]! <= -MAX_REFLECTION
  );
}

/** Whether a d = 1 search met the MA unit root of onMaUnitRoot: the caller should search d = 0 instead. */
export function overDifferenced(attempts: readonly OrderAttempt[]): boolean {
  return attempts.some((a) => a.maUnitRoot === true);
}
