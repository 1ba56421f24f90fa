/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning, 1990),
 * the non-robust variant R's `stats::stl` runs by default (2 inner passes, no outer passes).
 * Written from the paper's description so that R's output can serve as the reference; the
 * loess fits are evaluated every `jump` points and interpolated between them, which keeps the
 * cost linear in the series length (a 10,080-point series with a 1,440 period takes ~1 ms).
 */

export interface StlOptions {
  /** Seasonal smoothing window in cycles (odd, >= 3); R's mstl uses 11 for the first period. */
  seasonalWindow: number;
  /** Trend window in points; default is R's nextodd(ceil(1.5 * period / (1 - 1.5 / seasonalWindow))). */
  trendWindow?: number;
  /** Low-pass window in points; default nextodd(period). */
  lowPassWindow?: number;
  /** Inner passes; R's default without robustness is 2. */
  inner?: number;
}

export interface StlResult {
  seasonal: Float64Array;
  trend: Float64Array;
}

export function nextOdd(x: number): number {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
}

/**
 * One local (degree 0 or 1) tricube-weighted fit of y[nLeft..nRight] (1-based positions)
 * evaluated at position xs, in a single pass over the window (positions are centred on xs so
 * the weighted moments do not cancel). Returns NaN when every weight is zero, which callers
 * replace with the raw value, as the reference implementation does.
 */
function localFit(
  y: Float64Array,
  yOffset: number,
  n: number,
  span: number,
  degree: number,
  xs: number,
  nLeft: number,
  nRight: number,
): number {
  let h = Math.max(xs - nLeft, nRight - xs);
  // Windows wider than the data widen the bandwidth by half the excess (integer division, as in R).
  if (span > n) h += Math.trunc((span - n) / 2);
  const h9 = 0.999 * h;
  const h1 = 0.001 * h;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let t0 = 0;
  let t1 = 0;
  for (let j = nLeft; j <= nRight; j++) {
    const u = j - xs;
    const r = u < 0 ? -u : u;
    if (r > h9) continue;
    let w = 1;
    if (r > h1) {
      const q = r / h;
      const c = 1 - q * q * q;
      w = c * c * c;
    }
    const v = y[yOffset + j - 1]!;
    s0 += w;
    s1 += w * u;
    s2 += w * u * u;
    t0 += w * v;
    t1 += w * u * v;
  }
  if (s0 <= 0) return Number.NaN;
  const mean = t0 / s0;
  if (h > 0 && degree > 0) {
    const a = s1 / s0;
    const c = s2 / s0 - a * a;
    if (Math.sqrt(c) > 0.001 * (n - 1)) {
      // Local linear fit evaluated at xs (u = 0): the weighted mean moved along the slope.
      return mean + (-a / c) * (t1 / s0 - a * mean);
    }
  }
  return mean;
}

/**
 * Loess smooth of y[yOffset .. yOffset+n) into out[outOffset .. outOffset+n), evaluated every
 * `jump` points with linear interpolation between evaluations.
 */
function loess(
  y: Float64Array,
  yOffset: number,
  n: number,
  span: number,
  degree: number,
  jump: number,
  out: Float64Array,
  outOffset: number,
): void {
  const at = (i: number, value: number): void => {
    out[outOffset + i - 1] = Number.isNaN(value) ? y[yOffset + i - 1]! : value;
  };
  if (n < 2) {
    out[outOffset] = y[yOffset]!;
    return;
  }
  const step = Math.min(jump, n - 1);
  let nLeft = 1;
  let nRight = n;
  if (span >= n) {
    for (let i = 1; i <= n; i += step) at(i, localFit(y, yOffset, n, span, degree, i, 1, n));
  } else if (step === 1) {
    const half = Math.trunc((span + 1) / 2);
    nRight = span;
    for (let i = 1; i <= n; i++) {
      if (i > half && nRight !== n) {
        nLeft++;
        nRight++;
      }
      at(i, localFit(y, yOffset, n, span, degree, i, nLeft, nRight));
    }
  } else {
    const half = Math.trunc((span + 1) / 2);
    for (let i = 1; i <= n; i += step) {
      if (i < half) {
        nLeft = 1;
        nRight = span;
      } else if (i >= n - half + 1) {
        nLeft = n - span + 1;
        nRight = n;
      } else {
        nLeft = i - half + 1;
        nRight = span + i - half;
      }
      at(i, localFit(y, yOffset, n, span, degree, i, nLeft, nRight));
    }
  }
  if (step === 1) return;
  for (let i = 1; i <= n - step; i += step) {
    const a = out[outOffset + i - 1]!;
    const delta = (out[outOffset + i + step - 1]! - a) / step;
    for (let j = i + 1; j < i + step; j++) out[outOffset + j - 1] = a + delta * (j - i);
  }
  const k = Math.trunc((n - 1) / step) * step + 1;
  if (k !== n) {
    at(n, localFit(y, yOffset, n, span, degree, n, nLeft, nRight));
    if (k !== n - 1) {
      const a = out[outOffset + k - 1]!;
      const delta = (out[outOffset + n - 1]! - a) / (n - k);
      for (let j = k + 1; j < n; j++) out[outOffset + j - 1] = a + delta * (j - k);
    }
  }
}

