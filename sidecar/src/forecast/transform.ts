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
