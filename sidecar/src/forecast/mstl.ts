/**
 * MSTL (Bandara, Hyndman & Bergmeir, 2021) as R's `forecast::mstl` runs it: STL once per period,
 * shortest first, iterated twice when there are several periods, each with a wider seasonal
 * window (11, 15, ... by default; the caller may widen the first, fit.ts does where the level is
 * stationary). The trend is the last STL pass's trend.
 *
 * Why not `@bsull/augurs/mstl`: its JS binding exposes fit/predict/predictInSample of MSTL+AutoETS
 * only, never the decomposition, so neither the remainder that ARIMA must model nor the seasonal
 * component to carry forward (nor its strength) can be read from it.
 */
import { nextOdd, stl } from './stl.js';

export interface Decomposition {
  /** Periods in points, ascending. */
  periods: number[];
  /** One seasonal component per period, aligned with the input. */
  seasonals: Float64Array[];
  trend: Float64Array;
  /** Input minus every seasonal component (trend + remainder): what the non-seasonal model sees. */
  deseasonalised: Float64Array;
  remainder: Float64Array;
}

/** R's default seasonal window of the first period, in cycles; the i-th period's is 4 * i wider (11, 15, ...). */
export const R_SEASONAL_WINDOW = 11;

export interface MstlOptions {
  /**
   * The first period's seasonal window in cycles (odd, >= 3); each further period's is 4 cycles wider, as
   * R's `7 + 4 * seq(6)`. Default R_SEASONAL_WINDOW.
   */
  seasonalWindow?: number;
}

/**
 * Seasonal window of a two-step season (an alternation, periods.ts), in cycles: the few hundred
 * points its check learnt the amplitude from. R's 11 cycles would be 22 points, over which the
 * season follows the noise (and one spike): on NAB rds the one-step MASE went 1.45 -> 1.64 with it.
 */
export const ALTERNATION_SEASONAL_WINDOW = 201;

/**
 * Decomposes a gap-free series; periods that do not fit more than twice into it are dropped (R keeps
 * those below n / 2, and STL needs n > 2 x period: exactly two cycles would throw).
 */
export function mstl(y: ArrayLike<number>, periods: ReadonlyArray<number>, options: MstlOptions = {}): Decomposition {
  const n = y.length;
  const usable = usablePeriods(periods, n);
  const deseasonalised = Float64Array.from(y);
  const seasonals: Float64Array[] = usable.map(() => new Float64Array(n));
  let trend: Float64Array = new Float64Array(n);
  if (usable.length === 0) {
    return { periods: [], seasonals: [], trend: Float64Array.from(y), deseasonalised, remainder: new Float64Array(n) };
  }
  const iterations = usable.length > 1 ? 2 : 1;
  const windows = seasonalWindows(usable, options);
  for (let iteration = 0; iteration < iterations; iteration++) {
    usable.forEach((period, i) => {
      const seasonal = seasonals[i]!;
      for (let t = 0; t < n; t++) deseasonalised[t]! += seasonal[t]!;
      const fit = stl(deseasonalised, period, { seasonalWindow: windows[i]! });
      seasonals[i] = fit.seasonal;
      for (let t = 0; t < n; t++) deseasonalised[t]! -= fit.seasonal[t]!;
      trend = fit.trend;
    });
  }
  const remainder = new Float64Array(n);
  for (let t = 0; t < n; t++) remainder[t] = deseasonalised[t]! - trend[t]!;
  return { periods: usable, seasonals, trend, deseasonalised, remainder };
}

/** The periods MSTL decomposes a `length`-point series by, ascending. */
function usablePeriods(periods: ReadonlyArray<number>, length: number): number[] {
  return [...new Set(periods)].filter((p) => p >= 2 && p < length / 2).sort((a, b) => a - b);
}

/** Each usable period's seasonal window in cycles (`usable` ascending, as mstl() takes them). */
function seasonalWindows(usable: ReadonlyArray<number>, options: MstlOptions): number[] {
  // The longer periods keep R's windows by their own rank: an alternation does not widen the day's.
  const first = options.seasonalWindow ?? R_SEASONAL_WINDOW;
  return usable.map((period, i) =>
    period === 2 ? ALTERNATION_SEASONAL_WINDOW : first + 4 * (usable[0] === 2 ? i - 1 : i),
  );
}

/**
 * Sum of the squared weights STL's cycle-subseries smoother (stl.ts: degree 0, tricube, span `window`)
 * puts on a subseries' values to estimate its last one, from `count` values.
 */
function endWeightSquares(count: number, window: number): number {
  const span = nextOdd(Math.max(3, window));
  const left = Math.max(1, count - span + 1);
  let h = count - left;
  if (span > count) h += Math.trunc((span - count) / 2);
  let sum = 0;
  let squares = 0;
  for (let j = left; j <= count; j++) {
    const r = count - j;
    if (r > 0.999 * h) continue;
    const w = r > 0.001 * h ? (1 - (r / h) ** 3) ** 3 : 1;
    sum += w;
    squares += w * w;
  }
  return sum > 0 ? squares / (sum * sum) : 1;
}

