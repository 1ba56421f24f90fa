/** Turns an engine trace and the actual values into one series of the answer. Pure. */
import type { Labels } from '../prometheus/parse.js';
import { timeAt, type Grid } from '../prometheus/grid.js';
import { isGap, type BandTrace, type Values } from './engine.js';
import { scoreFromResidual } from '../detect/tail.js';
import { bandResidual } from './score.js';
import type { SeriesBand } from '@ntma/contract';

/**
 * `grid` is the banded range; `actual` and the trace arrays cover `skip` warm-up points first,
 * which are left out of the answer.
 */
export function assembleSeries(
  labels: Labels,
  grid: Grid,
  actual: Values,
  trace: BandTrace,
  skip: number,
  confidence: number,
): SeriesBand {
  const n = grid.count;
  const band: SeriesBand = {
    labels,
    timestamps: new Array<number>(n),
    actual: new Array<number | null>(n),
    forecast: new Array<number | null>(n),
    lower: new Array<number | null>(n),
    upper: new Array<number | null>(n),
    score: new Array<number>(n),
    anomaly: new Array<boolean>(n),
    model: trace.model,
    coverage: null,
    trainedOn: trace.trainedOn,
    fitMs: Math.round(trace.fitMs * 10) / 10,
    cached: trace.cached,
  };
  let observed = 0;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    const raw = actual[skip + i];
    const value = isGap(raw) ? null : raw!;
    const mean = finite(trace.mean[skip + i]);
    const lower = finite(trace.lower[skip + i]);
    const upper = finite(trace.upper[skip + i]);
    band.timestamps[i] = timeAt(grid, i);
    band.actual[i] = value;
    band.forecast[i] = mean;
    band.lower[i] = lower;
    band.upper[i] = upper;
    let score = 0;
    let outside = false;
    if (value !== null && mean !== null && lower !== null && upper !== null) {
      outside = value < lower || value > upper;
      score = scoreFromResidual(bandResidual(value, mean, lower, upper, confidence));
      observed++;
      if (!outside) inside++;
    }
    band.score[i] = score;
    band.anomaly[i] = outside;
  }
  band.coverage = observed === 0 ? null : inside / observed;
  return band;
}

function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
