/**
 * Fits run once when a worker thread starts, before any request: the first fits in a fresh
 * thread pay for instantiating ctsa's WASM and for compiling every hot path (periods, MSTL, the
 * order search, calibration), several times what a warm fit costs. V8 compiles what a path has
 * run, so the warm-up runs the paths requests take: a seasonal series that MSTL decomposes, a
 * wandering level with no season (differenced ARIMA, the most common request of all), and a day of
 * minute traffic (a daily cycle with autocorrelated noise: the panel's default request, whose one
 * cycle the period check weighs and rejects before the order search), each more than once. Done
 * here, a request never meets a cold worker once the pool has started. The series are fixed (a
 * seeded generator, no clock), so every worker warms up the same way; a fit leaves nothing behind
 * that a later fit reads (determinism.test.ts), so the warm-up changes no answer, only its speed.
 */
import { fitModel } from './fit.js';
import type { FitSpec } from './types.js';
import { seededNoise } from '../seeded-random.js';

const SPEC: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95 };

/** Two days of a 4-hour cycle at 1-minute steps: the period finder and MSTL run. */
function seasonal(seed: number): number[] {
  const next = seededNoise(seed);
  return Array.from({ length: 2880 }, (_, t) => 100 + 20 * Math.sin((2 * Math.PI * t) / 240) + 6 * next());
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

function exercise(values: number[]): void {
  const model = fitModel(values, SPEC);
  model.forecast(60, SPEC.confidence);
  const predictor = model.predictor();
  for (let t = 0; t < 60; t++) {
    predictor.peek();
    predictor.observe(values[t]!);
  }
  model.destroy();
}

export function warmUp(): void {
  for (const seed of [1, 2]) {
    exercise(seasonal(seed));
    exercise(wandering(seed));
    exercise(dailyTraffic(seed));
  }
}
