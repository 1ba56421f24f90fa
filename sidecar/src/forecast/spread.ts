/**
 * A cap on the multi-step interval from how far the seasonally adjusted series itself moved over
 * h steps in the training window. The model's h-step variance (psi weights times the calibrated
 * one-step scale) assumes the model is right all the way out; a differenced model of a level that
 * in fact reverts keeps widening its band as a random walk's would. On the shape suite the 60-step
 * intervals of such fits (trend + AR noise, daily @1m, NAB ec2, grok and rds) needed only 0.06-0.6
 * of their width for 95% coverage. Carrying the last value forward h steps is a forecast any model
 * should match, so its 95% error over the training window (robust: a quantile, not a variance) is a
 * width a 95% interval never needs to exceed. Where the series does wander as the model says, that
 * error is the wider one and nothing changes; the one-step band is never touched.
 */
import { quantile, zFor } from './calibration.js';

/** Horizons (steps) the spread is measured at; others are interpolated between them (log-log). */
export const SPREAD_HORIZONS: readonly number[] = [2, 4, 8, 16, 32, 64, 128, 256, 512];
/** Most recent points measured on: the level a forecast starts from changes over longer stretches. */
export const SPREAD_POINTS = 2000;
/** Fewest pairs (t, t + h) for a horizon to be measured; longer horizons are left uncapped. */
export const SPREAD_MIN_PAIRS = 200;
/** The quantile of |x_{t+h} - x_t| taken, expressed as a normal scale (divided by its z). */
const SPREAD_LEVEL = 0.95;

export interface Spread {
  /**
   * At SPREAD_HORIZONS[i] for each i: the h-step change's SPREAD_LEVEL quantile over its z, a
   * normal-equivalent scale (model units). Only the horizons are implied, not stored: a watched
   * series keeps one of these, and 100,000 of them are watched.
   */
  sigma: number[];
}

/**
 * The spread of h-step changes of `x` (model units, gaps as NaN: pairs with a gap are skipped).
 * Undefined when no horizon has enough pairs (a short window: no cap).
 */
export function measureSpread(x: Float64Array): Spread | undefined {
  const from = Math.max(0, x.length - SPREAD_POINTS);
  const z = zFor(SPREAD_LEVEL);
  const sigma: number[] = [];
  const changes = new Float64Array(x.length - from);
  for (const h of SPREAD_HORIZONS) {
    let m = 0;
    for (let t = from; t + h < x.length; t++) {
      const c = Math.abs(x[t + h]! - x[t]!);
      if (!Number.isNaN(c)) changes[m++] = c;
    }
    if (m < SPREAD_MIN_PAIRS) break;
    const s = quantile(Array.from(changes.subarray(0, m).sort()), SPREAD_LEVEL) / z;
    if (!(s > 0) || !Number.isFinite(s)) break;
    sigma.push(s);
  }
  return sigma.length > 0 ? { sigma } : undefined;
}

/**
 * The cap on the h-step scale (h >= 1 steps ahead): infinite at one step, past the last measured
 * horizon and without a spread; at least the first measured scale below it; log-log interpolated
 * between measured horizons.
 */
export function spreadCap(spread: Spread | undefined, h: number): number {
  if (!spread || h <= 1) return Number.POSITIVE_INFINITY;
  const { sigma } = spread;
  const horizons = SPREAD_HORIZONS;
  if (h <= horizons[0]!) return sigma[0]!;
  for (let i = 1; i < sigma.length; i++) {
    if (h > horizons[i]!) continue;
    const w = Math.log(h / horizons[i - 1]!) / Math.log(horizons[i]! / horizons[i - 1]!);
    return Math.exp((1 - w) * Math.log(sigma[i - 1]!) + w * Math.log(sigma[i]!));
  }
  return Number.POSITIVE_INFINITY;
}
