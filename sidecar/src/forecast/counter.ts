/**
 * A raw Prometheus counter (a `_total` series queried without `rate()`): it only climbs, and a drop is a
 * restart from zero, which Prometheus' `increase()` and `rate()` read as the counter having counted the value
 * after the drop since then. Modelled as it is, a counter's reset is a step of thousands or millions of its
 * increments' noise, which no ARIMA without it can forecast through: the shape suite's counter (increments of
 * about 50, a reset every 700 steps) was fitted without drift and forecast flat (issue 18, cnt24). Undone as
 * Prometheus undoes it, each reset adding the value before it to everything after, the counter is a climb
 * whose increments are what the model has to learn, and its forecast is the last value plus the increments
 * forecast. Pure: recognition and the running undo, no model.
 */
import { normalCdf, quantile, zFor } from './calibration.js';

/** Observed values needed to call a series a counter. */
export const COUNTER_MIN_POINTS = 40;
/**
 * A drop is a restart only where the value after it is at most this share of the value before: a counter
 * restarts from zero, so what it shows after a drop is what it counted since, far below where it was. A dip
 * to 80% of the level, a gauge's step down, is not one.
 */
export const RESTART_SHARE = 0.5;
/** Steps a counter runs on average between restarts, at the least: a value that drops more often is a gauge. */
export const MIN_STEPS_PER_RESET = 50;
/**
 * How many times the 95% quantile of the increments one increment may be: a value that falls to zero and
 * comes straight back (a scrape that read 0) would otherwise be a restart followed by an increment of the
 * whole level. The band floor's gross-error factor (fit.ts, GROSS_ERROR_FACTOR).
 */
export const COUNTER_GROSS_FACTOR = 100;

/** Where a counter's running undo stands: what was added by the resets so far, and the last value seen. */
export interface CounterState {
  /** The sum of the values before each reset (data units): the reset-corrected value is the value plus this. */
  offset: number;
  /** The last observed value (data units), NaN before any. */
  last: number;
}

/** What a counter model keeps: the undo where training ended, and how often the counter reset. */
export interface CounterSnapshot extends CounterState {
  /** Resets per step over the training window: the chance that the counter restarts at any one step ahead. */
  resetRate: number;
}

export interface CounterReading {
  /** The values with each reset undone (gaps stay NaN). */
  unreset: Float64Array;
  /** The increments (the first observed value's and those after a gap NaN): the value after a reset counts whole. */
  increments: Float64Array;
  resets: number;
  /** The state after the last value, which a model of `unreset` continues from, with the resets' rate. */
  state: CounterSnapshot;
}

export type CounterRecognition = { counter: true; reading: CounterReading } | { counter: false; reason: string };

/**
 * The value with a reset undone (Prometheus' reading: any drop is a restart), and the state after it; a gap
 * (null or NaN) leaves the state as it was and gives NaN.
 */
export function undoReset(state: CounterState, value: number | null): number {
  if (value === null || Number.isNaN(value)) return Number.NaN;
  if (value < state.last) state.offset += state.last;
  state.last = value;
  return value + state.offset;
}

/** Whether every observed value of `data` is a whole number: what a counter of events, bytes or packets shows. */
function wholeNumbers(data: Float64Array): boolean {
  for (let t = 0; t < data.length; t++) {
    const v = data[t]!;
    if (!Number.isNaN(v) && v !== Math.round(v)) return false;
  }
  return true;
}

/**
 * Whether `data` (NaN = gap) is a counter: never negative, never falling but to restart (to at most
 * RESTART_SHARE of the value before), at most one restart per MIN_STEPS_PER_RESET steps, an increase in more than
 * 5% of its steps and none gross; and either at least one restart, or whole numbers only (a counter of events,
 * bytes or packets, Prometheus' `_total` series, that has not restarted in the window: never falling at all). A
 * climb of fractions that never falls (CPU seconds, but also a gauge that happens to grow) is left to the ordinary
 * model. Modelled as a counter, one without a restart gets the band in its increments' unit (the ordinary model's
 * one-step band was about five times the increments' noise: its floor is a share of the values' MAD, the climb's
 * range; over 300 windows of the shape suite's counter generator cut where it had not restarted, its one-step band
 * and 60-step interval held 1.000 of the next hour, 0.952 / 0.957 as a counter), no restart in its multi-step
 * interval (none seen: a rate of 0), and a predictor that undoes a restart it meets (issue 18, brk25).
 */
