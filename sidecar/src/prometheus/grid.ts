/**
 * The evaluation grid of a range query, in whole milliseconds so that chunk seams never drift by
 * floating-point error: Prometheus evaluates at start + k·step for k = 0..count-1.
 */
export interface Grid {
  startMs: number;
  stepMs: number;
  count: number;
}

/**
 * Prometheus refuses a range query when (end - start) / step exceeds 11,000, i.e. above 11,001
 * points. Chunks of 11,000 points stay safely under it.
 */
export const PROMETHEUS_MAX_POINTS = 11000;

export function toMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/** The grid covering [start, end] (seconds) at step (seconds); end is included when on the grid. */
export function gridOf(startSeconds: number, endSeconds: number, stepSeconds: number): Grid {
  const startMs = toMs(startSeconds);
  const endMs = toMs(endSeconds);
  const stepMs = toMs(stepSeconds);
  if (!(stepMs >= 1)) throw new RangeError(`step must be at least 1 ms, got ${stepSeconds}s`);
  if (endMs < startMs) throw new RangeError('end is before start');
  return { startMs, stepMs, count: Math.floor((endMs - startMs) / stepMs) + 1 };
}

/** Unix seconds of grid point k. */
export function timeAt(grid: Grid, k: number): number {
  return (grid.startMs + k * grid.stepMs) / 1000;
}

/** The index of a timestamp (seconds) on the grid, or -1 when it falls off the grid. */
export function indexOf(grid: Grid, seconds: number): number {
  const offset = toMs(seconds) - grid.startMs;
  if (offset < 0 || offset % grid.stepMs !== 0) return -1;
  const k = offset / grid.stepMs;
  return k < grid.count ? k : -1;
}

/** One sub-request of a split range: grid indices [first, first + count). */
export interface Chunk {
  first: number;
  grid: Grid;
}

/**
 * Splits a grid into consecutive sub-grids of at most `maxPoints` points. Chunk i+1 starts one
 * step after chunk i ends, so joined results have no duplicated and no missing timestamps.
 */
export function splitGrid(grid: Grid, maxPoints: number = PROMETHEUS_MAX_POINTS): Chunk[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be >= 1, got ${maxPoints}`);
  const chunks: Chunk[] = [];
  for (let first = 0; first < grid.count; first += maxPoints) {
    chunks.push({
      first,
      grid: {
        startMs: grid.startMs + first * grid.stepMs,
        stepMs: grid.stepMs,
        count: Math.min(maxPoints, grid.count - first),
      },
    });
  }
  return chunks;
}

/** Prometheus accepts fractional unix seconds; three decimals carry the millisecond grid exactly. */
export function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(3).replace(/\.?0+$/, '');
}

/** The last timestamp of a grid, in milliseconds. */
export function endMs(grid: Grid): number {
  return grid.startMs + (grid.count - 1) * grid.stepMs;
}
