/**
 * A band over an observed range from a fitted model: its one-step predictor runs through the
 * range with fixed parameters, so N points cost one fit (already done) and O(N) here.
 */
import { zFor } from './calibration.js';
import type { FittedModel } from './types.js';

export interface Band {
  /** One-step forecast of each observed point from everything before it. */
  forecast: number[];
  lower: number[];
  upper: number[];
  /** Calibrated one-step scale (data units). */
  sigma: number;
}

/**
 * `observed` must start one step after the model's last training point. A gap (null/NaN) gets
 * a forecast and band like any point and advances the state on that forecast, never as zero.
 */
export function bandOver(model: FittedModel, observed: ReadonlyArray<number | null>, confidence: number): Band {
  const z = zFor(confidence);
  const predictor = model.predictor(confidence);
  const forecast: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  let sigma = model.sigma;
  for (const value of observed) {
    const next = predictor.peek();
    sigma = next.sigma;
    forecast.push(next.point ?? next.mean);
    lower.push(next.mean - z * next.sigma);
    upper.push(next.mean + z * next.sigma);
    predictor.observe(value);
  }
  return { forecast, lower, upper, sigma };
}
