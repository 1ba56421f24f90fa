/**
 * A variance-stabilising transform chosen from the data (a Box-Cox lambda of 1, 1/2 or 0, after
 * Guerrero's method): traffic in bytes/s and request counts have noise that grows with the level,
 * so a band of one width is too wide at night and too narrow at the peak. The model is fitted to
 * the transformed values; forecasts and bands are mapped back, the one-step band through the
 * derivative of the inverse (a symmetric band around the back-transformed forecast).
 */

export type TransformKind = 'none' | 'sqrt' | 'log';

export interface TransformChoice {
  kind: TransformKind;
  /** Slope of log(local noise) on log(local level): 0 for additive noise, 1/2 Poisson, 1 multiplicative. */
  slope?: number;
  /** Why no transform (or which one) was chosen. */
  reason: string;
}

/** Blocks the series is cut into to relate local noise to local level; fewer and none is chosen. */
const MIN_BLOCKS = 8;
/** The level must vary at least this much (max/min block level) for the slope to mean anything. */
const MIN_LEVEL_RATIO = 2;
/** Slope thresholds between the candidate lambdas 1, 1/2 and 0 (midpoints). */
const SQRT_SLOPE = 0.3;
const LOG_SLOPE = 0.7;

/** Values per block: an hour at minute steps, never fewer than 10 points. */
function blockLength(n: number): number {
  return Math.max(10, Math.min(60, Math.floor(n / 16)));
}

/**
 * Chooses the transform from observed values (NaN = gap). Local level is a block's median, local
 * noise its mean absolute first difference (which a slow trend or season barely moves).
 */
export function chooseTransform(x: Float64Array): TransformChoice {
  let min = Infinity;
  for (const v of x) if (!Number.isNaN(v) && v < min) min = v;
  if (!(min >= 0)) return { kind: 'none', reason: 'negative values' };
  const length = blockLength(x.length);
  const levels: number[] = [];
  const noises: number[] = [];
  for (let start = 0; start + length <= x.length; start += length) {
    const block: number[] = [];
    let diffs = 0;
    let count = 0;
    for (let t = start; t < start + length; t++) {
      const v = x[t]!;
      if (Number.isNaN(v)) continue;
      block.push(v);
      const prev = x[t - 1];
      if (t > start && prev !== undefined && !Number.isNaN(prev)) {
        diffs += Math.abs(v - prev);
        count++;
      }
    }
    if (block.length < length / 2 || count === 0) continue;
    block.sort((a, b) => a - b);
    const level = block[Math.floor(block.length / 2)]!;
    const noise = diffs / count;
    if (level > 0 && noise > 0) {
      levels.push(Math.log(level));
      noises.push(Math.log(noise));
    }
  }
  if (levels.length < MIN_BLOCKS) return { kind: 'none', reason: `${levels.length} usable blocks` };
  const spread = Math.max(...levels) - Math.min(...levels);
  if (spread < Math.log(MIN_LEVEL_RATIO)) {
    return { kind: 'none', reason: `level varies ${Math.exp(spread).toFixed(2)}x (< ${MIN_LEVEL_RATIO}x)` };
  }
  const ml = levels.reduce((a, b) => a + b, 0) / levels.length;
  const mn = noises.reduce((a, b) => a + b, 0) / noises.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < levels.length; i++) {
    sxy += (levels[i]! - ml) * (noises[i]! - mn);
    sxx += (levels[i]! - ml) ** 2;
  }
  const slope = sxy / sxx;
  if (slope >= LOG_SLOPE && min > 0) return { kind: 'log', slope, reason: `noise ~ level^${slope.toFixed(2)}` };
  if (slope >= SQRT_SLOPE) return { kind: 'sqrt', slope, reason: `noise ~ level^${slope.toFixed(2)}` };
  return { kind: 'none', slope, reason: `noise ~ level^${slope.toFixed(2)}` };
}

/** Into model space; values the transform cannot take (below zero) are clamped to its edge. */
export function forward(kind: TransformKind, v: number): number {
  switch (kind) {
    case 'none':
      return v;
    case 'sqrt':
      return Math.sqrt(Math.max(v, 0));
    case 'log':
      // The smallest positive double's log: a zero (an outage) is far below, not -Infinity.
      return Math.log(Math.max(v, Number.MIN_VALUE));
  }
}

/** Back to data units. */
export function inverse(kind: TransformKind, u: number): number {
  switch (kind) {
    case 'none':
      return u;
    case 'sqrt':
      return u > 0 ? u * u : 0;
    case 'log':
      return Math.exp(u);
  }
}

/** d inverse / du: how a model-space scale maps to data units at u. */
export function inverseSlope(kind: TransformKind, u: number): number {
  switch (kind) {
    case 'none':
      return 1;
    case 'sqrt':
      return 2 * Math.max(u, 0);
    case 'log':
      return Math.exp(u);
  }
}

