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
import { breakSchedule, type BreakSchedule } from './break-schedule.js';
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
  /**
   * The resets' schedule where the window's resets keep one (break-schedule.ts: a nightly restart cron, a
   * rotation), read where training ended: the chance of a restart then follows the time since the last one
   * instead of `resetRate`. Read from one gap too, at a low trust (break-schedule.ts, ONE_GAP_DOUBT). Absent:
   * irregular restarts (deploys, crashes), fewer than two, a window under two gaps long, or overdue.
   */
  schedule?: BreakSchedule;
  /**
   * The increments the model's rate (its drift) is the mean of. Its forecast h steps out is the last value plus h
   * times that rate, so the rate's own error, the increments' long-run spread over the square root of this count,
   * grows with h and is in no error the model made in its window, where the rate was fitted: the multi-step
   * interval's no-restart width is widened by it (rateWidening). Absent: no drift (the width as measured).
   */
  rateSteps?: number;
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
  const resetAt: number[] = [];
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
      resetAt.push(t);
    }
    if (t > 0 && !Number.isNaN(data[t - 1]!)) increments[t] = v < previous ? v : v - previous;
    previous = v;
  }
  const resets = resetAt.length;
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
  // Sparse: a restart is seen in the values, so one gap between two is a gap, where a level shift's is inferred.
  const schedule = breakSchedule(resetAt, n, true);
  const snapshot: CounterSnapshot = { ...state, resetRate: resets / sorted.length, ...(schedule && { schedule }) };
  return { counter: true, reading: { unreset, increments, resets, state: snapshot } };
}

/**
 * How many times wider a counter's no-restart interval is h steps out for the error of its rate, estimated as the
 * mean of `rateSteps` increments: sqrt(1 + h / rateSteps). The h-step error of a climb forecast with a rate of N
 * increments is the increments' own noise over h steps (variance h lambda^2, lambda^2 their long-run variance) plus
 * h times the rate's error (variance h^2 lambda^2 / N): the random walk with drift's prediction variance,
 * h lambda^2 (1 + h / N). The measured h-step width (spread.ts) holds only the first: its errors are the model's in
 * the window its rate was fitted on, where the rate's error is zero by construction. At 500 increments (the
 * counter's search stretch) that is 5.8% at 60 steps: on the shape suite's counter at random phase the no-restart
 * interval held 0.938 of the hours without a restart (steps 41-60: 0.930-0.937), the forecast's slope missing the
 * generator's 50 a step by 0.32 rms, as the mean of 500 Poisson(50) increments does (issue 18, cnt27).
 */
export function rateWidening(h: number, rateSteps: number | undefined): number {
  return rateSteps !== undefined && rateSteps > 0 ? Math.sqrt(1 + h / rateSteps) : 1;
}

/** Bisection steps of a quantile of the mixture: the bracket shrinks 2^-60, well under a double's precision. */
const QUANTILE_STEPS = 60;

/** The smallest y in [lo, hi] (to 2^-steps of it) with cdf(y) >= q, cdf non-decreasing. */
function bisect(cdf: (y: number) => number, q: number, lo: number, hi: number, steps: number): number {
  let a = lo;
  let b = hi;
  for (let k = 0; k < steps; k++) {
    const c = (a + b) / 2;
    if (cdf(c) >= q) b = c;
    else a = c;
  }
  return b;
}

/**
 * Where each step's climb starts from if the counter restarted right after it (bases[j - 1] for a restart at step
 * j): the running highest of the climb from `last` (a counter's increments are never negative, so neither are
 * these climbs), ascending.
 */
function restartBases(mean: readonly number[], last: number): Float64Array {
  const bases = new Float64Array(mean.length);
  let base = last;
  for (let i = 0; i < mean.length; i++) {
    bases[i] = base;
    base = Math.max(base, mean[i]!);
  }
  return bases;
}

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
  const bases = restartBases(mean, last);
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
    const quantileOf = (q: number): number => bisect(cdf, q, Math.min(0, m - 10 * s), m + 10 * s, QUANTILE_STEPS);
    lower.push(Math.max(0, quantileOf((1 - confidence) / 2)));
    upper.push(quantileOf((1 + confidence) / 2));
  }
  return { lower, upper };
}

