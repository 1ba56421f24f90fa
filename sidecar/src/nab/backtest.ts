/**
 * Streams NAB files through a detector exactly as the live watchers will: one point at a time,
 * fitting synchronously whenever the detector asks for a model. Nothing here looks ahead: the
 * detector only ever sees rows 0..i when it scores row i.
 */
import type { StreamingDetector } from '../detect/types.js';
import type { Fit, FitSpec } from '../forecast/types.js';
import type { NabFile } from './corpus.js';
import { medianStepSeconds } from './timestamps.js';

export interface DetectorFactory {
  /** Used in result paths and file names, so kept to [A-Za-z0-9_-]. */
  name: string;
  create(stepSeconds: number): StreamingDetector;
  /** The fit used when the detector asks for a model; absent for model-free detectors. */
  fit?: Fit;
  fitSpec?: Omit<FitSpec, 'stepSeconds'>;
}

/** A detector's output over one file, aligned with its rows (NaN where it had nothing). */
export interface FileRun {
  key: string;
  stepSeconds: number;
  scores: Float64Array;
  forecast: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** The excursion kind per row (null outside excursions). */
  kinds: Array<string | null>;
  fits: number;
  failedFits: number;
  /** The models that served, in order, e.g. "mstl[288]+arima(1,0,1)". */
  models: string[];
  fitMillis: number;
  millis: number;
}

/**
 * A detector needs its step before the first point (a watcher knows its scrape interval). The
 * backtest reads it as the median of the first rows' forward gaps only, so nothing later in the
 * file, not even its length, can influence an early score. Rows whose clock repeats or goes back
 * say nothing about the step; if the first rows have no forward gap at all, the first forward
 * gaps after them stand in (timestamps only, never values).
 */
export const STEP_ROWS = 500;

export function nominalStepSeconds(timestamps: ReadonlyArray<number>, key: string): number {
  if (timestamps.length < 2) return 1;
  let firstForward = 1;
  while (firstForward < timestamps.length && timestamps[firstForward]! <= timestamps[firstForward - 1]!)
    firstForward += 1;
  try {
    return medianStepSeconds(timestamps.slice(0, Math.max(STEP_ROWS, firstForward + 1)));
  } catch (error) {
    throw new Error(`${key}: ${(error as Error).message}`);
  }
}

/** Runs one file; `onRows` is told how many rows were done (for a progress bar) now and then. */
export function runFile(file: NabFile, factory: DetectorFactory, onRows?: (done: number) => void): FileRun {
  const started = performance.now();
  const n = file.values.length;
  const stepSeconds = nominalStepSeconds(file.timestamps, file.key);
  const detector = factory.create(stepSeconds);
  const run: FileRun = {
    key: file.key,
    stepSeconds,
    scores: new Float64Array(n),
    forecast: new Float64Array(n).fill(Number.NaN),
    lower: new Float64Array(n).fill(Number.NaN),
    upper: new Float64Array(n).fill(Number.NaN),
    kinds: new Array<string | null>(n).fill(null),
    fits: 0,
    failedFits: 0,
    models: [],
    fitMillis: 0,
    millis: 0,
  };
  const spec: FitSpec = { stepSeconds, model: 'auto', confidence: 0.99, ...factory.fitSpec };
  for (let i = 0; i < n; i += 1) {
    if (factory.fit && detector.wantsModel()) {
      const fitStarted = performance.now();
      try {
        const model = factory.fit(detector.trainingWindow(), spec);
        detector.install(model);
        run.fits += 1;
        if (run.models[run.models.length - 1] !== model.name) run.models.push(model.name);
      } catch {
        // The detector keeps its previous model (or none) and asks again after a back-off.
        run.failedFits += 1;
        detector.fitFailed?.();
      }
      run.fitMillis += performance.now() - fitStarted;
    }
    const verdict = detector.update(file.timestamps[i]!, file.values[i]!);
    run.scores[i] = verdict.score;
    if (verdict.forecast !== null) run.forecast[i] = verdict.forecast;
    if (verdict.lower !== null) run.lower[i] = verdict.lower;
    if (verdict.upper !== null) run.upper[i] = verdict.upper;
    run.kinds[i] = verdict.kind;
    if (onRows && (i % 256 === 255 || i === n - 1)) onRows(i + 1);
  }
  run.millis = performance.now() - started;
  return run;
}
