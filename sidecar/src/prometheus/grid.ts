import { type Grid } from '../series/grid.js';

/**
 * Prometheus refuses a range query when (end - start) / step exceeds 11,000, i.e. above 11,001
 * points. Chunks of 11,000 points stay safely under it.
 */
export const PROMETHEUS_MAX_POINTS = 11000;

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
