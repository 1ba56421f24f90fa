/**
 * A series' [unixSeconds, value] points as two columns of doubles, read from the pairs once.
 *
 * Reading 10,080 pairs that JSON.parse made costs about a millisecond however it is done: a [t, v]
 * pair of doubles and a [t, null] pair are stored differently, and code that meets both (every
 * series with a gap) boxes each number it reads. So the body validator's fast path
 * (routes/points-fast-path.ts), which has to read every pair anyway, writes the columns as it
 * checks them, and regularize() takes them from here instead of reading the pairs again.
 */
import type { Point } from './regularize.js';

export interface PointColumns {
  /** Unix seconds, as sent. */
  times: Float64Array;
  /** The values; NaN where the point's value was null. */
  values: Float64Array;
}

/** Columns made while checking, by points array; weak, so they go with the request's body. */
const checked = new WeakMap<object, PointColumns>();

/** Writes one [t, v] pair into the columns at `i`; false unless t is a finite number and v one or null. */
function pairInto(point: unknown[], i: number, columns: PointColumns): boolean {
  const t: unknown = point[0];
  const v: unknown = point[1];
  if (typeof t !== 'number' || !Number.isFinite(t)) return false;
  columns.times[i] = t;
  if (v === null) columns.values[i] = NaN;
  else if (typeof v === 'number' && Number.isFinite(v)) columns.values[i] = v;
  else return false;
  return true;
}

/**
 * The columns of `points` when it is an array of [finite number, finite number or null] pairs (the
 * form that ajv passes as it is), else undefined. Remembered for columnsOf.
 *
 * A pair that holds a null (or anything but numbers) is read by pairInto; the loop reads only the
 * pairs of numbers itself. Mixed in one loop, the two kinds of pair made every read box its number
 * (0.9 ms for 10,080 pairs after one series with gaps); apart, the pairs of numbers cost 0.15 ms.
 */
export function plainColumns(points: unknown): PointColumns | undefined {
  if (!Array.isArray(points)) return undefined;
  const n = points.length;
  const columns = { times: new Float64Array(n), values: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const point: unknown = points[i];
    if (!Array.isArray(point) || point.length !== 2) return undefined;
    if (point.includes(null)) {
      if (!pairInto(point, i, columns)) return undefined;
      continue;
    }
    const t: unknown = point[0];
    const v: unknown = point[1];
    if (typeof t !== 'number' || !Number.isFinite(t) || typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    columns.times[i] = t;
    columns.values[i] = v;
  }
  checked.set(points, columns);
  return columns;
}

/** The columns of validated points: those plainColumns made for this array, else read now (null as NaN). */
export function columnsOf(points: ReadonlyArray<Point>): PointColumns {
  const known = checked.get(points);
  if (known) return known;
  const times = new Float64Array(points.length);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i]!;
    times[i] = t;
    values[i] = v === null ? NaN : v;
  }
  return { times, values };
}
