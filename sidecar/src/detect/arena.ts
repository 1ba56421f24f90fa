/**
 * One buffer for several typed arrays of one detector. Every typed array is an ArrayBuffer object
 * and an allocation of its own besides its view; a watched series holds about ten, so sharing saves
 * a few hundred bytes a series. A detector keeps two arenas: one for the arrays it sizes at
 * construction (its training ring, recurrence, run ring, distribution-shift ring), and one for the
 * full-size cells of its sorted windows, whose cells start small and double as they fill
 * (sorted-window.ts): that buffer is allocated when the first window asks for its full cells, not
 * before, so a young series (minutes of data) still holds only small arrays.
 */

/** Every part starts on an 8-byte boundary, so any view can follow any other. */
const ALIGN = 8;

const aligned = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

export class Arena {
  private buffer: ArrayBuffer | null = null;
  private used = 0;
  private readonly bytes: number;

  /** `parts`: the byte length of each array it will hand out, e.g. 1,000 cells of 4 bytes is 4,000. */
  constructor(parts: readonly number[]) {
    this.bytes = parts.reduce((sum, part) => sum + aligned(part), 0);
  }

  /** Bytes the arena holds once it has handed out an array (0 before). */
  get size(): number {
    return this.buffer === null ? 0 : this.bytes;
  }

  // Each returns null when the arena has no room left: the caller then allocates its own array.
  uint8(length: number): Uint8Array | null {
    const at = this.take(length);
    return at === null ? null : new Uint8Array(this.buffer!, at, length);
  }

  uint16(length: number): Uint16Array | null {
    const at = this.take(2 * length);
    return at === null ? null : new Uint16Array(this.buffer!, at, length);
  }

  uint32(length: number): Uint32Array | null {
    const at = this.take(4 * length);
    return at === null ? null : new Uint32Array(this.buffer!, at, length);
  }

  float32(length: number): Float32Array | null {
    const at = this.take(4 * length);
    return at === null ? null : new Float32Array(this.buffer!, at, length);
  }

  float64(length: number): Float64Array | null {
    const at = this.take(8 * length);
    return at === null ? null : new Float64Array(this.buffer!, at, length);
  }

  private take(bytes: number): number | null {
    const room = aligned(bytes);
    if (this.used + room > this.bytes) return null;
    this.buffer ??= new ArrayBuffer(this.bytes);
    const at = this.used;
    this.used += room;
    return at;
  }
}
