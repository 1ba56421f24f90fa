/** The forecasting engine's public surface. */
export { fit, fitModel, MAX_ORDER } from './fit.js';
export { bandOver, type Band } from './bands.js';
export {
  restoreModel,
  type ComposedModel,
  type FitDiagnostics,
  type ModelFamily,
  type ModelSnapshot,
} from './model.js';
export { zFor } from './calibration.js';
export { ForecastPool, type ForecastPoolOptions } from './pool.js';
export { bandsFromSnapshot, type BandsResult, type FitResult, type ForecastResult, type Values } from './jobs.js';
export { LruCache, modelKey, type ModelKeyParts } from './cache.js';
export {
  ForecastError,
  ForecastPoolBusy,
  ForecastPoolClosed,
  ForecastTimeout,
  ForecastWorkerCrashed,
} from './errors.js';
export type { Fit, FitSpec, FittedModel, Interval, ModelChoice, OneStepPredictor } from './types.js';