/** What MSTL's seasons carry forward of their subseries' noise (seasonNoise). */
export interface SeasonNoise {
  /** At the phase k steps past the end. */
  at(k: number): number;
  /** Averaged over the phases `from` to `from + steps - 1` steps past the end. */
  mean(from: number, steps: number): number;
}

/**
 * How much of the noise MSTL's seasons of a `length`-point series carry forward. A season is carried
 * forward from its last cycle, and each point of that cycle is the weighted mean of its subseries'
 * values (the same phase, one cycle apart): the season forecast k steps past the end holds the sum of
 * those weights squared of its subseries' noise, on top of the forecast's own innovation. So a one-step
 * error's variance is the remainder's innovation variance times about (1 + noise(k)), summed over the
 * seasons: 1/2 for a season of two cycles, 1/3 for three, about 1/8 once the window (11 cycles) is full.
 * Noise only: not a season that changes, nor the share of the noise the low-pass filter and the trend take.
 */
export function seasonNoise(length: number, periods: ReadonlyArray<number>, options: MstlOptions = {}): SeasonNoise {
  const usable = usablePeriods(periods, length);
  const windows = seasonalWindows(usable, options);
  // The last cycle's phases hold floor(length / period) values, its last (length mod period) one more.
  const fewer = usable.map((period, i) => endWeightSquares(Math.floor(length / period), windows[i]!));
  const more = usable.map((period, i) => endWeightSquares(Math.floor(length / period) + 1, windows[i]!));
  const at = (k: number): number => {
    let noise = 0;
    usable.forEach((period, i) => {
      noise += k % period >= period - (length % period) ? more[i]! : fewer[i]!;
    });
    return noise;
  };
  const mean = (from: number, steps: number): number => {
    let sum = 0;
    for (let k = from; k < from + steps; k++) sum += at(k);
    return steps > 0 ? sum / steps : 0;
  };
  return { at, mean };
}

function variance(x: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i]! - mean) ** 2;
  return ss / Math.max(1, x.length - 1);
}

/**
 * Seasonal strength (Wang, Smith & Hyndman 2006): 1 - Var(R) / Var(S + R), in [0, 1].
 * With few cycles STL's seasonal absorbs noise, so this alone cannot tell a real season from noise.
 */
export function seasonalStrength(d: Decomposition, index: number): number {
  const s = d.seasonals[index]!;
  const sr = new Float64Array(s.length);
  for (let t = 0; t < s.length; t++) sr[t] = s[t]! + d.remainder[t]!;
  const total = variance(sr);
  if (!(total > 0)) return 0;
  return Math.max(0, 1 - variance(d.remainder) / total);
}

/**
 * Does the pattern repeat? The detrended series (this period's seasonal + remainder) is averaged
 * by phase over the odd and the even cycles separately, and the two profiles are correlated.
 * Noise gives profiles that do not agree (correlation near 0) however much of it STL absorbed;
 * a real daily pattern gives two nearly identical profiles.
 */
export function seasonalRepeatability(d: Decomposition, index: number): number {
  const period = d.periods[index]!;
  const s = d.seasonals[index]!;
  const n = s.length;
  const cycles = Math.floor(n / period);
  if (cycles < 2) return 0;
  // Align the last complete cycles with the end of the series: the recent ones matter most.
  const start = n - cycles * period;
  const odd = new Float64Array(period);
  const even = new Float64Array(period);
  const counts = [0, 0];
  for (let c = 0; c < cycles; c++) {
    const target = c % 2 === 0 ? even : odd;
    counts[c % 2]!++;
    for (let k = 0; k < period; k++) {
      const t = start + c * period + k;
      target[k]! += s[t]! + d.remainder[t]!;
    }
  }
  for (let k = 0; k < period; k++) {
    even[k]! /= counts[0]!;
    odd[k]! /= counts[1]!;
  }
  // Compare shapes, not point noise: a daily profile is smoothed over half an hour of phase.
  const width = Math.max(1, Math.round(period / 48));
  return correlation(circularMean(even, width), circularMean(odd, width));
}

function circularMean(x: Float64Array, width: number): Float64Array {
  if (width <= 1) return x;
  const n = x.length;
  const half = Math.floor(width / 2);
  const out = new Float64Array(n);
  let sum = 0;
  for (let k = -half; k < width - half; k++) sum += x[((k % n) + n) % n]!;
  for (let i = 0; i < n; i++) {
    out[i] = sum / width;
    sum += x[(i + width - half) % n]! - x[(((i - half) % n) + n) % n]!;
  }
  return out;
}

function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}
