/**
 * Fits run once when a worker thread starts, before any request: the first fits in a fresh
 * thread pay for instantiating ctsa's WASM and for compiling every hot path (periods, MSTL, the
 * order search, calibration), several times what a warm fit costs. V8 compiles what a path has
 * run, so the warm-up runs the paths requests take: a seasonal series that MSTL decomposes, a
 * wandering level with no season (differenced ARIMA, the most common request of all), and a day of
 * minute traffic (a daily cycle with autocorrelated noise: the panel's default request, whose one
 * cycle the period check weighs and rejects before the order search), a level that steps, a week of
 * 5-minute counts, a counter that resets, a cycle under noise proportional to its level and four days of
 * 5-minute request counts whose day shows only in two-hour means, each more than once; a counter whose resets
 * keep a schedule; a third round of the seasonal ones (one on a wandering level) and a fourth of the counts;
 * then a few orders fitted outright. Each goes through fitValues, as a worker's jobs hand values over. Done here, a
 * request never meets a cold worker once the pool has started (the first fits after it still
 * compile some code: worker threads compile synchronously, worker-flags.ts). The series are fixed (a
 * seeded generator, no clock), so every worker warms up the same way; a fit leaves nothing behind
 * that a later fit reads (determinism.test.ts), so the warm-up changes no answer, only its speed.
 */
import { BANDS_FIT_OPTIONS } from './bands-options.js';
import { fitModel } from './fit.js';
import { fitValues } from './jobs.js';
import type { FitSpec } from './types.js';
import { seededNoise } from '../seeded-random.js';

const SPEC: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95 };

/** Two days of a 4-hour cycle at 1-minute steps: the period finder and MSTL run. */
function seasonal(seed: number): number[] {
  const next = seededNoise(seed);
  return Array.from({ length: 2880 }, (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 240) + 6 * next());
}

/**
 * Two days of the 4-hour cycle on a level that wanders: MSTL removes the season and KPSS differences what is
 * left, so the re-decomposition over the whole window runs a differenced filter (the seasonal series above
 * leave a stationary remainder; without this a seasonal request whose remainder is differenced threw
 * TurboFan's code for `redecomposed` away at its first property read of the differenced path).
 */
function seasonalWandering(seed: number): number[] {
  const next = seededNoise(seed);
  let level = 100;
  return Array.from(
    { length: 2880 },
    (_, t) => (level += 0.5 * next()) + 20 * Math.sin((2 * Math.PI * t) / 240) + 3 * next(),
  );
}

/** A day of a level that wanders (a random walk plus noise): no season, a differenced ARIMA. */
function wandering(seed: number): number[] {
  const next = seededNoise(seed);
  let level = 1000;
  return Array.from({ length: 1440 }, () => (level += 4 * next()) + 20 * next());
}

/** A day of request-rate-like traffic at 1-minute steps: a daily cycle and AR(1) noise. */
function dailyTraffic(seed: number): number[] {
  const next = seededNoise(seed);
  let ar = 0;
  return Array.from({ length: 1440 }, (_, t) => {
    ar = 0.6 * ar + 40 * next();
    const day = (2 * Math.PI * t) / 1440;
    return 1000 + 400 * Math.sin(day) + 120 * Math.sin(2 * day + 1) + ar;
  });
}

/**
 * Two thousand minutes of a level that jumps by tens of sigmas every few hours: the period finder
 * weighs the spacing of the steps as a season, and the order search runs on a differenced level.
 */
function levelSteps(seed: number): number[] {
  const next = seededNoise(seed);
  let level = 100;
  return Array.from({ length: 2000 }, (_, t) => {
    if (t % 400 === 200) level += next() < 0 ? -30 : 30;
    return level + 2 * next();
  });
}

/**
 * A week of event counts at 5-minute steps on a 12-hour cycle: small integers whose noise grows with
 * the level as a Poisson count's does (a standard deviation of the level's square root), so the fit
 * tries the square root as the bands API asks (transform.ts) and fits in both spaces.
 */
