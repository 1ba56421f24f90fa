/**
 * A stand-in for the forecasting engine in detector unit tests: it forecasts the mean of its
 * training values with a fixed sigma, and records what its predictors observed and whether it
 * was destroyed. Real fits are exercised by the backtest integration test.
 */
import type { Fit, FittedModel, Interval, OneStepPredictor } from '../../forecast/types.js';

export interface FakeModel extends FittedModel {
  level: number;
  observed: Array<number | null>;
  destroyed: boolean;
}

export function fakeModel(level: number, sigma: number, trainedOn: number): FakeModel {
  const model: FakeModel = {
    name: `fake(${level})`,
    trainedOn,
    sigma,
    level,
    observed: [],
    destroyed: false,
    forecast(h: number): Interval {
      return {
        mean: Array(h).fill(level),
        lower: Array(h).fill(level - 3 * sigma),
        upper: Array(h).fill(level + 3 * sigma),
      };
    },
    predictor(): OneStepPredictor {
      return {
        peek: () => ({ mean: level, sigma }),
        observe: (value) => {
          model.observed.push(value);
        },
      };
    },
    destroy() {
      model.destroyed = true;
    },
  };
  return model;
}

export type RecordingFit = Fit & { calls: Array<ReadonlyArray<number | null>>; models: FakeModel[] };

/** A Fit that returns fakeModel(mean of the observed training values, sigma), remembering each call. */
export function fakeFit(sigma = 1): RecordingFit {
  const calls: Array<ReadonlyArray<number | null>> = [];
  const models: FakeModel[] = [];
  const fit: Fit = (values) => {
    calls.push(values);
    const observed = values.filter((v): v is number => v !== null);
    const model = fakeModel(observed.reduce((a, b) => a + b, 0) / Math.max(1, observed.length), sigma, values.length);
    models.push(model);
    return model;
  };
  return Object.assign(fit, { calls, models });
}

/** Seeded standard normal draws, so detector tests are repeatable. */
export function normals(n: number, seed = 1): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}
