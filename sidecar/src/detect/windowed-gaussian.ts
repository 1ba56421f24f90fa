/**
 * The baseline every detector is compared against: a rolling window's mean and standard
 * deviation, the point's z-score against them, and the two-sided Gaussian tail of that z as the
 * surprise. No model, no seasonality, no memory beyond the window.
 */
import type { FittedModel } from '../forecast/types.js';
import { scoreFromLog10Tail, log10TwoSidedNormalTail, upperNormalQuantile } from './tail.js';
import { unjudgedVerdict, type StreamingDetector, type Verdict } from './types.js';

export interface WindowedGaussianOptions {
  /** Points in the rolling window. */
  windowPoints: number;
  /** Nominal coverage of the reported band. */
  confidence: number;
}

export const DEFAULT_WINDOWED_GAUSSIAN: WindowedGaussianOptions = { windowPoints: 2016, confidence: 0.99 };

export class WindowedGaussianDetector implements StreamingDetector {
  private readonly options: WindowedGaussianOptions;
  private readonly window: Float64Array;
  private readonly bandZ: number;
  private head = 0;
  private count = 0;
  // Sums are taken relative to the first value seen, so large offsets (bytes counters) keep precision.
  private origin: number | null = null;
  private sum = 0;
  private sumSq = 0;

  constructor(options: Partial<WindowedGaussianOptions> = {}) {
    this.options = { ...DEFAULT_WINDOWED_GAUSSIAN, ...options };
    if (!(Number.isInteger(this.options.windowPoints) && this.options.windowPoints >= 2)) {
      throw new RangeError('windowPoints must be an integer >= 2');
    }
    this.window = new Float64Array(this.options.windowPoints);
    this.bandZ = upperNormalQuantile((1 - this.options.confidence) / 2);
  }

  /** It needs no model. */
  wantsModel(): boolean {
    return false;
  }

  trainingWindow(): ReadonlyArray<number | null> {
    return [];
  }

  install(model: FittedModel): void {
    model.destroy();
  }

  update(t: number, value: number | null): Verdict {
    const v = value === null || !Number.isFinite(value) ? null : value;
    let verdict = unjudgedVerdict(t, v);
    if (this.count >= 2 && this.origin !== null) {
      const mean = this.sum / this.count;
      const variance = Math.max(0, (this.sumSq - this.count * mean * mean) / (this.count - 1));
      const sd = Math.sqrt(variance);
      const forecast = this.origin + mean;
      verdict = { ...verdict, forecast, lower: forecast - this.bandZ * sd, upper: forecast + this.bandZ * sd };
      if (v !== null) {
        const deviation = v - forecast;
        const residual = sd > 0 ? deviation / sd : deviation === 0 ? 0 : Math.sign(deviation) * Infinity;
        verdict.residual = Number.isFinite(residual) ? residual : null;
        verdict.score = scoreFromLog10Tail(log10TwoSidedNormalTail(residual));
        verdict.anomaly = v > verdict.upper! ? 1 : v < verdict.lower! ? -1 : 0;
      }
    }
    if (v !== null) this.push(v);
    return verdict;
  }

  private push(value: number): void {
    if (this.origin === null) this.origin = value;
    const x = value - this.origin;
    if (this.count === this.options.windowPoints) {
      const old = this.window[this.head]!;
      this.sum -= old;
      this.sumSq -= old * old;
    } else {
      this.count += 1;
    }
    this.window[this.head] = x;
    this.head = (this.head + 1) % this.options.windowPoints;
    this.sum += x;
    this.sumSq += x * x;
  }
}
