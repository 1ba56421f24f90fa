/**
 * Which seasonal periods to remove. Traffic follows the clock, so periods come from the step
 * (a day, and a week once two weeks are at hand) rather than from automatic detection, which
 * returned wrong periods on test series. Each candidate must then earn its place: at least two
 * cycles, a pattern that repeats from cycle to cycle, and a seasonal component that explains a
 * real share of the variance.
 */
import { mstl, seasonalRepeatability, seasonalStrength, type Decomposition } from './mstl.js';

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;

/**
 * Thresholds chosen on simulated AR(1) noise with a wandering level, 2 to 14 cycles: strength
 * alone cannot separate noise from season with few cycles (noise reaches 0.5 with two), the
 * repeatability can. Short periods (hourly steps: 24 points a day) give noisier correlations,
 * so they must clear a higher bar: three standard errors of a correlation over that many points.
 */
export const MIN_STRENGTH = 0.25;
export function minRepeatability(period: number): number {
  const points = Math.min(period, 48);
  return Math.min(0.8, Math.max(0.5, 3 / Math.sqrt(points)));
}

export interface PeriodCheck {
  period: number;
  /** Why it was dropped, or null when trusted. */
  rejected: string | null;
  strength?: number;
  repeatability?: number;
}

export interface SeasonalFit {
  decomposition: Decomposition;
  checks: PeriodCheck[];
}

/** Day and week in points for this step, when they are whole enough to be periods. */
export function candidatePeriods(stepSeconds: number, length: number): number[] {
  const out: number[] = [];
  const day = Math.round(DAY_SECONDS / stepSeconds);
  if (day >= 2) out.push(day);
  const week = Math.round(WEEK_SECONDS / stepSeconds);
  // A weekly pattern needs two whole weeks to be told apart from a one-off.
  if (week >= 2 && week !== day && length >= 2 * week) out.push(week);
  return out;
}

/** Decomposes y (gap-free) keeping only the candidate periods that pass the checks. */
export function removeSeasonality(y: Float64Array, stepSeconds: number): SeasonalFit {
  const candidates = candidatePeriods(stepSeconds, y.length);
  const checks: PeriodCheck[] = [];
  const enough = candidates.filter((period) => {
    if (y.length > 2 * period) return true;
    checks.push({ period, rejected: `fewer than two cycles (${(y.length / period).toFixed(2)})` });
    return false;
  });
  let decomposition = mstl(y, enough);
  const trusted: number[] = [];
  decomposition.periods.forEach((period, i) => {
    const strength = seasonalStrength(decomposition, i);
    const repeatability = seasonalRepeatability(decomposition, i);
    let rejected: string | null = null;
    if (repeatability < minRepeatability(period)) rejected = `pattern does not repeat (r=${repeatability.toFixed(2)})`;
    else if (strength < MIN_STRENGTH) rejected = `weak seasonal strength (${strength.toFixed(2)})`;
    checks.push({ period, rejected, strength, repeatability });
    if (rejected === null) trusted.push(period);
  });
  if (trusted.length !== decomposition.periods.length) decomposition = mstl(y, trusted);
  checks.sort((a, b) => a.period - b.period);
  return { decomposition, checks };
}
