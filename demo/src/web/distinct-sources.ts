import { HyperLogLog } from './hyperloglog.js';

export interface DistinctSourcesOptions {
  /** Length of the sliding window. */
  windowMs: number;
  /** Sub-windows the window is cut into; more means a smoother slide. */
  buckets?: number;
  precision?: number;
}

/**
 * Distinct sources seen over a sliding window, in fixed memory: one HyperLogLog per sub-window in
 * a ring, merged on read. A sub-window is dropped whole once it falls out of the window, so the
 * estimate covers between (buckets - 1) / buckets of the window and the whole window.
 */
export class DistinctSources {
  readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly sketches: HyperLogLog[];
  /** Which sub-window (time / bucketMs) each ring slot holds; -1 for never used. */
  private readonly epochs: number[];
  private readonly precision: number;

  constructor(options: DistinctSourcesOptions) {
    const buckets = options.buckets ?? 6;
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    if (!Number.isInteger(buckets) || buckets < 1 || buckets > 120) {
      throw new RangeError(`buckets must be a whole number in 1..120, got ${buckets}`);
    }
    this.windowMs = options.windowMs;
    this.bucketMs = options.windowMs / buckets;
    this.precision = options.precision ?? 12;
    this.sketches = Array.from({ length: buckets }, () => new HyperLogLog(this.precision));
    this.epochs = new Array<number>(buckets).fill(-1);
  }

  add(source: string, atMs: number): void {
    const epoch = Math.floor(atMs / this.bucketMs);
    const slot = epoch % this.sketches.length;
    if (this.epochs[slot] !== epoch) {
      this.sketches[slot]!.clear();
      this.epochs[slot] = epoch;
    }
    this.sketches[slot]!.add(source);
  }

  estimate(atMs: number): number {
    const current = Math.floor(atMs / this.bucketMs);
    const oldest = current - this.sketches.length + 1;
    const union = new HyperLogLog(this.precision);
    for (let slot = 0; slot < this.sketches.length; slot++) {
      const epoch = this.epochs[slot]!;
      if (epoch >= oldest && epoch <= current) union.merge(this.sketches[slot]!);
    }
    return Math.round(union.estimate());
  }
}
