/**
 * Seasonal periods found in the data rather than assumed from the clock. Candidates come from the
 * peaks of the autocorrelation function (any period, e.g. a 4-hour batch cycle at 1-minute steps)
 * plus the day and the week of the step (traffic follows the clock even when a short window shows
 * it weakly); each must then earn its place by a held-out gain: the phase profile learnt from the
 * earlier cycles must predict the last cycle's detrended values better than no profile at all.
 * Noise fails that test however much of it STL would absorb, because a profile of noise adds its
 * own error to the held-out cycle instead of removing some. The gain must hold around a running median
 * too, not only around the moving average: a level that jumps on a schedule and is flat between jumps
 * is no season, yet a moving average turns each jump into a ramp that repeats whenever the jumps keep
 * one sign for a few cycles. An autocorrelation peak with fewer than three cycles must also keep its gain
 * with the level shifts taken out (MIN_STEP_SEASON_CYCLES): a few shifts of random sign repeat once by chance.
 *
 * The shortest season, a value that alternates from one step to the next (NAB's rds CPU: its even
 * and odd 5-minute points differ by about a point for days, against a point-to-point noise of half
 * that), has a check of its own (alternationGain): it is a season only where the alternation learnt
 * from the last few hundred points still holds over the next few dozen.
 */
import { findBreaks } from './breaks.js';
import { medianOfSorted } from './series.js';

/** Shortest period the ACF is searched for: below it an alternating AR(1) pattern looks seasonal. */
export const MIN_PERIOD = 4;
/**
 * The alternation check: the amplitude is learnt over `window` points and must predict each of
 * the last `blocks` blocks of `block` points (a forecast horizon each) better than no alternation.
 * An AR(1) with a negative coefficient alternates too, but its phase wanders within tens of
 * points, so an amplitude learnt over hundreds averages to nothing and predicts no block. The
 * phase may flip (rds's did at a change of level): the window follows the most recent stretch.
 */
export const ALTERNATION = { window: 400, block: 60, blocks: 4 } as const;
/** Smallest autocorrelation at a peak for it to become a candidate (biased estimator). */
export const MIN_ACF = 0.1;
/** Rise of a peak over the trough before it: a smoothly decaying ACF (AR noise, a trend) has none. */
export const MIN_PROMINENCE = 0.1;
/**
 * Share of the held-out cycle's mean absolute deviation the profile must remove. Noise gives
 * 1 - sqrt(1 + 1/k) < 0 for a profile from k cycles; the margin covers the sampling error of a
 * single held-out cycle of correlated noise.
 */
export const MIN_GAIN = 0.1;
/**
 * Fewest whole cycles over which an autocorrelation peak whose held-out gain goes with the series' level shifts
 * (breaks.ts) is trusted as a season. Below three, one cycle is held out and predicted from the one before it, and
 * a few level shifts repeat from one cycle to the next by chance: jumps every 400 steps or so, of random sign,
 * alternate (+-+-) over the four or five a 1,600-point window holds with a chance of 1/8 to 1/16, a square wave of
 * period 800 that the held-out and running-median checks both take for a season (per27: 7.5% of random-phase
 * windows with jittered gaps, their 60-step coverage 0.79). A smooth season, or one with a level shift across it,
 * keeps its gain with the shifts taken out; a shape made of shifts alone (a batch job on and off) must repeat over
 * three cycles, where the signs of chance (five alternations in a row) fall in line one time in 32.
 */
export const MIN_STEP_SEASON_CYCLES = 3;
/**
 * Blocks a cycle is cut into for the weak seasons' check (PeriodOptions.weakSeasons): a day's twelve two-hour means
 * at any step. Finer blocks keep more of the point-to-point noise the check is meant to average away (24 blocks:
 * NAB elb's gain 0.05-0.17 over ten origins a few hours apart, against 0.12-0.32 at 12). With twelve numbers a cycle
 * the gain is read over every cycle but the first two (gainAround), not the last three: elb's then ran 0.25-0.38,
 * and over 100 random walks and 100 AR(1) series (phi 0.95) of 3-14 days at 5-minute steps the day was trusted in
 * 0-3% of them (point by point, none; over the last three cycles only, 3 -> 9 of the 12-day walks had some period
 * trusted), while a daily swing of +-40 under noise of sd 70 was trusted in all of them, and one of +-20 in 45-100%.
 */
