/**
 * The last `capacity` values of a stream, kept sorted (for ranks and tail statistics), each with
 * its arrival slot (to evict the oldest). Insertion and eviction are a binary search or a scan
 * plus one typed-array shift: a few microseconds at the window sizes the detector uses.
 *
 * Memory is what bounds how many series a sidecar can watch (five windows of 1,000 per series),
 * so a value and its slot share one cell: the slot takes the lowest bits of the value's binary
 * representation, whose ordering survives it (see the two layouts below). Every value pushed or
 * asked about is first rounded the same way (`held`), so ties stay ties and ranks stay consistent.
 * The arrays start small and double as the window fills: a watcher of 100,000 series that has run
 * for minutes holds minutes of statistics, not 100,000 × five empty windows of 1,000.
 *
 * - `double` (values of any sign: traffic levels): a Float64Array whose lowest ⌈log2 capacity⌉
 *   mantissa bits hold the slot, 8 bytes a value; a value keeps 42 of its 52 mantissa bits at a
 *   capacity of 1,000 (a relative error under 3e-13, far below any spread it is compared with).
 * - `statistic` (non-negative statistics in standard units, compared by their relative size): a
 *   Uint32Array of the value's single-precision bits, rounded to what is left above the slot, 4
 *   bytes a value; at a capacity of 1,000 a 14-bit mantissa, a relative error under 3.1e-5.
 */
import type { Arena } from './arena.js';

export type WindowPrecision = 'double' | 'statistic';

/** Values a window holds before its first growth. */
const INITIAL_ROOM = 32;
/** Largest window: slots take ⌈log2 capacity⌉ bits of each value. */
export const MAX_WINDOW_CAPACITY = 1 << 20;
/** Largest `statistic` window: its values keep 32 - ⌈log2 capacity⌉ bits (a 12-bit mantissa at this bound). */
export const MAX_STATISTIC_CAPACITY = 1 << 12;

/** Scratch views for moving between a double or a single and its bits (one thread, never re-entered). */
const f64 = new Float64Array(1);
const f64Words = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);
/** Index of a double's low (mantissa) word in its two 32-bit words. */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/** What follows from a window's capacity and precision, one object for every window of the same two. */
interface Layout {
  readonly capacity: number;
  readonly statistic: boolean;
  readonly slotBits: number;
  readonly slotMask: number;
  /** `statistic` layout: single-precision bits dropped below the kept value. */
  readonly dropBits: number;
}

/**
 * The layouts made so far, by precision and capacity. A detector keeps five windows of two layouts;
 * the five constants in each window of 100,000 series' were 200 bytes a series (issue 18, mem26).
 */
const layouts = new Map<string, Layout>();

function layoutOf(capacity: number, precision: WindowPrecision): Layout {
  const key = `${precision}:${capacity}`;
  let layout = layouts.get(key);
  if (layout === undefined) {
    const statistic = precision === 'statistic';
    const slotBits = Math.max(1, Math.ceil(Math.log2(capacity)));
    // Non-negative single-precision bits use 31 of 32; the slot takes slotBits of the rest.
    layout = { capacity, statistic, slotBits, slotMask: (1 << slotBits) - 1, dropBits: slotBits - 1 };
    layouts.set(key, layout);
  }
  return layout;
}

export class SortedWindow {
  /**
   * Sorted cells: a value with its arrival slot (0..capacity-1) in its lowest bits. The `double`
   * layout reads and writes a cell's bits through the scratch views (a view of its own would be
   * 100 bytes more per window).
   */
  private cells: Float64Array | Uint32Array;
  /** The slot the next value takes: once full, the slot of the oldest value. */
  private head = 0;
  private count = 0;
  private readonly layout: Layout;

  /** `arena`: where the full-size cells come from (one buffer for a detector's windows); else a buffer of its own. */
  constructor(
    capacity: number,
    precision: WindowPrecision = 'double',
    private readonly arena: Arena | null = null,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    const limit = precision === 'statistic' ? MAX_STATISTIC_CAPACITY : MAX_WINDOW_CAPACITY;
    if (capacity > limit) throw new RangeError(`a ${precision} window holds at most ${limit} values`);
    this.layout = layoutOf(capacity, precision);
    this.cells = this.allocate(Math.min(capacity, INITIAL_ROOM));
  }

  get capacity(): number {
    return this.layout.capacity;
  }

  private allocate(room: number): Float64Array | Uint32Array {
    const { capacity, statistic } = this.layout;
    if (room === capacity && this.arena !== null) {
      const cells = statistic ? this.arena.uint32(room) : this.arena.float64(room);
      if (cells !== null) return cells;
    }
    return statistic ? new Uint32Array(room) : new Float64Array(room);
  }

  /** Doubles the cells (up to the capacity) when they are full and the window is not. */
  private grow(): void {
    const cells = this.allocate(Math.min(this.layout.capacity, 2 * this.cells.length));
    cells.set(this.cells);
    this.cells = cells;
  }

  get size(): number {
    return this.count;
  }

  /** The value as this window holds it: rounded to what its cell keeps. */
  held(value: number): number {
    const { statistic, slotMask } = this.layout;
    if (statistic) return this.decode(this.encode(value));
    if (value === 0) return 0; // -0 too, so the two zeros are one tie
    f64[0] = value;
    f64Words[LOW] = (f64Words[LOW]! & ~slotMask) >>> 0;
    return f64[0];
  }

