/**
 * The streaming detector's contract, shared by the NAB backtest and the live watchers.
 * The detector is a pure state machine: it never fits a model itself. The caller sees
 * `wantsModel()` and fits (synchronously in the backtest, in the worker pool in the watchers),
 * then hands the model over with `install()`. That keeps one detector for both paths.
 */
import type { FittedModel, Interval } from '../forecast/types.js';

import type { ExcursionKind } from '@ntma/contract';

export type { ExcursionKind };

export interface Verdict {
  /** Unix seconds of the point. */
  t: number;
  value: number | null;
  /** The model's one-step forecast for t, made from data up to t-1; null while warming up. */
  forecast: number | null;
  lower: number | null;
  upper: number | null;
  /** Standardised residual (value - forecast) / sigma; null while warming up or on a gap. */
  residual: number | null;
  /** Anomaly score in [0, 1] from data up to t only. */
  score: number;
  /**
   * -1 below the band, 0 inside, 1 above; while an excursion is open (through its recovery), the
   * excursion's side, so a series settling back after a flood does not flap between +1 and -1; with
   * none open, 0 for a point straight across the band from the one before (detect/excursion.ts).
   */
  anomaly: -1 | 0 | 1;
  /** Set while an excursion is open. */
  kind: ExcursionKind | null;
}

/** The verdict of a point nothing has judged: no model yet, a gap, or a detector that only watches. */
export function unjudgedVerdict(t: number, value: number | null): Verdict {
  return { t, value, forecast: null, lower: null, upper: null, residual: null, score: 0, anomaly: 0, kind: null };
}

export interface StreamingDetector {
  update(t: number, value: number | null): Verdict;
  /**
   * True when there is no model yet or the current one is stale. It stays true until install(),
   * so an asynchronous caller must not start a second fit while one is in flight.
   */
  wantsModel(): boolean;
  /** The history the next fit should use (oldest first), bounded by the training window. */
  trainingWindow(): ReadonlyArray<number | null>;
  install(model: FittedModel): void;
  /** Optional: the caller's fit threw; the detector keeps what it has and asks again later, not at once. */
  fitFailed?(): void;
  /**
   * Optional: the forecast of the next `steps` points from now (index 0 = the next point) with its
   * band, or null without a model. The autoscaler plans replicas from it.
   */
  outlook?(steps: number): Interval | null;
}
