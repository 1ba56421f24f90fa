/**
 * Steps a fitted model through the banded range one point at a time and builds one series of the
 * answer, with the sidecar's verdict on each point: outside the band or not, how severe, and which
 * kind of excursion. The verdicts also decide what the model learns: an excursion's points are
 * withheld from it (withhold.ts), so a spike does not drag the band after it. Pure.
 */
import { severityOf, type ExcursionKind, type Labels, type SeriesBand } from '@ntma/contract';
import { timeAt, type Grid } from '../series/grid.js';
import { DEFAULT_EXCURSION, ExcursionTracker } from '../detect/excursion.js';
import { log10TwoSidedNormalTail, scoreFromLog10Tail } from '../detect/tail.js';
import { zFor } from '../forecast/calibration.js';
import { isGap, type BandModel, type Values } from './engine.js';
import { bandResidual } from './score.js';
import { Withholding, type WithholdRule } from './withhold.js';

/** The request's name for a series, and its labels. */
export interface SeriesIdentity {
  id: string;
  labels: Labels;
}

/**
 * Numerical slack, in decades, so a point just outside the band (its residual computed through the
 * band's own z) always opens an excursion and so always has a kind.
 */
const EDGE_SLACK_DECADES = 1e-6;

/**
 * Kinds come from the watchers' own excursion rules (detect/excursion.ts). A watcher opens an
 * excursion only past its paging surprise; here one opens at the band edge, so every point the
 * band leaves out belongs to one and is named.
 */
function excursionTracker(confidence: number): ExcursionTracker {
  return new ExcursionTracker({
    ...DEFAULT_EXCURSION,
    openLog10p: Math.min(DEFAULT_EXCURSION.openLog10p, Math.log10(1 - confidence)) + EDGE_SLACK_DECADES,
  });
}

/**
 * `grid` is the banded range; `actual` covers `skip` warm-up points first, which are left out of
 * the answer but let an excursion that began during warm-up keep its kind (and stay withheld).
 * `actual[0]` is the point right after the model's training window.
 */
export function assembleSeries(
  series: SeriesIdentity,
  grid: Grid,
  actual: Values,
  model: BandModel,
  skip: number,
  confidence: number,
  rule: WithholdRule,
): SeriesBand {
  const n = grid.count;
  const band: SeriesBand = {
    id: series.id,
    labels: series.labels,
    timestamps: new Array<number>(n),
    actual: new Array<number | null>(n),
    forecast: new Array<number | null>(n),
    lower: new Array<number | null>(n),
    upper: new Array<number | null>(n),
    score: new Array<number>(n),
    anomaly: new Array<boolean>(n),
    severity: new Array<SeriesBand['severity'][number]>(n).fill(null),
    kind: new Array<ExcursionKind | null>(n).fill(null),
    model: model.name,
    coverage: null,
    trainedOn: model.trainedOn,
    fitMs: Math.round(model.fitMs * 10) / 10,
    cached: model.cached,
  };
  const z = zFor(confidence);
  const tracker = excursionTracker(confidence);
  const withholding = new Withholding(rule);
  const valueAt = (j: number): number | null => (isGap(actual[j]) ? null : actual[j]!);
  /** Points kept from the model so far, and the forecast each point got. */
  const withheld = new Uint8Array(skip + n);
  const forecasts = new Float64Array(skip + n).fill(Number.NaN);
  /**
   * The level shifts learned so far, added up: the model sees the series minus this step and the band is its
   * forecast plus the step (a step intervention). With fixed parameters a model that smooths noise heavily
   * would take an hour or more to follow a new level on its own; a watcher refits instead.
   */
  let step = 0;
  const predictor = model.predictor(confidence);
  let observed = 0;
  let inside = 0;
  for (let j = 0; j < skip + n; j++) {
    const value = valueAt(j);
    const next = predictor.peek();
    const mean = finite(next.mean + step);
    if (mean !== null) forecasts[j] = mean;
    // The band is mean +- z sigma; the forecast reported is the predictor's point forecast, which for a model
    // fitted in sqrt or log space is its median, below the skewed band's centre (types.ts, OneStepPredictor).
    const point = mean === null ? null : finite((next.point ?? next.mean) + step);
    const sigma = finite(next.sigma);
    const lower = mean !== null && sigma !== null ? finite(mean - z * sigma) : null;
    const upper = mean !== null && sigma !== null ? finite(mean + z * sigma) : null;
    let score = 0;
    let outside = false;
    let kind: ExcursionKind | null = null;
    let learn = true;
    const banded = value !== null && mean !== null && lower !== null && upper !== null;
    if (banded) {
      const residual = bandResidual(value, mean, lower, upper, confidence);
      const log10p = log10TwoSidedNormalTail(residual);
      const side = value > upper ? 1 : value < lower ? -1 : 0;
      outside = side !== 0;
      score = scoreFromLog10Tail(log10p);
      // The rules count seconds (how long out of band, back inside), so they get the point's time.
      const t = (grid.startMs + (j - skip) * grid.stepMs) / 1000;
      kind = tracker.update({ t, value, forecast: mean, residual, band: side, log10p });
      const decision = withholding.decide(tracker.current(), side, value, mean, j);
      if (decision.action === 'withhold') {
        withheld[j] = 1;
        learn = false;
      } else if (decision.action === 'accept') {
        // The excursion has lasted too long to be one: it is the new normal (a watcher refits on it). Its
        // withheld points were forecast from the old level, so their median residual is the size of the step.
        step += medianResidual(valueAt, forecasts, withheld, decision.from, j);
        withheld.fill(0, decision.from, j);
      }
    }
    // A withheld point advances the model on its own forecast, like a gap.
    predictor.observe(learn && value !== null ? value - step : null);
    const i = j - skip;
    if (i < 0) continue;
    band.timestamps[i] = timeAt(grid, i);
    band.actual[i] = value;
    band.forecast[i] = point;
    band.lower[i] = lower;
    band.upper[i] = upper;
    band.score[i] = score;
    band.anomaly[i] = outside;
    if (banded) {
      observed++;
      if (!outside) inside++;
    }
    if (outside) {
      band.severity[i] = severityOf(score);
      band.kind[i] = kind;
    }
  }
  band.coverage = observed === 0 ? null : inside / observed;
  return band;
}

/** The median of value − forecast over the withheld points in [from, to] and the point at `to`. */
function medianResidual(
  valueAt: (j: number) => number | null,
  forecasts: Float64Array,
  withheld: Uint8Array,
  from: number,
  to: number,
): number {
  const residuals: number[] = [];
  for (let k = from; k <= to; k++) {
    const value = valueAt(k);
    if ((withheld[k] === 1 || k === to) && value !== null && !Number.isNaN(forecasts[k]!)) {
      residuals.push(value - forecasts[k]!);
    }
  }
  if (residuals.length === 0) return 0;
  residuals.sort((a, b) => a - b);
  const mid = residuals.length >> 1;
  return residuals.length % 2 === 1 ? residuals[mid]! : (residuals[mid - 1]! + residuals[mid]!) / 2;
}

function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
