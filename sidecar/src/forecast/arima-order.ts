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
  const coefficients = fitArima(x, order, method);
  if (coefficients.retval !== 1) throw new Error(`ctsa failed (code ${coefficients.retval})`);
  const all = [...coefficients.phi, ...coefficients.theta, coefficients.mean, coefficients.sigma2];
  if (!all.every(Number.isFinite)) throw new Error('non-finite coefficients');
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
  const k = order.p + order.q + (order.d === 0 ? 1 : 0);
  return { coefficients, sigma2, aic: count * Math.log(sigma2) + 2 * k };
}
