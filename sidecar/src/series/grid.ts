/**
 * The evaluation grid of a series: evenly spaced timestamps in whole milliseconds, so that joins
 * and chunk seams never drift by floating-point error. Prometheus' range queries, the bands API and
 * the watchers all lay their values on one.
 */
export interface Grid {
  startMs: number;
  stepMs: number;
  count: number;
}

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

/** The last timestamp of a grid, in milliseconds. */
export function endMs(grid: Grid): number {
  return grid.startMs + (grid.count - 1) * grid.stepMs;
}
