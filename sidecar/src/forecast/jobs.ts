/**
 * What a fit worker does, as plain functions over serialisable data, so the same code runs in a
 * worker thread (worker.ts) and inline (a band from a cached snapshot needs no fit).
 */
import { bandOver } from './bands.js';
import { fitModel } from './fit.js';
import { restoreModel, type ComposedModel, type ModelSnapshot } from './model.js';
import type { FitSpec } from './types.js';

/** Values as sent to a worker: numbers with null (or NaN) for gaps. */
export type Values = ReadonlyArray<number | null> | Float64Array;

export type Job =
  { kind: 'fit'; train: Values; spec: FitSpec } | { kind: 'bands'; train: Values; observed: Values; spec: FitSpec };

interface Fitted {
  /** Which model served, e.g. "mstl[1440]+arima(2,1,1)" or "seasonal-naive[1440]". */
  model: string;
  trainedOn: number;
  /** Calibrated one-step scale at the spec's confidence (data units). */
  sigma: number;
  /** Wall time of the fit, in the thread that ran it; 0 when served from a snapshot. */
  fitMs: number;
  /** Restores the model anywhere (restoreModel); what the model cache stores. */
  snapshot: ModelSnapshot;
}

export type FitResult = Fitted;
export interface BandsResult extends Fitted {
  /** One-step forecast of each observed point, and its band, aligned with `observed`. */
  forecast: number[];
  lower: number[];
  upper: number[];
}

export interface JobResults {
  fit: FitResult;
  bands: BandsResult;
}

function toArray(values: Values): Array<number | null> {
  return Array.from(values as ArrayLike<number | null>, (v) =>
    typeof v === 'number' && Number.isFinite(v) ? v : null,
  );
}

function fitted(train: Values, spec: FitSpec): { model: ComposedModel; base: Fitted } {
  const started = performance.now();
  const model = fitModel(toArray(train), spec);
  const fitMs = performance.now() - started;
  return {
    model,
    base: { model: model.name, trainedOn: model.trainedOn, sigma: model.sigma, fitMs, snapshot: model.snapshot() },
  };
}

/** The band over `observed` from a model; `observed` starts one step after the model's training. */
export function bandsFromModel(model: ComposedModel, observed: Values, confidence: number, fitMs = 0): BandsResult {
  const band = bandOver(model, toArray(observed), confidence);
  return {
    model: model.name,
    trainedOn: model.trainedOn,
    fitMs,
    snapshot: model.snapshot(),
    ...band,
  };
}

/**
 * Same as a worker's band job, from a cached snapshot: O(N), no fit, safe on the event loop. The
 * model reads the snapshot in place (it is the cache's, and nothing changes it), and the answer
 * carries that same snapshot back: copying it twice cost a warm request more than its band.
 */
export function bandsFromSnapshot(snapshot: ModelSnapshot, observed: Values, confidence: number): BandsResult {
  const model = restoreModel(snapshot, { shared: true });
  const band = bandOver(model, toArray(observed), confidence);
  return { model: model.name, trainedOn: model.trainedOn, fitMs: 0, snapshot, ...band };
}

export function runJob<K extends Job['kind']>(job: Extract<Job, { kind: K }>): JobResults[K];
export function runJob(job: Job): JobResults[Job['kind']] {
  const { model, base } = fitted(job.train, job.spec);
  try {
    switch (job.kind) {
      case 'fit':
        return base;
      case 'bands':
        return bandsFromModel(model, job.observed, job.spec.confidence, base.fitMs);
    }
  } finally {
    model.destroy();
  }
}
