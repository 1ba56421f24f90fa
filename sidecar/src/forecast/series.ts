/**
 * Input hygiene shared by every model: gaps as NaN (never zero), values rescaled to a robust
 * unit so that ctsa's optimiser tolerances and our thresholds mean the same thing for packets
 * per second and for bytes per second in the billions.
 */

export interface Scaling {
  center: number;
  scale: number;
}

/** null, NaN and +-Inf become NaN gaps. */
export function toSeries(values: ReadonlyArray<number | null> | Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
  }
  return out;
}

export function observedCount(x: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i]!)) n++;
  return n;
}

/** The median of an ascending array. */
export function medianOfSorted(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Median and MAD (falling back to the standard deviation, then to a tiny share of the level). */
export function scalingOf(x: Float64Array): Scaling {
  const observed = x.filter((v) => !Number.isNaN(v)).sort();
  if (observed.length === 0) return { center: 0, scale: 1 };
  const center = medianOfSorted(observed);
  const deviations = observed.map((v) => Math.abs(v - center)).sort();
  let scale = 1.4826 * medianOfSorted(deviations);
  if (!(scale > 0)) {
    let ss = 0;
    for (const v of observed) ss += (v - center) ** 2;
    scale = Math.sqrt(ss / observed.length);
  }
  // A constant series: any unit works; this one keeps a band relative to the level.
  if (!(scale > 0)) scale = Math.max(Math.abs(center), 1) * 1e-6;
  return { center, scale };
}

export function normalise(x: Float64Array, { center, scale }: Scaling): Float64Array {
  return x.map((v) => (v - center) / scale);
}

/** Linear interpolation inside, nearest value at the ends; for decomposition and ARIMA input only. */
export function fillGaps(x: Float64Array): Float64Array {
  const out = Float64Array.from(x);
  let last = -1;
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i]!)) continue;
    if (last === -1) out.fill(out[i]!, 0, i);
    else if (i - last > 1) {
      const a = out[last]!;
      const slope = (out[i]! - a) / (i - last);
      for (let j = last + 1; j < i; j++) out[j] = a + slope * (j - last);
    }
    last = i;
  }
  if (last >= 0 && last < out.length - 1) out.fill(out[last]!, last + 1);
  return out;
}

/** Median of x[from..to) for a short window (insertion sort into a scratch buffer, no allocation). */
function windowMedian(x: Float64Array, from: number, to: number, w: Float64Array): number {
  const k = to - from;
  for (let i = 0; i < k; i++) {
    const v = x[from + i]!;
    let j = i;
    while (j > 0 && w[j - 1]! > v) {
      w[j] = w[j - 1]!;
      j--;
    }
    w[j] = v;
  }
  return k % 2 === 1 ? w[(k - 1) / 2]! : (w[k / 2 - 1]! + w[k / 2]!) / 2;
}

/**
 * Isolated spikes: points far from the median of the 2*half+1 points around them. Models fitted
 * to traffic should learn its normal behaviour: one 1e15 sample in a training window otherwise
 * drags the STL trend, the seasonal profile and the ARIMA variance for a day around it.
 * "Far" is `threshold` times the robust scale of the step-to-step changes, which includes the
 * steepest part of the daily cycle, so a steep season in hourly data is not mistaken for spikes;
 * the deviations themselves would not do (for any monotone stretch the window median is the point
 * itself, so their MAD is deflated). Only points with neighbours on both sides are judged: a jump
 * at the very end may be a level shift starting. Changes longer than `half` points are not spikes.
 */
export function findSpikes(x: Float64Array, half = 2, threshold = 10): { medians: Float64Array; spikes: number[] } {
  const n = x.length;
  const medians = Float64Array.from(x);
  if (n < 2 * half + 2) return { medians, spikes: [] };
  const steps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) steps[i - 1] = Math.abs(x[i]! - x[i - 1]!);
  steps.sort();
  const scale = 1.4826 * steps[Math.floor((n - 2) / 2)]!;
  if (!(scale > 0)) return { medians, spikes: [] };
  const buffer = new Float64Array(2 * half + 1);
  const spikes: number[] = [];
  for (let i = half; i < n - half; i++) {
    medians[i] = windowMedian(x, i - half, i + half + 1, buffer);
    if (Math.abs(x[i]! - medians[i]!) > threshold * scale) spikes.push(i);
  }
  return { medians, spikes };
}
