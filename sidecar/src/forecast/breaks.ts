/**
 * Level shifts (breaks) in a training window, and the multi-step interval of a series that has them. A level that
 * steps now and then (a deploy, a failover, a cache that fills) errs h steps out by a whole step whenever one
 * falls inside the horizon, and not otherwise: the interval is a mixture of "no break by step h" and "a break of
 * one of the sizes seen", weighted by the chance of a break by step h (break-schedule.ts). The model's own h-step
 * errors (spread.ts) held both parts in one empirical quantile, which reaches the breaks only once they are over
 * 5% of the h-step errors: on the shape suite's level steps (a jump of 30 under noise of 2 every 400 steps) from
 * step 28-32, while a jump inside the horizon already missed more than 5% of the points from step 11 (issue 18,
 * brk25, lvl26). Pure: detection and the mixture's quantile, no model.
 */
import { normalCdf, normalQuantile, zFor } from './calibration.js';
import { medianOfSorted } from './series.js';

/**
 * Points on each side of a candidate break whose medians are compared: enough that the median of each is a
 * level (its noise 0.28 of the values' own, on white noise), few enough that breaks 40 steps apart are both seen.
 */
export const BREAK_WINDOW = 20;
/** Points on each side whose medians place a break at its step (a ramp over more steps than this is no break). */
const STEP_POINTS = 3;
/** Fewest points after (or before) a break near the window's end (start) for it to be seen. */
const EDGE_POINTS = 5;
/**
 * How many level scales (levelScale) the medians either side of a break must differ by. The level scale is
 * the spread of changes over BREAK_WINDOW steps, so a wandering level (a random walk, an AR(1) near its unit
 * root), a slope and a smooth cycle all change by about one level scale between windows: eight is no wander.
 * On white noise the median difference has a standard deviation of 0.4 level scales, so a break is 20 of them.
 */
export const BREAK_SCALES = 8;
/**
 * A break's step must hold this share of the change between the BREAK_WINDOW medians (STEP_POINTS each side):
 * a step, not a ramp.
 */
const STEP_SHARE = 0.5;
/**
 * Fewest points a break per: a window with more breaks than one per this many points shifts as its ordinary
 * behaviour, which its h-step errors then hold directly, and no break is taken out.
 */
export const MIN_POINTS_PER_BREAK = 100;
/**
 * Steps around a break whose forecast windows are also left out of the no-break errors (spread.ts): the break's
 * place is known to a step or so.
 */
export const BREAK_MARGIN = 1;

/** The breaks of a window: where each is (the index of the first point after it) and its size (model units). */
export interface Breaks {
  /** Ascending indices into the window, each the first point on the new level. */
  at: number[];
  /** The size of each, the median after less the median before (signed). */
  jumps: number[];
}

/**
 * A multiset of numbers kept sorted, for the median of a window that slides one point at a time: an insertion or a
 * removal is a binary search and one shift of at most BREAK_WINDOW values, where sorting each window afresh spent
 * 5% of a bands fit on NAB elb (3,400 points, two windows a point). Exact: the median of the same values as a sort.
 */
class SortedRun {
  private readonly sorted: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.sorted = new Float64Array(capacity);
  }

  /** The first index whose value is not below v. */
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(v: number): void {
    const at = this.lowerBound(v);
    this.sorted.copyWithin(at + 1, at, this.n);
    this.sorted[at] = v;
    this.n++;
  }

  /** Takes out one value equal to v, which the run holds. */
  remove(v: number): void {
    const at = this.lowerBound(v);
    this.sorted.copyWithin(at, at + 1, this.n);
    this.n--;
  }

  median(): number {
    return medianOfSorted(this.sorted.subarray(0, this.n));
  }
}

/**
 * d[i] = the median of y[i, i + w) less that of y[i - w, i), each cut at the ends of y, for every i in [from, to]:
 * the two windows slide along y, one value in and one out of each per step.
 */
export function medianChanges(y: Float64Array, w: number, from: number, to: number, d: Float64Array): void {
  const m = y.length;
  const before = new SortedRun(w);
  const after = new SortedRun(w);
  for (let t = Math.max(0, from - w); t < from; t++) before.add(y[t]!);
  for (let t = from; t < Math.min(m, from + w); t++) after.add(y[t]!);
  for (let i = from; i <= to; i++) {
    d[i] = after.median() - before.median();
    // To i + 1: y[i] leaves the window after and joins the one before; y[i + w] joins after, y[i - w] leaves before.
    after.remove(y[i]!);
    if (i + w < m) after.add(y[i + w]!);
    if (i - w >= 0) before.remove(y[i - w]!);
    before.add(y[i]!);
  }
}