function counts(seed: number): number[] {
  const next = seededNoise(seed);
  return Array.from({ length: 2016 }, (_, t) => {
    const level = 6 + 5 * Math.sin((2 * Math.PI * t) / 144);
    // seededNoise is uniform on [-0.5, 0.5): sqrt(12) of it has unit variance.
    return Math.max(0, Math.round(level + 3.5 * Math.sqrt(level) * next()));
  });
}

/**
 * Four days of 5-minute request counts whose daily rhythm is weaker than their noise from one point to the next:
 * the day is trusted only on its two-hour means (periods.ts, weakSeasons), in the counts' square root. Without it a
 * worker compiled that path, and the integer counts' arithmetic, in its first request of NAB elb's counts (its
 * first fit 111-126 ms where its later ones took 92-95).
 */
function requests(seed: number): Array<number | null> {
  const next = seededNoise(seed);
  return Array.from({ length: 1152 }, (_, t) => {
    const level = 100 + 60 * Math.sin((2 * Math.PI * t) / 288);
    const count = Math.max(0, Math.round(level + 80 * Math.sqrt(level / 100) * Math.sqrt(12) * next()));
    // A scrape missed now and then: the gap filling runs, as on NAB's series and Prometheus's.
    return GAPS.includes(t % 1000) ? null : count;
  });
}

/** Where a warm-up series misses scrapes (t modulo 1,000): one point, then three in a row. */
const GAPS: readonly number[] = [211, 617, 618, 619];

/**
 * Two thousand minutes of a raw counter (increments about 50 a minute) that had counted to millions and
 * restarts from zero at the minutes `restarts` says: the bands API's options model it with its resets undone
 * (counter.ts), a differenced search over its last 500 points, and its forecast holds the resets' chance: at the
 * window's rate (resetInterval) where the restarts are irregular, on their schedule (break-schedule.ts,
 * scheduleInterval) where they are regular. Restarts 700 minutes apart are read as a schedule too since cnt27 (from
 * two gaps in any window, and from one), so the rate's path takes irregular ones.
 */
function counter(seed: number, restarts: (t: number) => boolean): number[] {
  const next = seededNoise(seed);
  let c = 10_000_000 * seed;
  return Array.from({ length: 2000 }, (_, t) => {
    if (restarts(t)) c = 0;
    return (c += Math.max(0, Math.round(50 + 7 * next())));
  });
}

/**
 * Two days of a 4-hour cycle whose level swings tenfold under noise proportional to it (bytes/s): the held-out
 * errors of the plain fit grow with the level, so the fit runs again in the log space (transform.ts). The counts
 * above take the square root instead; without this, a worker compiled the log space's paths in its first requests
 * of such a series: on the shape suite's noise ∝ level at 16 origins, a warmed worker's next five fits took 53.5 ms
 * against 40.3 steady, and 48.7 against 42.8 with it.
 */
function multiplicative(seed: number): number[] {
  const next = seededNoise(seed);
  let ar = 0;
  return Array.from({ length: 2880 }, (_, t) => {
    ar = 0.5 * ar + 0.28 * next();
    return (275 + 225 * Math.sin((2 * Math.PI * t) / 240)) * Math.exp(ar);
  });
}

/**
 * A busy level that falls to an idle floor and sits on it (0 or a third, as a group's share of busy hosts does), with a
 * burst now and then: no season, a level break and spikes on a floor in one series (NAB grok's shape).
 */
function idleWithBursts(seed: number): number[] {
  const next = seededNoise(seed);
  return Array.from({ length: 2016 }, (_, t) => {
    if (t < 700) return 30 + 6 * next();
    if (t % 37 === 11) return 3 + 8 * (next() + 0.5);
    return next() < 0.2 ? 1 / 3 : 0;
  });
}

/** Restarts at deploys: gaps of 800 and 450 minutes, a third of their mean apart, are no schedule. */
const DEPLOYS: readonly number[] = [350, 1150, 1600];

