/**
 * How improbable a new statistic is against the recent history of that statistic.
 * Inside the bulk the answer is the empirical exceedance rate; in the upper tail a generalised
 * Pareto distribution is fitted to the largest values (peaks over threshold), so values beyond
 * anything seen still get a finite, ordered probability and heavy-tailed series are not
 * over-alarmed the way a Gaussian tail would over-alarm them.
 *
 * The fitted tail is deliberately conservative: its scale never drops below `minScale`, so past
 * the threshold the probability falls by at most one e-fold per unit of the statistic. A value
 * just beyond the largest one in a short history is therefore not treated as a one-in-n event;
 * only a value well beyond it is very improbable. On NAB this is what keeps the many ordinary
 * "new maximum" points of four channels from paging.
 */
import type { SortedWindow } from './sorted-window.js';

export interface TailOptions {
  /** Share of the history treated as the tail the Pareto fit sees. */
  tailFraction: number;
  /** At least this many values in the tail fit. */
  minTail: number;
  /**
   * Smallest Pareto scale, in the statistic's units (sigmas): keeps discrete, tied data from
   * yielding p = 0 and short histories from over-trusting their own maximum.
   */
  minScale: number;
  /** Largest Pareto shape: heavier tails than this are treated as this heavy. */
  maxShape: number;
}

export const DEFAULT_TAIL: TailOptions = { tailFraction: 0.05, minTail: 10, minScale: 1, maxShape: 0.5 };

/** log10 of P(statistic >= value) under the history held in `history` (needs > minTail values). */
export function log10Exceedance(history: SortedWindow, value: number, options: TailOptions = DEFAULT_TAIL): number {
  const n = history.size;
  const k = Math.min(n - 1, Math.max(options.minTail, Math.floor(options.tailFraction * n)));
  if (k < 1) throw new RangeError('log10Exceedance needs at least two history values');
  const threshold = history.largest(k + 1);
  if (value <= threshold) return Math.log10((history.countAtLeast(value) + 1) / (n + 1));

  const top = history.topMoments(k);
  const meanExcess = top.mean - threshold;
  // Method of moments for the Pareto shape, clamped: a light (bounded) tail would give p = 0 past
  // its end point, and a very heavy one would make every spike look ordinary.
  let shape = top.variance > 0 ? 0.5 * (1 - (meanExcess * meanExcess) / top.variance) : 0;
  shape = Math.min(options.maxShape, Math.max(0, shape));
  const scale = Math.max(options.minScale, meanExcess * (1 - shape));
  const excess = value - threshold;
  const log10Survival =
    shape < 1e-6 ? -excess / scale / Math.LN10 : (-1 / shape) * Math.log10(1 + (shape * excess) / scale);
  return Math.log10((k + 1) / (n + 1)) + log10Survival;
}