  /** `statistic` layout: the kept bits of a non-negative value, rounded to nearest. */
  private encode(value: number): number {
    if (!(value >= 0)) throw new RangeError(`a statistic window takes non-negative numbers, got ${value}`);
    f32[0] = value;
    const bits = f32Bits[0]!;
    const { dropBits, slotBits } = this.layout;
    return dropBits === 0 ? bits : Math.min((bits + (1 << (dropBits - 1))) >>> dropBits, 0xffffffff >>> slotBits);
  }

  private decode(code: number): number {
    f32Bits[0] = code << this.layout.dropBits;
    return f32[0]!;
  }

  /** The held value of the cell at a sorted position. */
  private valueAt(at: number): number {
    const { statistic, slotBits, slotMask } = this.layout;
    if (statistic) return this.decode(this.cells[at]! >>> slotBits);
    f64[0] = this.cells[at]!;
    f64Words[LOW] = (f64Words[LOW]! & ~slotMask) >>> 0;
    return f64[0]!;
  }

  /**
   * The range of cells a held value occupies, whatever slot it carries: [low, high]. Cells of
   * different held values never overlap and keep their values' order.
   */
  private cellRange(held: number): { low: number; high: number } {
    if (!Number.isFinite(held)) return { low: held, high: held };
    const { statistic, slotBits, slotMask } = this.layout;
    if (statistic) {
      const base = (this.encode(held) << slotBits) >>> 0;
      return { low: base, high: base + slotMask };
    }
    f64[0] = held;
    f64Words[LOW] = (f64Words[LOW]! | slotMask) >>> 0;
    const other = f64[0]!;
    // A negative value's slot bits make it more negative.
    return held < 0 ? { low: other, high: held } : { low: held, high: other };
  }

  push(input: number): void {
    // An infinity has no mantissa bits to carry a slot; the detector's inputs are finite.
    if (!Number.isFinite(input)) throw new RangeError(`SortedWindow takes finite numbers, got ${input}`);
    const value = this.held(input);
    const { capacity, statistic, slotBits } = this.layout;
    const n = this.count;
    if (n === capacity) {
      const at = this.indexOfSlot(this.head);
      this.cells.copyWithin(at, at + 1, n);
      this.count -= 1;
    } else if (n === this.cells.length) this.grow();
    const { high } = this.cellRange(value);
    const at = this.firstAbove(high);
    this.cells.copyWithin(at + 1, at, this.count);
    if (statistic) this.cells[at] = ((this.encode(value) << slotBits) | this.head) >>> 0;
    else {
      f64[0] = value;
      f64Words[LOW] = (f64Words[LOW]! | this.head) >>> 0;
      this.cells[at] = f64[0];
    }
    this.head = (this.head + 1) % capacity;
    this.count += 1;
  }

  private indexOfSlot(slot: number): number {
    const { slotMask: mask, statistic } = this.layout;
    if (statistic) {
      const cells = this.cells;
      for (let at = 0; at < this.count; at += 1) if ((cells[at]! & mask) === slot) return at;
    } else {
      const cells = this.cells;
      for (let at = 0; at < this.count; at += 1) {
        f64[0] = cells[at]!;
        if ((f64Words[LOW]! & mask) === slot) return at;
      }
    }
    throw new Error(`SortedWindow lost slot ${slot}`);
  }

  /** How many held values are >= value. */
  countAtLeast(value: number): number {
    return this.count - this.firstAtLeast(this.cellRange(this.held(value)).low);
  }

  /**
   * Where a value falls among the held ones, in [0, 1]: the share below it plus half the share
   * equal to it (mid-rank), so tied, quantised data land in the middle of their tie, not at an end.
   */
  rankShare(value: number): number {
    if (this.count === 0) throw new RangeError('rankShare of an empty window');
    const { low, high } = this.cellRange(this.held(value));
    const below = this.firstAtLeast(low);
    return (below + 0.5 * (this.firstAbove(high) - below)) / this.count;
  }

  /** The k-th largest held value (k = 1 is the maximum). */
  largest(k: number): number {
    if (k < 1 || k > this.count) throw new RangeError(`largest(${k}) with ${this.count} values held`);
    return this.valueAt(this.count - k);
  }

  /** The value at quantile q in [0, 1] (nearest rank). */
  quantile(q: number): number {
    if (this.count === 0) throw new RangeError('quantile of an empty window');
    return this.valueAt(Math.min(this.count - 1, Math.max(0, Math.round(q * (this.count - 1)))));
  }

  /** Mean and (population) variance of the k largest values. */
  topMoments(k: number): { mean: number; variance: number } {
    let sum = 0;
    let sumSq = 0;
    for (let i = this.count - k; i < this.count; i += 1) {
      const v = this.valueAt(i);
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / k;
    return { mean, variance: Math.max(0, sumSq / k - mean * mean) };
  }

  /** The first sorted position whose cell is >= `cell`. */
  private firstAtLeast(cell: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cells[mid]! < cell) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first sorted position whose cell is > `cell`. */
  private firstAbove(cell: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cells[mid]! <= cell) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
