/**
 * Equal slots cut from large buffers, for the detectors' arenas (arena.ts). A watched series used
 * to hold two ArrayBuffers of its own (about 4 KB and 24 KB); at 100,000 series that is 200,000
 * buffers under glibc's mmap threshold, all in the malloc heap, among the small, short-lived cells
 * of growing windows: after hours the process' RSS stood 7 KB a series above the bytes it used
 * (bench/watch-memory.mjs, issue 18). A slab is one allocation of at least 32 MB (so the
 * allocator maps it on its own, outside the heap), a slot in it costs no allocation and no header,
 * and a slot given back is reused by the next series of the same size.
 *
 * A slab whose slots are all free again is dropped, so a watcher that shrinks, and the windows'
 * growing cells once the windows are full, give their memory back.
 * A pool that reached its bound of slabs hands out nothing: its callers then allocate as before.
 */

/**
 * Smallest slab: 32 MB, the most glibc's mmap threshold rises to (it starts at 128 KB and rises to the
 * size of any mapped block the process frees), so a slab is always a mapping of its own, whatever the
 * process freed before: pages it never touches cost nothing, and a dropped slab is unmapped. A slab of
 * 1 MB came from the heap once the threshold had risen, and a freed one stayed resident there.
 */
export const MIN_SLAB_BYTES = 32 << 20;
/** Default bound of one pool's slabs: 16 GB at the smallest slab, far beyond one sidecar's memory. */
export const DEFAULT_MAX_SLABS = 512;

export interface SlabPoolOptions {
  /** Least bytes of one slab (rounded up to whole slots). Default MIN_SLAB_BYTES. */
  slabBytes?: number;
  /** Slabs this pool may hold at once; past it, acquire() returns null. Default DEFAULT_MAX_SLABS. */
  maxSlabs?: number;
}

/** A slot: `bytes` from `offset` in `buffer`, zeroed when handed out. */
export interface Slot {
  readonly buffer: ArrayBuffer;
  readonly offset: number;
  /** Which slot of the pool: what release() takes. */
  readonly index: number;
}

interface Slab {
  readonly buffer: ArrayBuffer;
  /** Its free slots (positions in the slab), a stack of `freeCount`. */
  readonly free: Int32Array;
  freeCount: number;
  /** 1 where a slot is handed out, to refuse a slot given back twice. */
  readonly used: Uint8Array;
}

export class SlabPool {
  readonly slotsPerSlab: number;
  private readonly maxSlabs: number;
  /** By slab number; null once dropped (its number is reused by the next slab). */
  private readonly slabs: Array<Slab | null> = [];
  /** Slab numbers with a free slot; a Set so a slab leaves it in O(1) when it fills or is dropped. */
  private readonly open = new Set<number>();
  private inUse = 0;

  constructor(
    readonly slotBytes: number,
    options: SlabPoolOptions = {},
  ) {
    if (!Number.isInteger(slotBytes) || slotBytes < 1) throw new RangeError('slotBytes must be a positive integer');
    const slabBytes = options.slabBytes ?? MIN_SLAB_BYTES;
    this.slotsPerSlab = Math.max(1, Math.ceil(slabBytes / slotBytes));
    this.maxSlabs = options.maxSlabs ?? DEFAULT_MAX_SLABS;
  }

  /** A zeroed slot, or null when every slab is full and the pool is at its bound. */
  acquire(): Slot | null {
    let number = this.open.values().next().value as number | undefined;
    if (number === undefined) {
      number = this.newSlab();
      if (number === undefined) return null;
    }
    const slab = this.slabs[number]!;
    slab.freeCount -= 1;
    const position = slab.free[slab.freeCount]!;
    slab.used[position] = 1;
    if (slab.freeCount === 0) this.open.delete(number);
    this.inUse += 1;
    const offset = position * this.slotBytes;
    // A reused slot holds its last owner's values; a new ArrayBuffer is zeroed, and callers rely on it.
    new Uint8Array(slab.buffer, offset, this.slotBytes).fill(0);
    return { buffer: slab.buffer, offset, index: number * this.slotsPerSlab + position };
  }

  /** Gives a slot back. Its views must no longer be used: the next acquire() may hand it out. */
  release(index: number): void {
    const number = Math.floor(index / this.slotsPerSlab);
    const slab = this.slabs[number];
    const position = index - number * this.slotsPerSlab;
    if (!slab || slab.used[position] !== 1) throw new Error(`slot ${index} is not in use`);
    slab.used[position] = 0;
    slab.free[slab.freeCount] = position;
    slab.freeCount += 1;
    this.inUse -= 1;
    this.open.add(number);
    // An empty slab is dropped (unmapped). Kept as a spare, it would hold every page it ever touched:
    // the pools of the windows' growing cells empty for good once the windows are full.
    if (slab.freeCount === this.slotsPerSlab) {
      this.slabs[number] = null;
      this.open.delete(number);
    }
  }

  /** Slots handed out and not released. */
  get slotsInUse(): number {
    return this.inUse;
  }

  /** Slabs held now. */
  get slabCount(): number {
    let count = 0;
    for (const slab of this.slabs) if (slab) count += 1;
    return count;
  }

  private newSlab(): number | undefined {
    let number = this.slabs.indexOf(null);
    if (number < 0) {
      if (this.slabs.length >= this.maxSlabs) return undefined;
      number = this.slabs.length;
    }
    // Popped from the end: slots are handed out from the slab's start, so its untouched end stays unmapped.
    const free = new Int32Array(this.slotsPerSlab);
    for (let k = 0; k < this.slotsPerSlab; k += 1) free[k] = this.slotsPerSlab - 1 - k;
    this.slabs[number] = {
      buffer: new ArrayBuffer(this.slotsPerSlab * this.slotBytes),
      free,
      freeCount: this.slotsPerSlab,
      used: new Uint8Array(this.slotsPerSlab),
    };
    this.open.add(number);
    return number;
  }
}