/**
 * What a count is shifted by before the root that its band is drawn in (Anscombe's 3/8). The model
 * stays in the plain root (transform 'sqrt'): only the band's width moves. The root of a Poisson count
 * has variance 0.40 at a mean of 1, 0.34 at 3 and 0.26 at 11, so one width in the plain root is too
 * wide where the counts are high and too narrow where they are low; the root of the count plus 3/8 has
 * 0.23-0.25 from a mean of 2 on. Fitting the model in that root instead moved the shape suite's order
 * search at four of its eight Poisson origins (issue 18, cov22 and poi23).
 */
export const COUNT_ROOT_SHIFT = 3 / 8;

/** Whether every observed value (NaN = gap) is a whole number: a count, in whose units the shift is meant. */
export function wholeNumbers(x: Float64Array): boolean {
  for (const v of x) if (!Number.isNaN(v) && !Number.isInteger(v)) return false;
  return true;
}

/**
 * A root model's band over counts, in data units: `half` either side of the forecast in the root of the
 * value plus `shift`, the forecast `u` (and `half`) in the plain root's units. Its lower edge is 0 where the
 * band reaches below the shifted root of 0.
 */
export function countRootBand(u: number, half: number, shift: number): { lower: number; upper: number } {
  const a = Math.sqrt(inverse('sqrt', u) + shift);
  const low = a - half;
  return { lower: low > Math.sqrt(shift) ? low * low - shift : 0, upper: (a + half) ** 2 - shift };
}

/**
 * A band's edges in data units around `x` ± `half` in normalised model units (centre + scale × x): through the
 * transform's inverse, or in the root of the count plus `rootShift` where a root model over counts asks for it.
 */
export function bandEdges(
  kind: TransformKind,
  scaling: { center: number; scale: number },
  x: number,
  half: number,
  rootShift: number,
): { lower: number; upper: number } {
  const { center, scale } = scaling;
  if (rootShift > 0) return countRootBand(center + scale * x, scale * half, rootShift);
  return { lower: inverse(kind, center + scale * (x - half)), upper: inverse(kind, center + scale * (x + half)) };
}

/** A one-step error as countRootBand reads it, from the observed and forecast values in the plain root's units. */
export function countRootError(observed: number, forecast: number, shift: number): number {
  return Math.sqrt(inverse('sqrt', observed) + shift) - Math.sqrt(inverse('sqrt', forecast) + shift);
}

/** A calibrated one-step band over held-out points, in data units, beside what was observed. */
export interface HeldOutBand {
  actual: number[];
  lower: number[];
  upper: number[];
}

/** Fewer held-out points than this and the errors' growth with the level is not judged. */
const MIN_HELD_OUT = 40;
/** Mean |error| in the busier half over the quieter half from which the errors grow with the level. */
export const GROWTH_RATIO = 1.25;

/**
 * Whether a model's held-out one-step errors grow with the level it forecasts: the mean absolute
 * error of the points forecast above the median level over that of the points below it. Additive
 * noise gives about 1 (within a few percent at hundreds of points); Poisson counts over a 5x swing
 * about 2, noise proportional to the level more. What chooseTransform reads off first differences
 * of the raw series, this reads off the model's own errors, which a season or trend does not blur.
 */
export function errorsGrowWithLevel(band: HeldOutBand): { grows: boolean; ratio: number; reason: string } {
  const n = band.actual.length;
  if (n < MIN_HELD_OUT) return { grows: false, ratio: Number.NaN, reason: `${n} held-out points` };
  const levels = band.lower.map((lo, i) => (lo + band.upper[i]!) / 2);
  const median = [...levels].sort((a, b) => a - b)[Math.floor(n / 2)]!;
  let high = 0;
  let highCount = 0;
  let low = 0;
  let lowCount = 0;
  for (let i = 0; i < n; i++) {
    const error = Math.abs(band.actual[i]! - levels[i]!);
    if (levels[i]! > median) {
      high += error;
      highCount++;
    } else {
      low += error;
      lowCount++;
    }
  }
  if (highCount === 0 || lowCount === 0 || low === 0) {
    return { grows: false, ratio: Number.NaN, reason: 'no spread of levels' };
  }
  const ratio = high / highCount / (low / lowCount);
  return {
    grows: ratio >= GROWTH_RATIO,
    ratio,
    reason: `busy/quiet mean |error| ${ratio.toFixed(2)}, threshold ${GROWTH_RATIO}`,
  };
}

/**
 * Mean interval score of a central band at `confidence` (Gneiting & Raftery 2007): its width plus
 * 2/alpha times how far each miss falls outside. Lower is better; a band that is narrow where it
 * can be and wide where it must be scores best.
 */
export function intervalScore(band: HeldOutBand, confidence: number): number {
  const penalty = 2 / (1 - confidence);
  let total = 0;
  for (let i = 0; i < band.actual.length; i++) {
    const [y, lo, hi] = [band.actual[i]!, band.lower[i]!, band.upper[i]!];
    total += hi - lo + penalty * Math.max(0, lo - y) + penalty * Math.max(0, y - hi);
  }
  return band.actual.length > 0 ? total / band.actual.length : Number.NaN;
}
