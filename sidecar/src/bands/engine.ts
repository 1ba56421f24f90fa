/**
 * The seam between the bands API and the forecasting engine. Routes and tests depend on this
 * small interface, not on the worker pool's internals: production plugs in the pool
 * (pool-engine.ts), unit tests a fake.
 */
import type { Values } from '../forecast/jobs.js';
import type { FitSpec } from '../forecast/types.js';

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
  /** The values right after the training window, in order; each gets a one-step-ahead forecast. */
  follow: Values;
  spec: FitSpec;
}

/** One-step-ahead forecasts and band for every `follow` value, made from data before it only. */
export interface BandTrace {
  /** Which model served the answer, e.g. "mstl[1440]+arima(2,1,1)" or "seasonal-naive". */
  model: string;
  /** Training points the model saw (after any downsampling). */
  trainedOn: number;
  /** Aligned with `follow`; null where the engine has no finite forecast. */
  mean: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  /** Milliseconds spent fitting for this job; 0 when the model came from the cache. */
  fitMs: number;
  cached: boolean;
}

export interface BandsEngine {
  band(job: BandJob): Promise<BandTrace>;
  /** Stops the workers; pending jobs are rejected. */
  close(): Promise<void>;
}
