/**
 * What a fit worker does, as plain functions over serialisable data, so the same code runs in a
 * worker thread (worker.ts) and inline (tests).
 */
import { fitModel } from './fit.js';
import { NO_DIAGNOSTICS, type ComposedModel, type ModelSnapshot } from './model.js';
import type { FitSpec } from './types.js';

/** An error as it crosses the thread boundary; the pool turns it back into the matching class. */
export interface WireError {
  name: string;
  message: string;
}

/** Values as sent to a worker: numbers with null (or NaN) for gaps. */
export type Values = ReadonlyArray<number | null> | Float64Array;

/**
 * Many series fitted in one message (the watchers' warm-up and refits): their training windows
 * end to end in one buffer (NaN for gaps), which the pool transfers to the worker rather than
 * copying, and `lengths` says where each ends. `lean` drops each snapshot's diagnostics in the
 * worker: a watcher never reads them, and they were most of what crossed back.
 */
export interface FitBatchJob {
  kind: 'fitBatch';
  train: Float64Array;
  lengths: number[];
  spec: FitSpec;
  lean?: boolean;
}

/** The jobs a worker runs: fits. A band is the model's one-step pass, run by its caller (bands/assemble.ts). */
export type Job = { kind: 'fit'; train: Values; spec: FitSpec } | FitBatchJob;

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
/** One series of a batch: its fit, or why it failed (one series' failure does not fail the batch). */
export type BatchItem = { ok: true; result: FitResult } | { ok: false; error: WireError };
export interface JobResults {
  fit: FitResult;
  fitBatch: BatchItem[];
}

export function toWireError(error: unknown): WireError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * The values as a worker's fit gets them: a plain array, null for a gap. Exported for the warm-up (warm-up.ts), which
 * must hand fitModel arrays of the same kind: V8 compiles toSeries and the gap filling for the arrays it has met.
 * A plain loop: Array.from with a mapping function took 1.5 ms for 40,320 values (several at a
 * loaded machine's p50), counted in the fit's time; this takes 0.3 ms.
 */
export function fitValues(values: Values): Array<number | null> {
  const out = new Array<number | null>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' && Number.isFinite(v) ? v : null;
  }
  return out;
}

function fitted(train: Values, spec: FitSpec): { model: ComposedModel; base: Fitted } {
  const started = performance.now();
  const model = fitModel(fitValues(train), spec);
  const fitMs = performance.now() - started;
  return {
    model,
    base: { model: model.name, trainedOn: model.trainedOn, sigma: model.sigma, fitMs, snapshot: model.snapshot() },
  };
}

function fitOne(train: Values, spec: FitSpec): FitResult {
  const { model, base } = fitted(train, spec);
  model.destroy();
  return base;
}

function fitBatch(job: FitBatchJob): BatchItem[] {
  const items: BatchItem[] = [];
  let at = 0;
  for (const length of job.lengths) {
    const train = job.train.subarray(at, at + length);
    at += length;
    try {
      const result = fitOne(train, job.spec);
      if (job.lean) result.snapshot.diagnostics = NO_DIAGNOSTICS;
      items.push({ ok: true, result });
    } catch (error) {
      items.push({ ok: false, error: toWireError(error) });
    }
  }
  return items;
}

export function runJob<K extends Job['kind']>(job: Extract<Job, { kind: K }>): JobResults[K];
export function runJob(job: Job): JobResults[Job['kind']] {
  switch (job.kind) {
    case 'fit':
      return fitOne(job.train, job.spec);
    case 'fitBatch':
      return fitBatch(job);
  }
}