function median(values: Float64Array, from: number, to: number, scratch: Float64Array): number {
  const n = to - from;
  const sorted = scratch.subarray(0, n);
  sorted.set(values.subarray(from, to));
  sorted.sort();
  return medianOfSorted(sorted);
}

/**
 * The share of the changes over BREAK_WINDOW steps the level scale is read at. Not their median: a value that sits
 * on a few levels most of the time (a quantised CPU share, a gauge of whole units) has a median change of zero, and
 * every move between its levels was then a break (NAB grok: ten in one window of 2,000). The 90th percentile
 * leaves room for breaks that span a tenth of those pairs (one every 200 steps) before they raise the scale.
 */
const LEVEL_QUANTILE = 0.9;

/**
 * The spread of the level over BREAK_WINDOW steps: the LEVEL_QUANTILE quantile of |y[i + w] - y[i]| over that of
 * |N(0, 2)| (the noise's standard deviation for white noise around a level, whatever breaks a few of those pairs
 * span).
 */
function levelScale(y: Float64Array, w: number): number {
  const diffs = new Float64Array(y.length - w);
  for (let i = 0; i + w < y.length; i++) diffs[i] = Math.abs(y[i + w]! - y[i]!);
  diffs.sort();
  const h = (diffs.length - 1) * LEVEL_QUANTILE;
  const lo = Math.floor(h);
  const hi = Math.min(diffs.length - 1, lo + 1);
  const q = diffs[lo]! + (h - lo) * (diffs[hi]! - diffs[lo]!);
  return q / (normalQuantile((1 + LEVEL_QUANTILE) / 2) * Math.SQRT2);
}

/** Sum of |y - median| over y[from..to). */
function absDeviation(y: Float64Array, from: number, to: number, scratch: Float64Array): number {
  const mid = median(y, from, to, scratch);
  let s = 0;
  for (let t = from; t < to; t++) s += Math.abs(y[t]! - mid);
  return s;
}

/**
 * Where in y[i - w, i + w) a single step fits best (least absolute deviation from the medians either side), within
 * w / 2 of i: the medians of a few points either side of the step are the same one step either way of it.
 */
function splitPoint(y: Float64Array, i: number, w: number, scratch: Float64Array): number {
  const from = Math.max(0, i - w);
  const to = Math.min(y.length, i + w);
  let best = i;
  let least = Infinity;
  for (let j = Math.max(from + 1, i - w / 2); j <= Math.min(to - 1, i + w / 2); j++) {
    const cost = absDeviation(y, from, j, scratch) + absDeviation(y, j, to, scratch);
    if (cost < least) {
      least = cost;
      best = j;
    }
  }
  return best;
}

/**
 * The level shifts of `x` (NaN = gap): points where the medians of the BREAK_WINDOW observed values before and
 * after differ by BREAK_SCALES level scales or more, at a local largest such difference (none other within
 * BREAK_WINDOW), with most of it in a single step; near the window's ends with as few as EDGE_POINTS values on the
 * short side. Undefined where there are none, or more than one per MIN_POINTS_PER_BREAK points.
 */
export function findBreaks(x: Float64Array): Breaks | undefined {
  const index: number[] = [];
  for (let t = 0; t < x.length; t++) if (!Number.isNaN(x[t]!)) index.push(t);
  const m = index.length;
  const w = BREAK_WINDOW;
  if (m < 4 * w) return undefined;
  const y = Float64Array.from(index, (t) => x[t]!);
  const scale = levelScale(y, w);
  if (!(scale > 0) || !Number.isFinite(scale)) return undefined;
  const scratch = new Float64Array(2 * w);
  const change = (i: number, points: number): number =>
    median(y, i, Math.min(m, i + points), scratch) - median(y, Math.max(0, i - points), i, scratch);
  const limit = BREAK_SCALES * scale;
  const d = new Float64Array(m);
  medianChanges(y, w, EDGE_POINTS, m - EDGE_POINTS, d);
  const candidates: number[] = [];
  for (let i = EDGE_POINTS; i <= m - EDGE_POINTS; i++) if (Math.abs(d[i]!) >= limit) candidates.push(i);
  if (candidates.length === 0) return undefined;
  // The largest first; none within a window of one taken.
  candidates.sort((a, b) => Math.abs(d[b]!) - Math.abs(d[a]!) || a - b);
  const taken: number[] = [];
  for (const i of candidates) {
    if (taken.some((j) => Math.abs(i - j) < w)) continue;
    taken.push(i);
  }
  const at: number[] = [];
  const jumps: number[] = [];
  for (const i of taken.sort((a, b) => a - b)) {
    const best = splitPoint(y, i, w, scratch);
    if (best < EDGE_POINTS || best > m - EDGE_POINTS) continue;
    const bestStep = Math.sign(d[i]!) * change(best, STEP_POINTS);
    if (bestStep < STEP_SHARE * Math.abs(d[i]!)) continue;
    const size = change(best, w);
    if (!(Math.abs(size) >= limit)) continue;
    at.push(index[best]!);
    jumps.push(size);
  }
  if (at.length === 0 || at.length * MIN_POINTS_PER_BREAK > m) return undefined;
  return { at, jumps };
}

