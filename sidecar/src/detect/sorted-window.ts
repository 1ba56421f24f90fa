/**
 * The last `capacity` values of a stream, kept both in arrival order (to evict the oldest) and
 * sorted (for ranks and tail statistics). Insertion and eviction are a binary search plus one
 * typed-array shift: a few microseconds at the window sizes the detector uses.
 */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (Number.isNaN(value)) throw new RangeError('SortedWindow takes numbers, not NaN');
    if (this.count === this.capacity) {
      const oldest = this.ring[this.head]!;
      const at = this.lowerBound(oldest);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count -= 1;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    const at = this.upperBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.count += 1;
  }

  /** How many held values are >= value. */
  countAtLeast(value: number): number {
    return this.count - this.lowerBound(value);
  }

  /**
   * Where a value falls among the held ones, in [0, 1]: the share below it plus half the share
   * equal to it (mid-rank), so tied, quantised data land in the middle of their tie, not at an end.
   */
  rankShare(value: number): number {
    if (this.count === 0) throw new RangeError('rankShare of an empty window');
    const below = this.lowerBound(value);
    return (below + 0.5 * (this.upperBound(value) - below)) / this.count;
  }

  /** The k-th largest held value (k = 1 is the maximum). */
  largest(k: number): number {
    if (k < 1 || k > this.count) throw new RangeError(`largest(${k}) with ${this.count} values held`);
    return this.sorted[this.count - k]!;
  }

  /** The value at quantile q in [0, 1] (nearest rank). */
  quantile(q: number): number {
    if (this.count === 0) throw new RangeError('quantile of an empty window');
    const at = Math.min(this.count - 1, Math.max(0, Math.round(q * (this.count - 1))));
    return this.sorted[at]!;
  }

  /** Mean and (population) variance of the k largest values. */
  topMoments(k: number): { mean: number; variance: number } {
    let sum = 0;
    let sumSq = 0;
    for (let i = this.count - k; i < this.count; i += 1) {
      const v = this.sorted[i]!;
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / k;
    return { mean, variance: Math.max(0, sumSq / k - mean * mean) };
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(value: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
