/**
 * What a fit worker does, as plain functions over serialisable data, so the same code runs in a
 * worker thread (worker.ts) and inline (tests).
 */
import { fitModel } from './fit.js';
import type { ComposedModel, ModelSnapshot } from './model.js';
import type { FitSpec } from './types.js';

/** Values as sent to a worker: numbers with null (or NaN) for gaps. */
export type Values = ReadonlyArray<number | null> | Float64Array;

/** The one job a worker runs: a fit. A band is the model's one-step pass, run by its caller (bands/assemble.ts). */
export type Job = { kind: 'fit'; train: Values; spec: FitSpec };

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
export interface JobResults {
  fit: FitResult;
}

/**
 * A plain loop: Array.from with a mapping function took 1.5 ms for 40,320 values (several at a
 * loaded machine's p50), counted in the fit's time; this takes 0.3 ms.
 */
function toArray(values: Values): Array<number | null> {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
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

export function runJob<K extends Job['kind']>(job: Extract<Job, { kind: K }>): JobResults[K];
export function runJob(job: Job): JobResults[Job['kind']] {
  const { model, base } = fitted(job.train, job.spec);
  try {
    switch (job.kind) {
      case 'fit':
        return base;
    }
  } finally {
    model.destroy();
  }
}