export function recogniseCounter(data: Float64Array): CounterRecognition {
  const n = data.length;
  const increments = new Float64Array(n).fill(Number.NaN);
  let observed = 0;
  let resets = 0;
  let previous = Number.NaN;
  for (let t = 0; t < n; t++) {
    const v = data[t]!;
    if (Number.isNaN(v)) continue;
    if (v < 0) return { counter: false, reason: 'negative values' };
    observed++;
    if (!Number.isNaN(previous) && v < previous) {
      if (v > RESTART_SHARE * previous) {
        return { counter: false, reason: `a fall from ${previous} to ${v} that is no restart` };
      }
      resets++;
    }
    if (t > 0 && !Number.isNaN(data[t - 1]!)) increments[t] = v < previous ? v : v - previous;
    previous = v;
  }
  if (observed < COUNTER_MIN_POINTS) return { counter: false, reason: `${observed} observed values` };
  if (resets === 0 && !wholeNumbers(data)) return { counter: false, reason: 'no reset, and not whole numbers' };
  if (resets * MIN_STEPS_PER_RESET > observed) {
    return { counter: false, reason: `${resets} resets in ${observed} values` };
  }
  // A plain array for calibration.ts's quantile, whose type feedback stays on plain arrays.
  const sorted = Array.from(increments.filter((v) => !Number.isNaN(v)).sort());
  const q95 = quantile(sorted, 0.95);
  if (!(q95 > 0)) return { counter: false, reason: 'rises in 5% of its steps or fewer' };
  const largest = sorted[sorted.length - 1]!;
  if (largest > COUNTER_GROSS_FACTOR * q95) {
    return { counter: false, reason: `an increment of ${largest}, over ${COUNTER_GROSS_FACTOR}x their 95% quantile` };
  }
  const state: CounterState = { offset: 0, last: Number.NaN };
  const unreset = Float64Array.from(data, (v) => undoReset(state, v));
  return {
    counter: true,
    reading: { unreset, increments, resets, state: { ...state, resetRate: resets / sorted.length } },
  };
}

/** Bisection steps of a quantile of the mixture: the bracket shrinks 2^-60, well under a double's precision. */
const QUANTILE_STEPS = 60;

/**
 * A counter's multi-step interval with its resets: h steps out it has restarted with probability
 * 1 - (1 - rate)^h, and then shows what it counted since its last restart, which is far below the climb the
 * model forecasts. `mean` is that climb (data units, steps 1..H), `half` the model's half-width at `confidence`
 * (a normal scale), `last` the value the climb starts from. The interval is the mixture's central `confidence`:
 * the model's normal around the climb without a restart, and a point for each step j it may have last restarted
 * at (chance rate (1 - rate)^(h - j)), the climb from step j - 1 to h. Where a restart within h steps is as
 * likely as the band's tail (2.5% at 95%), the lower edge falls to what the counter would show after one; the
 * upper edge comes in a little, since a restart never exceeds the climb. At random phase on the shape suite's
 * counter, without this the 60-step interval held 0.90 (half of the horizon after a reset, in 8.6% of origins).
 * Never below zero. The forecast itself stays the climb: a counter mostly does not restart.
 */
export function resetInterval(
  mean: readonly number[],
  half: readonly number[],
  last: number,
  rate: number,
  confidence: number,
): { lower: number[]; upper: number[] } {
  const z = zFor(confidence);
  const lower: number[] = [];
  const upper: number[] = [];
  // Where each step's climb starts from if the counter restarted right after it: the running highest of the
  // climb (a counter's increments are never negative, so neither are these climbs), ascending.
  const bases = new Float64Array(mean.length);
  let base = last;
  for (let i = 0; i < mean.length; i++) {
    bases[i] = base;
    base = Math.max(base, mean[i]!);
  }
  for (let i = 0; i < mean.length; i++) {
    const m = mean[i]!;
    const s = half[i]! / z;
    const steps = i + 1;
    const kept = (1 - rate) ** steps;
    // P(value <= y): no restart and the normal under y, or a last restart at a step whose climb is under y
    // (those from the first base at or above m - y on, a suffix of bases[0..i]).
    const cdf = (y: number): number => {
      let lo = 0;
      let hi = steps;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (bases[mid]! >= m - y) hi = mid;
        else lo = mid + 1;
      }
      return kept * normalCdf((y - m) / s) + 1 - (1 - rate) ** (steps - lo);
    };
    const quantileOf = (q: number): number => {
      let a = Math.min(0, m - 10 * s);
      let b = m + 10 * s;
      for (let k = 0; k < QUANTILE_STEPS; k++) {
        const c = (a + b) / 2;
        if (cdf(c) >= q) b = c;
        else a = c;
      }
      return b;
    };
    lower.push(Math.max(0, quantileOf((1 - confidence) / 2)));
    upper.push(quantileOf((1 + confidence) / 2));
  }
  return { lower, upper };
}