export const WEAK_SEASON_BLOCKS = 12;
/** Autocorrelation candidates kept (highest first) before the gain checks. */
const MAX_ACF_CANDIDATES = 3;
/** Most periods a model takes (MSTL cost grows with each), an alternation (period 2) aside. */
export const MAX_PERIODS = 2;
/** Longest series whose ACF is computed point by point; longer ones are block-averaged first. */
const ACF_POINTS = 4096;
/** An ACF peak this close to a day or a week (relative) is taken to be that clock period. */
const CLOCK_SNAP = 0.03;

const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;

export interface PeriodCheck {
  period: number;
  /** Where the candidate came from: the step's day/week, a peak of the autocorrelation, or period 2's own check. */
  source: 'clock' | 'acf' | 'alternation';
  /** Why it was dropped, or null when trusted. */
  rejected: string | null;
  /** Autocorrelation at the period (detrended series). */
  acf?: number;
  /** Held-out gain of the phase profile (1 = the profile explains the last cycle entirely). */
  gain?: number;
  /**
   * The held-out gain over means of blocks of a WEAK_SEASON_BLOCKS'th of a cycle: only for a clock period whose
   * gain point by point fell short, where weak seasons are asked for (PeriodOptions.weakSeasons). Where it is
   * there, medianGain is over the same blocks.
   */
  blockGain?: number;
  /** The same with the level a running median instead of a mean (heldOutGainAroundMedian); only where gain passed. */
  medianGain?: number;
  /**
   * The held-out gain with the level shifts taken out (withoutLevelShifts), where both gains passed over fewer than
   * MIN_STEP_SEASON_CYCLES cycles of an autocorrelation peak in a series that has shifts.
   */
  shiftFreeGain?: number;
}

/** Day and week in points for this step, when they are whole enough to be periods. */
export function clockPeriods(stepSeconds: number, length: number): number[] {
  const out: number[] = [];
  const day = Math.round(DAY_SECONDS / stepSeconds);
  if (day >= 2) out.push(day);
  const week = Math.round(WEEK_SECONDS / stepSeconds);
  // A weekly pattern needs two whole weeks to be told apart from a one-off.
  if (week >= 2 && week !== day && length >= 2 * week) out.push(week);
  return out;
}

/** In-place iterative radix-2 FFT (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
}

/** x minus its least-squares line: a trend would otherwise keep the ACF high at every lag. */
export function detrendLinear(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const tMean = (n - 1) / 2;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += x[i]!;
  yMean /= n;
  let sty = 0;
  let stt = 0;
  for (let i = 0; i < n; i++) {
    sty += (i - tMean) * (x[i]! - yMean);
    stt += (i - tMean) ** 2;
  }
  const slope = stt > 0 ? sty / stt : 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = x[i]! - yMean - slope * (i - tMean);
  return out;
}

/** Biased sample autocorrelation of a zero-mean series at lags 0..n-1, by FFT (O(n log n)). */
export function autocorrelation(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  let size = 1;
  while (size < 2 * n) size <<= 1;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let i = 0; i < n; i++) re[i] = x[i]!;
  fft(re, im);
  for (let i = 0; i < size; i++) {
    re[i] = re[i]! * re[i]! + im[i]! * im[i]!;
    im[i] = 0;
  }
  // The power spectrum is real and even, so a forward transform inverts it up to the size.
  fft(re, im);
  const out = new Float64Array(n);
  const c0 = re[0]!;
  for (let k = 0; k < n; k++) out[k] = c0 > 0 ? re[k]! / c0 : 0;
  return out;
}

/**
 * The highest peaks of the autocorrelation: a lag that is the largest within +-5% of itself, high enough and
 * rising clearly above the trough before it. Long series are block-averaged to ACF_POINTS first
 * (periods shorter than a few blocks are then left to the clock candidates), and each peak is
 * refined at full resolution by epoch folding.
 */
