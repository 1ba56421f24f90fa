/**
 * Bounded ARIMA order choice for the deseasonalised series, in the spirit of R's auto.arima but
 * small enough for a cold fit budget: the differencing order from a KPSS test, then a handful of
 * (p, q) candidates compared by AIC of their conditional-sum-of-squares innovations.
 */
import { ArimaFilter } from './arima-filter.js';
import { fitArima, type ArimaCoefficients, type ArimaMethod, type ArimaOrder } from './arima-wasm.js';

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

/** Candidates per differencing order, cheapest first; measured in forecast.bench notes (README). */
export const CANDIDATES: Record<number, ArimaOrder[]> = {
  0: [
    { p: 1, d: 0, q: 1 },
    { p: 2, d: 0, q: 1 },
    { p: 1, d: 0, q: 0 },
  ],
  1: [
    { p: 1, d: 1, q: 1 },
    { p: 0, d: 1, q: 1 },
    { p: 2, d: 1, q: 1 },
    { p: 1, d: 1, q: 2 },
  ],
};

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
  if (!rootsOutsideUnitCircle(phi)) throw new Error(`non-stationary AR part (phi ${fmt(phi)})`);
  // 1 + sum theta_j z^j = 1 - sum (-theta_j) z^j.
  if (!rootsOutsideUnitCircle(theta.map((t) => -t))) throw new Error(`non-invertible MA part (theta ${fmt(theta)})`);
}

function fmt(v: readonly number[]): string {
  return `[${v.map((x) => x.toPrecision(3)).join(', ')}]`;
}

export interface OrderFit {
  coefficients: ArimaCoefficients;
  /** Innovation variance of our own recursion over the fitted segment. */
  sigma2: number;
  aic: number;
}

export interface OrderAttempt {
  order: ArimaOrder;
  error?: string;
  aic?: number;
}

/**
 * Fits one order and scores it. Throws with a reason when ctsa reports failure or the
 * coefficients are not finite, so the caller can try the next candidate or fall back.
 */
export function fitOrder(x: ArrayLike<number>, order: ArimaOrder, method: ArimaMethod): OrderFit {
  const k = order.p + order.q + (order.d === 0 ? 1 : 0);
  const usable = x.length - order.d;
  if (usable < MIN_POINTS_PER_PARAMETER * Math.max(k, 1)) {
    throw new Error(`${usable} points are too few for ${k} coefficients (need ${MIN_POINTS_PER_PARAMETER} each)`);
  }
  const coefficients = fitArima(x, order, method);
  if (coefficients.retval !== 1) throw new Error(`ctsa failed (code ${coefficients.retval})`);
  const all = [...coefficients.phi, ...coefficients.theta, coefficients.mean, coefficients.sigma2];
  if (!all.every(Number.isFinite)) throw new Error('non-finite coefficients');
  checkAdmissible(coefficients.phi, coefficients.theta);
  const filter = ArimaFilter.start({ ...coefficients, d: order.d });
  let ss = 0;
  let count = 0;
  for (let i = 0; i < x.length; i++) {
    const e = filter.observe(x[i]!);
    if (e !== null) {
      ss += e * e;
      count++;
    }
  }
  const sigma2 = count > 0 ? ss / count : Number.NaN;
  if (!(sigma2 > 0) || !Number.isFinite(sigma2)) throw new Error(`degenerate innovation variance (${sigma2})`);
  return { coefficients, sigma2, aic: count * Math.log(sigma2) + 2 * k };
}