/** Moving average of width `len` over x[0..n) into out[0..n-len+1). */
function movingAverage(x: Float64Array, n: number, len: number, out: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < len; i++) sum += x[i]!;
  out[0] = sum / len;
  for (let i = 1; i <= n - len; i++) {
    sum += x[i + len - 1]! - x[i - 1]!;
    out[i] = sum / len;
  }
}

/** Decomposes y (no gaps) with seasonal period `period` (>= 2, y.length > 2 * period). */
export function stl(y: ArrayLike<number>, period: number, options: StlOptions): StlResult {
  const n = y.length;
  if (period < 2 || n <= 2 * period) throw new RangeError(`stl needs more than two periods of ${period} points`);
  const np = period;
  const ns = nextOdd(Math.max(3, options.seasonalWindow));
  const nt = nextOdd(Math.max(3, options.trendWindow ?? Math.ceil((1.5 * np) / (1 - 1.5 / ns))));
  const nl = nextOdd(Math.max(3, options.lowPassWindow ?? np));
  const sJump = Math.ceil(ns / 10);
  const tJump = Math.ceil(nt / 10);
  const lJump = Math.ceil(nl / 10);
  const inner = options.inner ?? 2;

  const data = Float64Array.from(y);
  const seasonal = new Float64Array(n);
  const trend = new Float64Array(n);
  const detrended = new Float64Array(n);
  const cycle = new Float64Array(n + 2 * np);
  const ma1 = new Float64Array(n + 2 * np);
  const ma2 = new Float64Array(n + 2 * np);
  const low = new Float64Array(n);
  const maxCycles = Math.ceil(n / np) + 2;
  const sub = new Float64Array(maxCycles);
  const subSmooth = new Float64Array(maxCycles);

  for (let pass = 0; pass < inner; pass++) {
    for (let i = 0; i < n; i++) detrended[i] = data[i]! - trend[i]!;

    // Cycle-subseries smoothing, each subseries extended by one cycle at both ends.
    for (let j = 0; j < np; j++) {
      const k = Math.trunc((n - 1 - j) / np) + 1;
      for (let i = 0; i < k; i++) sub[i] = detrended[i * np + j]!;
      loess(sub, 0, k, ns, 0, sJump, subSmooth, 1);
      const first = localFit(sub, 0, k, ns, 0, 0, 1, Math.min(ns, k));
      subSmooth[0] = Number.isNaN(first) ? subSmooth[1]! : first;
      const last = localFit(sub, 0, k, ns, 0, k + 1, Math.max(1, k - ns + 1), k);
      subSmooth[k + 1] = Number.isNaN(last) ? subSmooth[k]! : last;
      for (let m = 0; m < k + 2; m++) cycle[m * np + j] = subSmooth[m]!;
    }

    // Low-pass filter of the cycle-subseries: MA(np), MA(np), MA(3), then loess.
    movingAverage(cycle, n + 2 * np, np, ma1);
    movingAverage(ma1, n + np + 1, np, ma2);
    movingAverage(ma2, n + 2, 3, ma1);
    loess(ma1, 0, n, nl, 1, lJump, low, 0);

    for (let i = 0; i < n; i++) {
      seasonal[i] = cycle[np + i]! - low[i]!;
      detrended[i] = data[i]! - seasonal[i]!;
    }
    loess(detrended, 0, n, nt, 1, tJump, trend, 0);
  }
  return { seasonal, trend };
}