export function acfPeaks(
  y: ArrayLike<number>,
  maxPeriod = Math.floor(y.length / 2),
): Array<{ period: number; acf: number }> {
  const e = detrendLinear(y);
  const block = Math.max(1, Math.ceil(e.length / ACF_POINTS));
  const m = Math.floor(e.length / block);
  const reduced = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < block; j++) s += e[i * block + j]!;
    reduced[i] = s / block;
  }
  const r = autocorrelation(reduced);
  const maxLag = Math.floor(maxPeriod / block);
  const minLag = Math.max(2, Math.ceil(MIN_PERIOD / block));
  const peaks: Array<{ period: number; acf: number }> = [];
  let trough = Infinity;
  for (let k = 1; k <= maxLag && k < m; k++) {
    trough = Math.min(trough, r[k]!);
    if (k < minLag || r[k]! < MIN_ACF || r[k]! - trough < MIN_PROMINENCE) continue;
    const w = Math.max(2, Math.round(0.05 * k));
    let isMax = true;
    for (let j = Math.max(1, k - w); j <= Math.min(m - 1, k + w) && isMax; j++) if (r[j]! > r[k]!) isMax = false;
    if (!isMax) continue;
    peaks.push({ period: k * block, acf: r[k]! });
    // The next peak must rise from its own trough, not from this one's.
    trough = r[k]!;
  }
  // A periodic signal has a peak at every multiple of its period: only the highest peak of each
  // family is kept, and only the few highest are refined (each refinement folds the whole series).
  const kept: Array<{ period: number; acf: number }> = [];
  for (const peak of peaks.sort((a, b) => b.acf - a.acf)) {
    if (kept.length >= MAX_ACF_CANDIDATES) break;
    const harmonic = kept.some(({ period }) => {
      const j = Math.round(peak.period / period);
      return j >= 2 && Math.abs(peak.period - j * period) <= Math.max(2 * block, CLOCK_SNAP * peak.period);
    });
    if (!harmonic) kept.push(peak);
  }
  return kept.map(({ period, acf }) => ({
    period: refine(e, period, Math.max(block, Math.ceil(0.015 * period))),
    acf,
  }));
}

/**
 * The period near `around` whose phase profile explains most of x (epoch folding), less what a
 * profile of that many phases absorbs from noise alone. An ACF peak itself wanders by a percent
 * or two with noise; folding over every cycle pins the period to the point.
 */
function refine(x: Float64Array, around: number, radius: number): number {
  const n = x.length;
  let total = 0;
  for (let t = 0; t < n; t++) total += x[t]! * x[t]!;
  const noise = total / n;
  let best = around;
  let bestScore = -Infinity;
  const sums = new Float64Array(around + radius);
  const counts = new Float64Array(around + radius);
  for (let p = Math.max(MIN_PERIOD, around - radius); p <= around + radius && 2 * p <= n; p++) {
    sums.fill(0, 0, p);
    counts.fill(0, 0, p);
    for (let t = 0, k = 0; t < n; t++, k = k + 1 === p ? 0 : k + 1) {
      sums[k]! += x[t]!;
      counts[k]!++;
    }
    let explained = 0;
    for (let k = 0; k < p; k++) explained += (sums[k]! * sums[k]!) / counts[k]!;
    const score = explained - p * noise;
    if (score > bestScore) {
      bestScore = score;
      best = p;
    }
  }
  return best;
}

/**
 * Centred moving average over `width` points (n >= width). Within half a window of either end
 * the nearest full window's value is held: a truncated window would take in part of a cycle,
 * i.e. some of the season it is meant to leave in place.
 */
function movingAverage(y: ArrayLike<number>, width: number): Float64Array {
  const n = y.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + y[i]!;
  const before = Math.floor(width / 2);
  const after = width - 1 - before;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = Math.min(Math.max(t, before), n - 1 - after);
    out[t] = (prefix[c + after + 1]! - prefix[c - before]!) / width;
  }
  return out;
}

const INSERTION_SORT_MAX = 32;

/** x[0..m) sorted in place (ascending), returned. */
function insertionSorted(x: Float64Array, m: number): Float64Array {
  for (let i = 1; i < m; i++) {
    const v = x[i]!;
    let j = i - 1;
    for (; j >= 0 && x[j]! > v; j--) x[j + 1] = x[j]!;
    x[j + 1] = v;
  }
  return x;
}

