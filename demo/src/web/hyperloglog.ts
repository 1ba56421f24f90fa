/**
 * A HyperLogLog sketch: estimates how many distinct strings were added in fixed memory
 * (2^precision bytes), so a flood of spoofed sources cannot grow the web service's heap.
 * Standard error is about 1.04 / sqrt(2^precision): 1.6 % at the default precision 12.
 */
export class HyperLogLog {
  readonly precision: number;
  private readonly registers: Uint8Array;

  constructor(precision = 12) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 16) {
      throw new RangeError(`precision must be a whole number in 4..16, got ${precision}`);
    }
    this.precision = precision;
    this.registers = new Uint8Array(1 << precision);
  }

  add(value: string): void {
    const hash = hash32(value);
    const index = hash >>> (32 - this.precision);
    const rest = (hash << this.precision) >>> 0;
    // Position of the first 1-bit in the bits the index did not use; all zeros ranks past the end.
    const rank = rest === 0 ? 32 - this.precision + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  /** Folds another sketch of the same precision into this one (set union). */
  merge(other: HyperLogLog): void {
    if (other.precision !== this.precision) {
      throw new RangeError(`cannot merge precision ${other.precision} into ${this.precision}`);
    }
    for (let i = 0; i < this.registers.length; i++) {
      if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
    }
  }

  clear(): void {
    this.registers.fill(0);
  }

  estimate(): number {
    const m = this.registers.length;
    let sum = 0;
    let zeros = 0;
    for (const r of this.registers) {
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const alpha = m === 16 ? 0.673 : m === 32 ? 0.697 : m === 64 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    // Small cardinalities: linear counting over the empty registers is far more accurate.
    if (raw <= 2.5 * m && zeros > 0) return m * Math.log(m / zeros);
    // Near 2^32 the 32-bit hash starts to collide.
    const two32 = 2 ** 32;
    if (raw > two32 / 30) return -two32 * Math.log(1 - raw / two32);
    return raw;
  }
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so that every input bit reaches every output bit. */
export function hash32(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