/** Bisection steps of scheduleInterval's quantiles: the bracket (20 spreads or more) shrinks 2^-40. */
const SCHEDULE_QUANTILE_STEPS = 40;
/** Spreads from its centre past which a normal's CDF is 0 or 1 to 6e-16. */
const TAIL_SPREADS = 8;

/**
 * resetInterval for a counter whose restarts keep a schedule (break-schedule.ts): `chance[h - 1]` is the chance of
 * a restart within h steps, and a restart at step j (chance chance[j - 1] - chance[j - 2]) shows the climb from step
 * j - 1 to h with the model's own (h - j + 1)-step spread. The constant rate's restarts are points (resetInterval):
 * each step holds a restart's chance of about 1 / 700 there, and the tail's 2.5% spans a dozen steps of climbs,
 * whose spread is far over the climbs' own noise. On a schedule a single step can hold over the tail's 2.5% (a
 * restart due at a step, give or take the timing floor's 7 steps at 700: 6% a step), and a point's lower edge
 * would then sit on the mean climb of the steps since that restart, the value itself as likely under it as over.
 * One restart at most within the horizon: a second needs a schedule shorter than the horizon (a counter restarts
 * at most once per MIN_STEPS_PER_RESET steps on average), and would only lower the value after the first further.
 * Never below zero. Only the restarts whose climb is within TAIL_SPREADS of the value asked about are evaluated.
 */
export function scheduleInterval(
  mean: readonly number[],
  half: readonly number[],
  last: number,
  chance: Float64Array,
  confidence: number,
): { lower: number[]; upper: number[] } {
  const z = zFor(confidence);
  const lower: number[] = [];
  const upper: number[] = [];
  const bases = restartBases(mean, last);
  const n = mean.length;
  // A restart at step j + 1's share of the chance, and (for the step at hand) its climb's centre and spread; the
  // centres fall as j grows (bases ascend). `after[j]`: the shares from j on.
  const share = Float64Array.from(chance, (c, j) => c - (j > 0 ? chance[j - 1]! : 0));
  const centre = new Float64Array(n);
  const spread = new Float64Array(n);
  const after = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const m = mean[i]!;
    const s = half[i]! / z;
    const kept = 1 - chance[i]!;
    let widest = 0;
    after[i + 1] = 0;
    for (let j = i; j >= 0; j--) {
      centre[j] = m - bases[j]!;
      spread[j] = half[i - j]! / z;
      widest = Math.max(widest, spread[j]!);
      after[j] = after[j + 1]! + share[j]!;
    }
    // The first restart (in 0..i + 1) whose centre is under `y`: from there on, all of them are.
    const firstUnder = (y: number): number => {
      let lo = 0;
      let hi = i + 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (centre[mid]! < y) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    };
    // P(value <= y): no restart by step i + 1 and the normal under y, or a restart at step j + 1 and its climb under
    // y; the restarts whose centre is over TAIL_SPREADS of the widest spread from y count whole or not at all.
    const cdf = (y: number): number => {
      const whole = firstUnder(y - TAIL_SPREADS * widest);
      let p = kept * normalCdf((y - m) / s) + after[whole]!;
      for (let j = firstUnder(y + TAIL_SPREADS * widest); j < whole; j++) {
        p += share[j]! * normalCdf((y - centre[j]!) / spread[j]!);
      }
      return p;
    };
    const quantileOf = (q: number): number =>
      bisect(cdf, q, Math.min(0, m) - 10 * s, m + 10 * s, SCHEDULE_QUANTILE_STEPS);
    lower.push(Math.max(0, quantileOf((1 - confidence) / 2)));
    upper.push(quantileOf((1 + confidence) / 2));
  }
  return { lower, upper };
}