function exercise(values: Array<number | null>, spec: FitSpec = SPEC): void {
  const model = fitModel(fitValues(values), spec);
  model.forecast(60, spec.confidence);
  const predictor = model.predictor();
  for (let t = 0; t < 60; t++) {
    predictor.peek();
    predictor.observe(values[t] ?? null);
  }
  model.destroy();
}

/**
 * Orders fitted outright on a short wandering level after the searched fits: a model without AR
 * terms, without MA terms or without differencing keeps its coefficients and history in arrays of
 * another kind (empty or shared), and code V8 compiled for one kind is thrown away when it meets
 * another. Met in the warm-up, it is compiled for all of them before any request.
 */
const OUTRIGHT: ReadonlyArray<FitSpec['model']> = [
  { p: 0, d: 1, q: 0 },
  { p: 1, d: 0, q: 0 },
  { p: 0, d: 1, q: 1 },
  { p: 1, d: 1, q: 0 },
];

/** One warm-up fit: the values and what it asks for. */
export interface WarmUpFit {
  values: Array<number | null>;
  spec: FitSpec;
}

/**
 * The warm-up's fits in the order they run. The searched ones ask for what the bands API asks for
 * (the transform, alternation and end-outlier checks: chooseTransform, the second fit in the transformed space,
 * alternationGain); before, none did, and a worker compiled those paths in its first requests (a
 * warmed worker's first fit of the suite's Poisson counts, 4-hour cycle and level steps 20-40% over its
 * later ones). The orders fitted outright ask for nothing, the path the watchers' fits take.
 */
export function warmUpFits(): WarmUpFit[] {
  const searched = { ...SPEC, ...BANDS_FIT_OPTIONS };
  const fits: WarmUpFit[] = [];
  for (const seed of [1, 2]) {
    fits.push(
      { values: seasonal(seed), spec: searched },
      { values: wandering(seed), spec: searched },
      { values: dailyTraffic(seed), spec: searched },
      { values: levelSteps(seed), spec: searched },
      { values: counts(seed), spec: { ...searched, stepSeconds: 300 } },
      { values: counter(seed, (t) => DEPLOYS.includes(t)), spec: searched },
      { values: multiplicative(seed), spec: searched },
      { values: requests(seed), spec: { ...searched, stepSeconds: 300 } },
      { values: idleWithBursts(seed), spec: { ...searched, stepSeconds: 300 } },
    );
  }
  // A counter restarting every 400 minutes, the last restart 369 before the window's end: the schedule's path
  // (breakSchedule, scheduleChance, scheduleInterval with a restart due 31 steps out). Once is enough: its
  // quantiles' bisections loop long enough in one forecast for V8 to compile them. It costs the warm-up about 22 ms
  // of CPU (1.7 s in all); a scheduled counter's first 60-step forecast after it took 1.1-5 ms, 10-38 ms without it
  // (four runs each, load 8).
  fits.push({ values: counter(3, (t) => t % 400 === 30), spec: searched });
  // More rounds of the seasonal paths only: MSTL, the re-decomposition, the transform's interval score and the
  // season checks run once or twice per fit, and after two rounds V8 still compiled them (2-7 ms each) in a worker's
  // first requests on seasonal series; after a third round (and a fourth of the counts, which fit twice: in the
  // values and in their square root) it has done so here.
  fits.push(
    { values: seasonalWandering(3), spec: searched },
    { values: counts(3), spec: { ...searched, stepSeconds: 300 } },
    { values: seasonal(3), spec: searched },
    { values: counts(4), spec: { ...searched, stepSeconds: 300 } },
  );
  const short = wandering(3).slice(-600);
  for (const model of OUTRIGHT) fits.push({ values: short, spec: { ...SPEC, model } });
  return fits;
}

export function warmUp(): void {
  for (const { values, spec } of warmUpFits()) exercise(values, spec);
}