/** The level shifts in a window's held-out tail, as the one-step band's calibration takes them out (tailShifts). */
export interface TailShifts {
  /** At tail point k, what the breaks in the tail up to it moved the level by (the sum of their jumps). */
  level: Float64Array;
  /** 1 where point k's one-step forecast spans a break, give or take BREAK_MARGIN (spread.ts leaves the same out). */
  spans: Uint8Array;
}

/**
 * The level shifts in a window's held-out tail (the points from `from` on, `length` of them, of a window of
 * `windowLength`), where the tail holds more of the window's breaks than its share (length / windowLength of
 * them): the one-step band is then calibrated on the errors of a forecast without them, on the level they moved to
 * (fit.ts, calibrateOnTail). Undefined where the tail holds none, or no more than its share: its errors stand as
 * they came.
 *
 * Why: the tail is where the band learns what the next points will do, and a break is a one-off at one step (its
 * chance there is the window's count over its length, a few in 10,000). A tail that holds the window's one break errs
 * by the jump until the model has taken up the new level, which a model fitted on the level before it (a differenced
 * remainder that keeps little of each shock) takes hundreds of steps to do, and those errors set the band's width
 * as if every hour might hold a break: on NAB's AWS series (17, 10 origins each over their last two days) the 29
 * origins with a break in the tail held 0.995 of the next hour at one step, the other 143 0.938 (issue 18, nab27).
 * A series whose level steps every few hundred points has its share of them in the tail, and keeps those errors.
 */
export function tailShifts(
  breaks: Breaks | undefined,
  from: number,
  length: number,
  windowLength: number,
): TailShifts | undefined {
  if (!breaks) return undefined;
  const inTail = breaks.at.filter((b) => b >= from).length;
  if (inTail === 0 || inTail * windowLength <= breaks.at.length * length) return undefined;
  const level = new Float64Array(length);
  const spans = new Uint8Array(length);
  breaks.at.forEach((b, i) => {
    // One before the tail the model has met in the part it was fitted on: no shift.
    if (b >= from) for (let k = b - from; k < length; k++) level[k] = level[k]! + breaks.jumps[i]!;
    for (let t = b - BREAK_MARGIN; t <= b + BREAK_MARGIN; t++) if (t >= from && t < from + length) spans[t - from] = 1;
  });
  return { level, spans };
}

/** Bisection steps of the mixture's quantile: the bracket shrinks 2^-50. */
const QUANTILE_STEPS = 50;

/**
 * The half-width of the central `confidence` interval of a mixture around the forecast: no break (chance
 * 1 - p), a normal of scale `sigma`; a break (chance p), the same normal moved by one of `jumps`, each taken with
 * either sign (a level that stepped up can step down: the sizes are what is learnt, not the signs). Symmetric,
 * so the interval is the forecast +- the returned half-width. At p = 0, z(confidence) sigma.
 */
export function breakHalfWidth(sigma: number, p: number, jumps: readonly number[], confidence: number): number {
  const z = zFor(confidence);
  if (!(p > 0) || jumps.length === 0 || !(sigma > 0)) return z * sigma;
  const tail = (1 - confidence) / 2;
  const share = p / (2 * jumps.length);
  // Chance above q of the mixture (its upper tail; the lower one is the same).
  const above = (q: number): number => {
    let s = (1 - p) * (1 - normalCdf(q / sigma));
    for (const jump of jumps) {
      const size = Math.abs(jump);
      s += share * (2 - normalCdf((q - size) / sigma) - normalCdf((q + size) / sigma));
    }
    return s;
  };
  let lo = 0;
  let hi = Math.max(...jumps.map(Math.abs)) + 10 * sigma;
  for (let k = 0; k < QUANTILE_STEPS; k++) {
    const mid = (lo + hi) / 2;
    if (above(mid) > tail) lo = mid;
    else hi = mid;
  }
  return hi;
}