/**
 * Detrended value per phase over y[0..end), centred on zero: the median over cycles once there
 * are three (one spike or outage in a cycle must not become part of the season), else the mean.
 */
function phaseProfile(d: Float64Array, period: number, end: number): Float64Array {
  const profile = new Float64Array(period);
  const scratch = new Float64Array(Math.ceil(end / period));
  for (let k = 0; k < period; k++) {
    let m = 0;
    for (let t = k; t < end; t += period) scratch[m++] = d[t]!;
    if (m === 0) continue;
    if (m < 3) {
      let s = 0;
      for (let i = 0; i < m; i++) s += scratch[i]!;
      profile[k] = s / m;
      continue;
    }
    // A few cycles (the usual case) are sorted in place: a view and a library sort per phase cost more.
    const sorted = m <= INSERTION_SORT_MAX ? insertionSorted(scratch, m) : scratch.subarray(0, m).sort();
    profile[k] = m % 2 === 1 ? sorted[(m - 1) / 2]! : (sorted[m / 2 - 1]! + sorted[m / 2]!) / 2;
  }
  let mean = 0;
  for (let k = 0; k < period; k++) mean += profile[k]!;
  mean /= period;
  for (let k = 0; k < period; k++) profile[k]! -= mean;
  return profile;
}

/** Most recent cycles held out one after another, each predicted from the cycles before it. */
const HELD_OUT_CYCLES = 3;
/** Absolute errors are capped at this many times their median, so one spike cannot decide. */
const ERROR_CAP = 5;

/** Median by selection (Hoare's quickselect, median-of-three pivots): the held-out checks take several per period. */
function median(values: Float64Array): number {
  const x = Float64Array.from(values);
  const m = x.length;
  const upper = m >> 1;
  selectInPlace(x, upper);
  if (m % 2 === 1) return x[upper]!;
  // Everything below `upper` is now no larger than x[upper]: the lower middle value is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < upper; i++) if (x[i]! > lower) lower = x[i]!;
  return (lower + x[upper]!) / 2;
}

