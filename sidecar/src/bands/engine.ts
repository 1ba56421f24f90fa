/**
 * The seam between the bands API and the forecasting engine. Routes and tests depend on this
 * small interface, not on the worker pool's internals: production plugs in the pool
 * (pool-engine.ts), unit tests a fake.
 *
 * The engine hands back a fitted model, not a finished band: the one-step pass through the banded
 * range runs here, on the main thread (O(N), no fit), because which points the model may learn
 * depends on the verdicts (an excursion's points are withheld, as the watchers do; see walk.ts).
 */
import type { Values } from '../forecast/jobs.js';
import type { FitSpec, OneStepPredictor } from '../forecast/types.js';

export type { Values };

/** A gap: null in arrays from Prometheus, NaN in the typed arrays built from client points. */
export function isGap(value: number | null | undefined): boolean {
  return value === null || value === undefined || Number.isNaN(value);
}

export interface BandJob {
  /**
   * Identity of the fitted model, for the model cache: the query (or a digest of the client's
   * training values), the label set, the training window, the step and the model choice.
   */
  key: string;
  /** Evenly spaced training values, oldest first; null or NaN is a gap. */
  train: Values;
  spec: FitSpec;
}

/** A model fitted on a job's training window, ready to step through the values right after it. */
export interface BandModel {
  /** Which model served the answer, e.g. "mstl[1440]+arima(2,1,1)" or "seasonal-naive". */
  name: string;
  /** Training points the model saw (after any downsampling). */
  trainedOn: number;
  /** Milliseconds spent fitting for this job; 0 when the model came from the cache. */
  fitMs: number;
  cached: boolean;
  /** A fresh predictor positioned right after the training window, calibrated for `confidence`. */
  predictor(confidence: number): OneStepPredictor;
}

export interface BandsEngine {
  /** Fits (or takes from the cache) the model for a job. Throws ForecastError when nothing fits. */
  model(job: BandJob): Promise<BandModel>;
  /** Stops the workers; pending jobs are rejected. */
  close(): Promise<void>;
}
