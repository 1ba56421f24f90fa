/**
 * Puts the points a client sends (e.g. the panel, from Grafana) on an even grid: the engine needs
 * evenly spaced values, and a missing point must stay a gap rather than shift its neighbours.
 */
import { BadRequest, PayloadTooLarge } from '../errors.js';
import { toMs, type Grid } from '../series/grid.js';
import { columnsOf } from './point-columns.js';
import { formatDuration } from './time.js';

export type Point = readonly [number, number | null];

export interface Regular {
  grid: Grid;
  /** NaN is a gap. A typed array: a 40,000-point series of boxed numbers and nulls costs the GC dearly. */
  values: Float64Array;
}

const MAX_UNIX_SECONDS = 1e11;

function medianPositiveGap(sortedMs: Float64Array): number {
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
  const { times: seconds, values: raw } = columnsOf(points);
  let sorted = true;
  for (let i = 0; i < seconds.length; i++) {
    const t = seconds[i]!;
    if (!Number.isFinite(t) || t < 0) throw new BadRequest(`point ${i} has no valid unix time`, field);
    if (t > MAX_UNIX_SECONDS)
      throw new BadRequest(`point ${i}: ${t} looks like milliseconds; send unix seconds`, field);
    if (i > 0 && t < seconds[i - 1]!) sorted = false;
  }
  // Clients (Grafana) send points in time order; sorting is only for those that do not.
  const order = new Uint32Array(seconds.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  if (!sorted) order.sort((a, b) => seconds[a]! - seconds[b]! || a - b);
  // Plain loops: TypedArray.from with a mapping function is many times slower in V8.
  const times = new Float64Array(seconds.length);
  for (let j = 0; j < order.length; j++) times[j] = toMs(seconds[order[j]!]!);
  const stepMs = stepSeconds === undefined ? medianPositiveGap(times) : toMs(stepSeconds);
  if (stepMs < 1) throw new BadRequest('all points share one timestamp, so no step can be inferred', field);
  const startMs = times[0]!;
  const count = Math.round((times[times.length - 1]! - startMs) / stepMs) + 1;
  if (count > maxSlots) {
    throw new PayloadTooLarge(
      `${field}: the points span ${count} steps of ${formatDuration(stepMs / 1000)}; at most ${maxSlots} per series`,
    );
  }
  const values = new Float64Array(count).fill(NaN);
  for (let j = 0; j < order.length; j++) {
    const value = raw[order[j]!]!;
    const k = Math.round((times[j]! - startMs) / stepMs);
    values[k] = Number.isFinite(value) ? value : NaN;
  }
  return { grid: { startMs, stepMs, count }, values };
}

/**
 * The compact form (`start` + `values`): the client's values are already on the grid, so they are
 * only copied into a typed array (non-finite values become gaps), with no timestamps to check or sort.
 */
export function onGrid(
  start: number,
  values: ReadonlyArray<number | null>,
  stepSeconds: number | undefined,
  maxSlots: number,
  field: string,
): Regular {
  if (stepSeconds === undefined) throw new BadRequest('is required when a series is sent as start and values', 'step');
  const stepMs = toMs(stepSeconds);
  if (stepMs < 1) throw new BadRequest('must be at least 1ms', 'step');
  if (!Number.isFinite(start) || start < 0) throw new BadRequest('must be a valid unix time', `${field}.start`);
  if (start > MAX_UNIX_SECONDS)
    throw new BadRequest(`${start} looks like milliseconds; send unix seconds`, `${field}.start`);
  if (values.length < 2) throw new BadRequest('at least 2 values are needed', `${field}.values`);
  if (values.length > maxSlots) {
    throw new PayloadTooLarge(`${field}.values: ${values.length} values; at most ${maxSlots} per series`);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    out[i] = value !== null && value !== undefined && Number.isFinite(value) ? value : NaN;
  }
  return { grid: { startMs: toMs(start), stepMs, count: values.length }, values: out };
}
