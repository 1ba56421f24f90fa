/** Pure drawing helpers for the bands chart: scales, ticks and SVG paths. No React, no DOM. */

export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** About `count` round tick values (1, 2, 2.5 or 5 times a power of ten) covering [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    return [];
  }
  if (min === max) {
    return [min];
  }
  const raw = (max - min) / Math.max(1, count);
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

const TIME_STEPS_SECONDS = [
  1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
];

/** Tick times (unix seconds) at a round interval, about `count` of them over [from, to]. */
export function timeTicks(from: number, to: number, count: number): number[] {
  if (!(to > from)) {
    return [];
  }
  const raw = (to - from) / Math.max(1, count);
  const step = TIME_STEPS_SECONDS.find((s) => s >= raw) ?? Math.ceil(raw / 604800) * 604800;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    ticks.push(t);
  }
  return ticks;
}

/** [min, max] over every finite value, padded by 5% so lines do not touch the frame; [0, 1] when empty. */
export function valueExtent(values: Iterable<number | null | undefined>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  }
  if (min === Infinity) {
    return [0, 1];
  }
  // A flat series (or a band a rounding error wide) gets a readable span around its value, not ticks
  // that differ in the ninth digit.
  if (max - min <= 1e-6 * Math.max(Math.abs(min), Math.abs(max), 1)) {
    const mid = (min + max) / 2;
    const pad = Math.abs(mid) * 0.1 || 1;
    return [mid - pad, mid + pad];
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** A polyline through the points, broken at gaps (null values) so a gap is never drawn as a line. */
export function linePath(
  times: number[],
  values: Array<number | null>,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < times.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${fmt(x(times[i]!))},${fmt(y(v))}`;
    pen = true;
  }
  return d;
}

/**
 * The band as closed areas between upper and lower, one per run of points that have both bounds: the upper
 * edge left to right, then the lower edge back. A missing bound ends the run.
 */
export function bandPath(
  times: number[],
  lower: Array<number | null>,
  upper: Array<number | null>,
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let run: number[] = [];
  const flush = () => {
    if (run.length > 0) {
      const top = run.map((i, k) => `${k === 0 ? 'M' : 'L'}${fmt(x(times[i]!))},${fmt(y(upper[i]!))}`).join('');
      const bottom = [...run]
        .reverse()
        .map((i) => `L${fmt(x(times[i]!))},${fmt(y(lower[i]!))}`)
        .join('');
      d += `${top}${bottom}Z`;
    }
    run = [];
  };
  for (let i = 0; i < times.length; i++) {
    const lo = lower[i];
    const hi = upper[i];
    if (lo === null || lo === undefined || hi === null || hi === undefined) {
      flush();
    } else {
      run.push(i);
    }
  }
  flush();
  return d;
}

/** Index of the time closest to `t` in an ascending array; -1 when empty. */
export function nearestIndex(times: number[], t: number): number {
  if (times.length === 0) {
    return -1;
  }
  let lo = 0;
  let hi = times.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo > 0 && Math.abs(times[lo - 1]! - t) <= Math.abs(times[lo]! - t)) {
    return lo - 1;
  }
  return lo;
}
