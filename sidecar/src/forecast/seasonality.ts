/**
 * Which seasonal periods to remove before the non-seasonal model: those found in the data and
 * checked out of sample (periods.ts), then decomposed together by MSTL. Each trusted period's
 * seasonal strength is reported alongside, for the answer's diagnostics.
 */
import { mstl, seasonalStrength, type Decomposition } from './mstl.js';
import { findPeriods, type PeriodOptions, type PeriodCheck } from './periods.js';

export { clockPeriods, type PeriodCheck } from './periods.js';

export interface TrustedCheck extends PeriodCheck {
  /** Seasonal strength of a trusted period in the final decomposition (Wang, Smith & Hyndman). */
  strength?: number;
}

export interface SeasonalFit {
  decomposition: Decomposition;
  checks: TrustedCheck[];
}

/** Decomposes y (gap-free) by the periods that pass the checks. */
export function removeSeasonality(y: Float64Array, stepSeconds: number, options: PeriodOptions = {}): SeasonalFit {
  const checks: TrustedCheck[] = findPeriods(y, stepSeconds, options);
  const trusted = checks.filter((c) => c.rejected === null).map((c) => c.period);
  const decomposition = mstl(y, trusted);
  decomposition.periods.forEach((period, i) => {
    const check = checks.find((c) => c.period === period);
    if (check) check.strength = seasonalStrength(decomposition, i);
  });
  return { decomposition, checks };
}
