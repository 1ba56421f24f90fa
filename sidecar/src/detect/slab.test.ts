import { SlabPool } from './slab.js';

describe('SlabPool', () => {
  it('cuts slabs into equal slots, one slab after another', () => {
    const pool = new SlabPool(24, { slabBytes: 90 });
    expect(pool.slotsPerSlab).toBe(4);
    const slots = Array.from({ length: 5 }, () => pool.acquire()!);
    expect(slots.map((s) => s.offset)).toEqual([0, 24, 48, 72, 0]);
    expect(slots[0]!.buffer).toBe(slots[3]!.buffer);
    expect(slots[4]!.buffer).not.toBe(slots[0]!.buffer);
    expect(slots[0]!.buffer.byteLength).toBe(96);
    expect([pool.slotsInUse, pool.slabCount]).toEqual([5, 2]);
  });

  it('reuses a released slot, zeroed, before it cuts a new slab', () => {
    const pool = new SlabPool(16, { slabBytes: 32 });
    const a = pool.acquire()!;
    const b = pool.acquire()!;
    new Float64Array(b.buffer, b.offset, 2).set([3.5, -1]);
    pool.release(b.index);
    const c = pool.acquire()!;
    expect([c.buffer, c.offset, c.index]).toEqual([b.buffer, b.offset, b.index]);
    expect(Array.from(new Float64Array(c.buffer, c.offset, 2))).toEqual([0, 0]);
    expect(pool.slabCount).toBe(1);
    expect(a.index).not.toBe(c.index);
  });

  it('returns null at its bound of slabs, and hands out again once a slot is released', () => {
    const pool = new SlabPool(8, { slabBytes: 16, maxSlabs: 2 });
    const held = Array.from({ length: 4 }, () => pool.acquire());
    expect(held.every((slot) => slot !== null)).toBe(true);
    expect(pool.acquire()).toBeNull();
    pool.release(held[2]!.index);
    expect(pool.acquire()?.index).toBe(held[2]!.index);
  });

  it('drops a slab whose slots are all free, and cuts a new one when needed', () => {
    const pool = new SlabPool(8, { slabBytes: 16 });
    const slots = Array.from({ length: 6 }, () => pool.acquire()!);
    expect(pool.slabCount).toBe(3);
    pool.release(slots[0]!.index);
    expect(pool.slabCount).toBe(3);
    pool.release(slots[1]!.index);
    // The first slab is empty: dropped.
    expect(pool.slabCount).toBe(2);
    // The free slot of the second slab goes first, then a new slab takes the dropped one's number.
    pool.release(slots[2]!.index);
    const again = Array.from({ length: 3 }, () => pool.acquire()!);
    expect(again[0]!.index).toBe(slots[2]!.index);
    expect(new Set([...again, slots[3]!, slots[4]!, slots[5]!].map((s) => s.index)).size).toBe(6);
    expect([pool.slabCount, pool.slotsInUse]).toEqual([3, 6]);
  });

  it('refuses a slot that is not in use', () => {
    const pool = new SlabPool(8, { slabBytes: 16 });
    const slot = pool.acquire()!;
    pool.release(slot.index);
    expect(() => pool.release(slot.index)).toThrow('not in use');
    expect(() => pool.release(99)).toThrow('not in use');
  });
});
