/**
 * The last `capacity` values of a stream, kept sorted (for ranks and tail statistics) with each
 * value's arrival slot beside it (to evict the oldest). Insertion and eviction are a binary search
 * or a scan plus typed-array shifts: a few microseconds at the window sizes the detector uses.
 *
 * Memory is what bounds how many series a sidecar can watch (five windows of 1,000 per series),
 * so the arrival order is not a second copy of the values but a 16-bit slot per value, and a
 * window of statistics whose relative precision is all that matters (standardised residuals) can
 * hold them in single precision: 6 bytes a value instead of 16. In that mode every value pushed or
 * asked about is first rounded to single precision, so ties stay ties and ranks stay consistent.
 * The arrays start small and double as the window fills: a watcher of 100,000 series that has run
 * for minutes holds minutes of statistics, not 100,000 × five empty windows of 1,000 (2.8 GB).
 */
export type WindowPrecision = 'double' | 'single';

/** Values a window holds before its first growth. */
const INITIAL_ROOM = 32;

export class SortedWindow {
  private sorted: Float64Array | Float32Array;
  /** Arrival slot (0..capacity-1) of the value at the same sorted position. */
  private slots: Uint16Array | Uint32Array;
  /** The slot the next value takes: once full, the slot of the oldest value. */
  private head = 0;
  private count = 0;
  private readonly single: boolean;

  constructor(
    readonly capacity: number,
    precision: WindowPrecision = 'double',
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.single = precision === 'single';
    const room = Math.min(capacity, INITIAL_ROOM);
    this.sorted = this.single ? new Float32Array(room) : new Float64Array(room);
    this.slots = capacity <= 0x10000 ? new Uint16Array(room) : new Uint32Array(room);
  }

  /** Doubles the arrays (up to the capacity) when they are full and the window is not. */
  private grow(): void {
    const room = Math.min(this.capacity, 2 * this.sorted.length);
    const sorted = this.single ? new Float32Array(room) : new Float64Array(room);
    const slots = this.capacity <= 0x10000 ? new Uint16Array(room) : new Uint32Array(room);
    sorted.set(this.sorted);
    slots.set(this.slots);
    this.sorted = sorted;
    this.slots = slots;
  }

  get size(): number {
    return this.count;
  }

  /** The value as this window holds it (rounded to single precision in that mode). */
  held(value: number): number {
    return this.single ? Math.fround(value) : value;
  }

  push(input: number): void {
    if (Number.isNaN(input)) throw new RangeError('SortedWindow takes numbers, not NaN');
    const value = this.held(input);
    const n = this.count;
    if (n === this.capacity) {
      const at = this.slots.indexOf(this.head);
      this.sorted.copyWithin(at, at + 1, n);
      this.slots.copyWithin(at, at + 1, n);
      this.count -= 1;
    } else if (n === this.sorted.length) this.grow();
    const at = this.upperBound(value);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.slots.copyWithin(at + 1, at, this.count);
    this.sorted[at] = value;
    this.slots[at] = this.head;
    this.head = (this.head + 1) % this.capacity;
    this.count += 1;
  }

  /** How many held values are >= value. */
  countAtLeast(value: number): number {
    return this.count - this.lowerBound(this.held(value));
  }

  /**
   * Where a value falls among the held ones, in [0, 1]: the share below it plus half the share
   * equal to it (mid-rank), so tied, quantised data land in the middle of their tie, not at an end.
   */
  rankShare(value: number): number {
    if (this.count === 0) throw new RangeError('rankShare of an empty window');
    const held = this.held(value);
    const below = this.lowerBound(held);
    return (below + 0.5 * (this.upperBound(held) - below)) / this.count;
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
