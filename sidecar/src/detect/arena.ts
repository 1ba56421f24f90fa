/**
 * One buffer for several typed arrays of one detector. Every typed array is an ArrayBuffer object
 * and an allocation of its own besides its view; a watched series holds about ten, so sharing saves
 * a few hundred bytes a series. A detector keeps two arenas: one for the arrays it sizes at
 * construction (its training ring, recurrence, run ring, distribution-shift ring), and one for the
 * full-size cells of its sorted windows, whose cells start small and double as they fill
 * (sorted-window.ts): that buffer is allocated when the first window asks for its full cells, not
 * before, so a young series (minutes of data) still holds only small arrays.
 *
 * An arena with an owner takes its buffer as a slot of a slab shared by every arena of its size
 * (slab.ts), not as an ArrayBuffer of its own: 200,000 buffers of 4 and 24 KB in the malloc heap
 * cost 100,000 series about 7 KB each above their bytes. The slot goes back to the pool when the
 * owner is collected, so the owner must hold every array the arena hands out and let none of them
 * (nor a view of their buffer) outlive it; the detector is the owner of its two arenas. The windows
 * of an owned arena take their growing cells from the same kind of pools (sorted-window.ts).
 */
import { SlabPool } from './slab.js';

/** One pool per slot size: the arenas of detectors with the same settings share slabs. */
const pools = new Map<number, SlabPool>();

/** The pools in use (for the tests and for reports). */
export function slabPools(): SlabPool[] {
  return [...pools.values()];
}

/** The shared pool of slots of `bytes` (also for the growing cells of windows in an owned arena). */
export function slabPool(bytes: number): SlabPool {
  let pool = pools.get(bytes);
  if (!pool) {
    pool = new SlabPool(bytes);
    pools.set(bytes, pool);
  }
  return pool;
}

interface Lease {
  readonly pool: SlabPool;
  readonly index: number;
}

const leases = new FinalizationRegistry<Lease>((lease) => lease.pool.release(lease.index));

/** Every part starts on an 8-byte boundary, so any view can follow any other. */
const ALIGN = 8;

const aligned = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

const totalBytes = (parts: readonly number[]): number => parts.reduce((sum, part) => sum + aligned(part), 0);

export class Arena {
  private buffer: ArrayBuffer | null = null;
  /** Where the arena's bytes start in its buffer (a slot's offset in a slab). */
  private base = 0;
  private used = 0;
  private readonly bytes: number;

  /**
   * `parts`: the byte length of each array it will hand out, e.g. 1,000 cells of 4 bytes is 4,000.
   * `owner`: the object that holds every array handed out; with one, the buffer is a slab's slot,
   * given back when the owner is collected. Without one (or when the pool is at its bound), a
   * buffer of its own.
   */
  constructor(
    parts: readonly number[],
    private owner: object | null = null,
    private readonly pool: SlabPool | null = owner === null ? null : slabPool(totalBytes(parts)),
  ) {
    this.bytes = totalBytes(parts);
  }

  /** Whether the arena's owner frees its memory (so a window in it may lease slab slots for its growing cells). */
  get pooled(): boolean {
    return this.pool !== null;
  }

  /** Bytes the arena holds once it has handed out an array (0 before). */
  get size(): number {
    return this.buffer === null ? 0 : this.bytes;
  }

  // Each returns null when the arena has no room left: the caller then allocates its own array.
  uint8(length: number): Uint8Array | null {
    const at = this.take(length);
    return at === null ? null : new Uint8Array(this.buffer!, this.base + at, length);
  }

  uint16(length: number): Uint16Array | null {
    const at = this.take(2 * length);
    return at === null ? null : new Uint16Array(this.buffer!, this.base + at, length);
  }

  uint32(length: number): Uint32Array | null {
    const at = this.take(4 * length);
    return at === null ? null : new Uint32Array(this.buffer!, this.base + at, length);
  }

  float32(length: number): Float32Array | null {
    const at = this.take(4 * length);
    return at === null ? null : new Float32Array(this.buffer!, this.base + at, length);
  }

  float64(length: number): Float64Array | null {
    const at = this.take(8 * length);
    return at === null ? null : new Float64Array(this.buffer!, this.base + at, length);
  }

  private take(bytes: number): number | null {
    const room = aligned(bytes);
    if (this.used + room > this.bytes) return null;
    if (this.buffer === null) this.allocate();
    const at = this.used;
    this.used += room;
    return at;
  }

  private allocate(): void {
    const slot = this.owner === null || this.bytes === 0 ? null : this.pool!.acquire();
    if (slot === null) this.buffer = new ArrayBuffer(this.bytes);
    else {
      this.buffer = slot.buffer;
      this.base = slot.offset;
      leases.register(this.owner!, { pool: this.pool!, index: slot.index });
    }
    this.owner = null;
  }
}
