/**
 * Puts the points a client sends (e.g. the panel, from Grafana) on an even grid: the engine needs
 * evenly spaced values, and a missing point must stay a gap rather than shift its neighbours.
 */
import { BadRequest, PayloadTooLarge } from '../errors.js';
import { toMs, type Grid } from '../prometheus/grid.js';
import { formatDuration } from './time.js';

export type Point = readonly [number, number | null];

export interface Regular {
  grid: Grid;
  values: Array<number | null>;
}

const MAX_UNIX_SECONDS = 1e11;

function medianPositiveGap(sortedMs: number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < sortedMs.length; i++) {
    const gap = sortedMs[i]! - sortedMs[i - 1]!;
    if (gap > 0) gaps.push(gap);
  }
  if (gaps.length === 0) return 0;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/**
 * The step is the median spacing unless given. Points are snapped to the nearest grid slot; a later
 * point for the same slot wins. Non-finite values are gaps. `maxSlots` bounds the grid, since a few
 * points far apart would otherwise make a huge, mostly empty one.
 */
export function regularize(
  points: ReadonlyArray<Point>,
  stepSeconds: number | undefined,
  maxSlots: number,
  field: string,
): Regular {
  if (points.length < 2) throw new BadRequest('at least 2 points are needed', field);
  const order = points.map((_, i) => i);
  for (const [i, [t]] of points.entries()) {
    if (!Number.isFinite(t) || t < 0) throw new BadRequest(`point ${i} has no valid unix time`, field);
    if (t > MAX_UNIX_SECONDS)
      throw new BadRequest(`point ${i}: ${t} looks like milliseconds; send unix seconds`, field);
  }
  order.sort((a, b) => points[a]![0] - points[b]![0] || a - b);
  const times = order.map((i) => toMs(points[i]![0]));
  const stepMs = stepSeconds === undefined ? medianPositiveGap(times) : toMs(stepSeconds);
  if (stepMs < 1) throw new BadRequest('all points share one timestamp, so no step can be inferred', field);
  const startMs = times[0]!;
  const count = Math.round((times[times.length - 1]! - startMs) / stepMs) + 1;
  if (count > maxSlots) {
    throw new PayloadTooLarge(
      `${field}: the points span ${count} steps of ${formatDuration(stepMs / 1000)}; at most ${maxSlots} per series`,
    );
  }
  const values = new Array<number | null>(count).fill(null);
  for (const [j, i] of order.entries()) {
    const value = points[i]![1];
    const k = Math.round((times[j]! - startMs) / stepMs);
    values[k] = value !== null && Number.isFinite(value) ? value : null;
  }
  return { grid: { startMs, stepMs, count }, values };
}