/** Rearranges x so that x[k] is its k-th smallest value, nothing larger before it and nothing smaller after. */
function selectInPlace(x: Float64Array, k: number): void {
  let lo = 0;
  let hi = x.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as the pivot: sorted (as many series are, in stretches) input stays linear.
    const a = x[lo]!;
    const b = x[mid]!;
    const c = x[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (x[i]! < pivot) i++;
      while (x[j]! > pivot) j--;
      if (i <= j) {
        const t = x[i]!;
        x[i] = x[j]!;
        x[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

/**
 * Share of the held-out absolute deviation a season removes, each deviation capped at ERROR_CAP medians so
 * that a spike or two decides nothing.
 */
function cappedGain(without: Float64Array, withSeason: Float64Array): number {
  const cap = ERROR_CAP * Math.max(median(without), median(withSeason));
  let a = 0;
  let b = 0;
  for (let i = 0; i < without.length; i++) {
    a += Math.min(without[i]!, cap);
    b += Math.min(withSeason[i]!, cap);
  }
  return a > 0 ? 1 - b / a : 0;
}
/**
 * Held-out gain of a period: the series is detrended by a moving average one cycle wide (which
 * removes the level but not the season); each of the last few cycles is predicted by the phase
 * profile of the cycles before it, and the gain is the share of those cycles' absolute deviation
 * (capped against spikes) that the profiles remove.
 */
export function heldOutGain(y: ArrayLike<number>, period: number, block = 1): number {
  return gainAround(y, period, movingAverage(y, period), block);
}

/**
 * heldOutGain with the level taken as a running median one cycle wide instead of the mean. A series that
 * is flat between jumps on a schedule (a level that steps every 400 points) leaves a moving average's
 * ramps across every jump, the same ramp in every cycle when the jumps happen to keep one sign, which
 * the mean's check takes for a season; the median follows the jump within a few points and leaves only
 * the noise. A real season is the same to both: any statistic over a whole cycle of it is a constant.
 */
export function heldOutGainAroundMedian(y: ArrayLike<number>, period: number, block = 1): number {
  const level = runningMedian(y, period);
  // Centred, as the profiles are: a median over a cycle is not the cycle's mean.
  let offset = 0;
  for (let t = 0; t < y.length; t++) offset += y[t]! - level[t]!;
  offset /= y.length;
  for (let t = 0; t < y.length; t++) level[t]! += offset;
  return gainAround(y, period, level, block);
}

/** Blocks per cycle over which runningMedian slides: finer would cost more and follow a jump no better. */
const MEDIAN_BLOCKS = 200;

/**
 * Centred running median one cycle wide, of block means (a cycle is about MEDIAN_BLOCKS blocks, so a
 * jump is followed to within a block); held at the nearest full window within half a window of
 * either end, as movingAverage is.
 */
export function runningMedian(y: ArrayLike<number>, period: number): Float64Array {
  const n = y.length;
  const block = Math.max(1, Math.ceil(period / MEDIAN_BLOCKS));
  const m = Math.floor(n / block);
  const width = Math.min(m, Math.max(1, Math.round(period / block)));
  const means = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < block; j++) s += y[i * block + j]!;
    means[i] = s / block;
  }
  // The window kept sorted as it slides: one removal and one insertion by binary search per block.
  const sorted = means.slice(0, width).sort();
  const medians = new Float64Array(m - width + 1);
  medians[0] = medianOfSorted(sorted);
  for (let start = 1; start + width <= m; start++) {
    const out = means[start - 1]!;
    let i = lowerBound(sorted, width, out);
    sorted.copyWithin(i, i + 1, width);
    const v = means[start + width - 1]!;
    i = lowerBound(sorted, width - 1, v);
    sorted.copyWithin(i + 1, i, width - 1);
    sorted[i] = v;
    medians[start] = medianOfSorted(sorted);
  }
  const level = new Float64Array(n);
  const before = Math.floor(width / 2);
  for (let t = 0; t < n; t++) {
    const b = Math.min(Math.floor(t / block), m - 1);
    level[t] = medians[Math.min(Math.max(b - before, 0), m - width)]!;
  }
  return level;
}

/** First index in sorted[0..length) whose value is not below v. */
function lowerBound(sorted: Float64Array, length: number, v: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The held-out gain of a period in y less `level` (heldOutGain's, for any level), over the means of `block`
 * consecutive points of the held-out cycles (1: point by point).
 */
function gainAround(y: ArrayLike<number>, period: number, level: Float64Array, block = 1): number {
  const n = y.length;
  const cycles = Math.floor(n / period);
  if (cycles < 2) return Number.NaN;
  const d = new Float64Array(n);
  for (let t = 0; t < n; t++) d[t] = y[t]! - level[t]!;
  // Over blocks a cycle gives WEAK_SEASON_BLOCKS numbers, not hundreds: every cycle but the first two is held out.
  const held = Math.max(Math.min(HELD_OUT_CYCLES, cycles - 1), block > 1 ? cycles - 2 : 0);
  const first = n - held * period;
  const blocks = Math.floor((n - first) / block);
  const without = new Float64Array(blocks);
  const withProfile = new Float64Array(blocks);
  for (let c = 0; c < held; c++) {
    const start = first + c * period;
    const profile = phaseProfile(d, period, start);
    for (let t = start; t < start + period; t++) {
      const b = Math.floor((t - first) / block);
      if (b >= blocks) break;
      without[b]! += d[t]!;
      withProfile[b]! += d[t]! - profile[t % period]!;
    }
  }
  // Absolute values of the sums: the means' up to the block's length, which the gain's ratio does not see.
  for (let b = 0; b < blocks; b++) {
    without[b] = Math.abs(without[b]!);
    withProfile[b] = Math.abs(withProfile[b]!);
  }
  return cappedGain(without, withProfile);
}

/**
 * Each point less the mean of its neighbours, halved: (2 y_t - y_{t-1} - y_{t+1}) / 4. A level or a
 * slope cancels and an alternation c (-1)^t passes whole, which a detrending moving average one
 * cycle (two points) wide would not give: it is not centred.
 */
function alternationResidual(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const d = new Float64Array(n);
  for (let t = 1; t < n - 1; t++) d[t] = (2 * y[t]! - y[t - 1]! - y[t + 1]!) / 4;
  return d;
}

/** Median of (-1)^t d_t over [from, to): the alternation's amplitude there, a spike or two ignored. */
function amplitude(d: Float64Array, from: number, to: number): number {
  const signed = new Float64Array(to - from);
  for (let t = from; t < to; t++) signed[t - from] = t % 2 === 0 ? d[t]! : -d[t]!;
  return median(signed);
}

/** Points the alternation check needs: a window to learn from before the first held-out block. */
export const ALTERNATION_MIN_POINTS = ALTERNATION.window + ALTERNATION.blocks * ALTERNATION.block + 1;

/**
 * Held-out gain of an alternation from one step to the next (period 2): each of the last few
 * blocks is predicted by the amplitude of the window before it, and the gain is the share of
 * those blocks' absolute deviation (capped against spikes, as heldOutGain's) that it removes.
 * NaN when the series is too short to hold out a block.
 */
export function alternationGain(y: ArrayLike<number>): number {
  const n = y.length;
  if (n < ALTERNATION_MIN_POINTS) return Number.NaN;
  const d = alternationResidual(y);
  const { window, block, blocks } = ALTERNATION;
  // The last point has no successor to centre on: the held-out blocks end one before it.
  const first = n - 1 - blocks * block;
  const without = new Float64Array(blocks * block);
  const withAmplitude = new Float64Array(blocks * block);
  for (let b = 0; b < blocks; b++) {
    const start = first + b * block;
    const c = amplitude(d, start - window, start);
    for (let t = start; t < start + block; t++) {
      without[t - first] = Math.abs(d[t]!);
      withAmplitude[t - first] = Math.abs(d[t]! - (t % 2 === 0 ? c : -c));
    }
  }
  return cappedGain(without, withAmplitude);
}

/** y less its alternation, the amplitude taken window by window from the end (it may change phase). */
function removeAlternation(y: Float64Array): Float64Array {
  const d = alternationResidual(y);
  const out = Float64Array.from(y);
  for (let to = y.length; to > 0; to -= ALTERNATION.window) {
    const from = Math.max(0, to - ALTERNATION.window);
    const c = amplitude(d, from, to);
    for (let t = from; t < to; t++) out[t]! -= t % 2 === 0 ? c : -c;
  }
  return out;
}

/**
 * y with its level shifts (breaks.ts findBreaks) taken out: each point less the sum of the jumps before it. Undefined
 * where findBreaks sees none (or more than it takes for shifts: then the level moves as its ordinary behaviour).
 */
export function withoutLevelShifts(y: Float64Array): Float64Array | undefined {
  const breaks = findBreaks(y);
  if (breaks === undefined) return undefined;
  const out = Float64Array.from(y);
  let shift = 0;
  let next = 0;
  for (let t = 0; t < y.length; t++) {
    while (next < breaks.at.length && breaks.at[next] === t) shift += breaks.jumps[next++]!;
    out[t]! -= shift;
  }
  return out;
}

/** y minus its phase profile over the whole series (after detrending), for checking the next period. */
function removeProfile(y: Float64Array, period: number): Float64Array {
  const trend = movingAverage(y, period);
  const d = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) d[t] = y[t]! - trend[t]!;
  const profile = phaseProfile(d, period, y.length);
  return y.map((v, t) => v - profile[t % period]!);
}

export interface PeriodOptions {
  /** Check for an alternation (period 2) as well; FitSpec.alternation says why it is asked for. */
  alternation?: boolean;
  /**
   * Trust a day or a week whose profile predicts the held-out cycles' block means (WEAK_SEASON_BLOCKS) where it does
   * not predict their single points; FitSpec.weakSeasons says why it is asked for.
   */
  weakSeasons?: boolean;
}

/**
 * Candidate periods of a gap-free series and the verdict on each, shortest first. Accepted
 * periods are checked in turn on what the shorter accepted ones leave, so a week is trusted only
 * for what it adds to the day, and a harmonic of an accepted period adds nothing. An alternation
 * (period 2), when asked for, comes first and is listed only when trusted.
 */
export function findPeriods(
  y: ArrayLike<number>,
  stepSeconds: number,
  { alternation: lookForAlternation = false, weakSeasons = false }: PeriodOptions = {},
): PeriodCheck[] {
  const n = y.length;
  const clock = clockPeriods(stepSeconds, n);
  const candidates = new Map<number, { source: 'clock' | 'acf'; acf?: number }>();
  for (const p of clock) candidates.set(p, { source: 'clock' });
  for (const { period, acf } of acfPeaks(y)) {
    const near = clock.find((c) => Math.abs(period - c) <= CLOCK_SNAP * c);
    const p = near ?? period;
    const known = candidates.get(p);
    candidates.set(p, { source: known?.source ?? 'acf', acf: Math.max(acf, known?.acf ?? -Infinity) });
  }
  const checks: PeriodCheck[] = [];
  let rest: Float64Array = Float64Array.from(y);
  // Reported only when trusted: every series long enough is checked, and almost none alternates.
  const alternation = lookForAlternation ? alternationGain(y) : Number.NaN;
  if (alternation >= MIN_GAIN) {
    checks.push({ period: 2, source: 'alternation', rejected: null, gain: alternation });
    rest = removeAlternation(rest);
  }
  for (const period of [...candidates.keys()].sort((a, b) => a - b)) {
    const { source, acf } = candidates.get(period)!;
    const base = { period, source, ...(acf === undefined ? {} : { acf }) };
    if (n < 2 * period) {
      checks.push({ ...base, rejected: `fewer than two cycles (${(n / period).toFixed(2)})` });
      continue;
    }
    // An alternation does not count: its STL pass is cheap, and it must not cost a day its week.
    if (checks.filter((c) => c.rejected === null && c.period !== 2).length >= MAX_PERIODS) {
      checks.push({ ...base, rejected: `already ${MAX_PERIODS} periods` });
      continue;
    }
    const gain = heldOutGain(rest, period);
    // A clock period is named before the data are seen; its profile need only predict the blocks' means.
    const block = Math.round(period / WEAK_SEASON_BLOCKS);
    const blockGain =
      gain >= MIN_GAIN || !weakSeasons || source !== 'clock' || block < 2
        ? undefined
        : heldOutGain(rest, period, block);
    const blocks = blockGain === undefined ? {} : { blockGain };
    if (!(gain >= MIN_GAIN) && !(blockGain !== undefined && blockGain >= MIN_GAIN)) {
      const over = blockGain === undefined ? '' : `, ${blockGain.toFixed(2)} over ${WEAK_SEASON_BLOCKS} blocks a cycle`;
      checks.push({ ...base, rejected: `no held-out gain (${gain.toFixed(2)}${over} < ${MIN_GAIN})`, gain, ...blocks });
      continue;
    }
    const medianGain = heldOutGainAroundMedian(rest, period, blockGain === undefined ? 1 : block);
    if (!(medianGain >= MIN_GAIN)) {
      const rejected = `no held-out gain around a running median (${medianGain.toFixed(2)} < ${MIN_GAIN})`;
      checks.push({ ...base, rejected, gain, ...blocks, medianGain });
      continue;
    }
    // A clock period is not checked: it is named before the data are seen, and a weekend that lowers the level is a
    // season made of two shifts a week, which two weeks show. An autocorrelation peak is the period that fits the
    // data best, so a few shifts that happen to repeat once always find one to fit. Computed only here: few series
    // get this far with so few cycles, and findBreaks sorts a window per point.
    const fewCycles = source === 'acf' && Math.floor(n / period) < MIN_STEP_SEASON_CYCLES;
    const shiftFree = fewCycles ? withoutLevelShifts(rest) : undefined;
    const shiftFreeGain = shiftFree === undefined ? undefined : heldOutGain(shiftFree, period);
    const gains = { gain, ...blocks, medianGain, ...(shiftFreeGain === undefined ? {} : { shiftFreeGain }) };
    if (shiftFreeGain !== undefined && !(shiftFreeGain >= MIN_GAIN)) {
      const rejected =
        `no held-out gain without its level shifts (${shiftFreeGain.toFixed(2)} < ${MIN_GAIN}) ` +
        `over fewer than ${MIN_STEP_SEASON_CYCLES} cycles`;
      checks.push({ ...base, rejected, ...gains });
      continue;
    }
    checks.push({ ...base, rejected: null, ...gains });
    rest = removeProfile(rest, period);
  }
  return checks;
}
