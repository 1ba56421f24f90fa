import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Arena, slabPool, slabPools } from './arena.js';
import { SlabPool } from './slab.js';
import { fakeFit, normals } from './__fixtures__/fake-model.js';
import { DEFAULT_DETECTOR, ForecastDetector } from './forecast-detector.js';
import { DistributionShift } from './distribution-shift.js';
import { Recurrence } from './recurrence.js';
import { SortedWindow } from './sorted-window.js';

/** The same stream, with ties and both signs, for every window compared here. */
function stream(n: number): number[] {
  let state = 7;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.round((state / 2147483648) * 40 - 20) / 4;
  });
}

/** What a window answers after each push, to compare two windows fed alike. */
function answers(window: SortedWindow, values: number[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const value = Math.abs(v);
    window.push(value);
    out.push(window.rankShare(value), window.countAtLeast(2), window.quantile(0.5), window.largest(1));
  }
  return out;
}

describe('Arena', () => {
  it('holds nothing until a window asks for its full cells, then one buffer for all of them', () => {
    const arena = new Arena([4 * 50, 4 * 50, 8 * 50]);
    const windows = [
      new SortedWindow(50, 'statistic', arena),
      new SortedWindow(50, 'statistic', arena),
      new SortedWindow(50, 'double', arena),
    ];
    for (let i = 0; i < 30; i++) windows.forEach((w) => w.push(i));
    expect(arena.size).toBe(0);
    for (let i = 30; i < 60; i++) windows.forEach((w) => w.push(i));
    // 200 + 200 bytes of statistics, each padded to 8, and 400 of doubles.
    expect(arena.size).toBe(800);
    expect(windows.map((w) => [w.size, w.largest(1), w.quantile(0)])).toEqual([
      [50, 59, 10],
      [50, 59, 10],
      [50, 59, 10],
    ]);
  });

  it('gives a window in an arena exactly the answers of a window with its own buffer', () => {
    const values = stream(300);
    const arena = new Arena([4 * 64, 8 * 64]);
    const statistic = new SortedWindow(64, 'statistic', arena);
    const double = new SortedWindow(64, 'double', arena);
    expect(answers(statistic, values)).toEqual(answers(new SortedWindow(64, 'statistic'), values));
    expect(answers(double, values)).toEqual(answers(new SortedWindow(64, 'double'), values));
    expect(arena.size).toBe(4 * 64 + 8 * 64);
  });

  it('keeps windows apart: filling one never moves another, and a window beyond its room gets its own buffer', () => {
    const arena = new Arena([4 * 33]);
    const first = new SortedWindow(33, 'statistic', arena);
    const second = new SortedWindow(33, 'statistic', arena);
    for (let i = 0; i < 100; i++) {
      first.push(i);
      second.push(1000 - i);
    }
    expect([first.largest(1), first.quantile(0), first.size]).toEqual([99, 67, 33]);
    expect([second.largest(1), second.quantile(0), second.size]).toEqual([933, 901, 33]);
    expect(arena.size).toBe(136);
  });

  it('holds the arrays a recurrence and a distribution shift size at construction, and they answer as on their own', () => {
    const DAY = 86_400;
    const parts = [...Recurrence.parts(DAY, 1800, 3), ...DistributionShift.parts(30)];
    const arena = new Arena(parts);
    const recurrence = new Recurrence(DAY, 1800, 3, arena);
    const shift = new DistributionShift(30, arena);
    // 192 slots of 4 + 2 bytes, then 30 bytes of ring (padded to 32) and 8 counts of 4: all of it used.
    expect(arena.size).toBe(parts.reduce((sum, part) => sum + Math.ceil(part / 8) * 8, 0));
    expect(arena.uint8(1)).toBeNull();

    const ownRecurrence = new Recurrence(DAY, 1800, 3);
    const ownShift = new DistributionShift(30);
    const reference = new SortedWindow(200);
    const values = stream(400);
    const t0 = 1_700_000_000;
    values.forEach((v, i) => {
      const t = t0 + i * 900;
      recurrence.record(t, Math.abs(v));
      ownRecurrence.record(t, Math.abs(v));
      expect(recurrence.periodAgo(t + DAY)).toBe(ownRecurrence.periodAgo(t + DAY));
      expect(recurrence.periodsReaching(t + DAY, 2)).toBe(ownRecurrence.periodsReaching(t + DAY, 2));
      expect(shift.update(v, reference)).toBe(ownShift.update(v, reference));
      reference.push(v);
    });
  });

  it('takes an owned arena from a slab, zeroed, and a window in it answers as one with its own buffer', () => {
    const pool = new SlabPool(4 * 64 + 8 * 64, { slabBytes: 4096 });
    const owner = {};
    const arena = new Arena([4 * 64, 8 * 64], owner, pool);
    const statistic = new SortedWindow(64, 'statistic', arena);
    const double = new SortedWindow(64, 'double', arena);
    const values = stream(300);
    expect(answers(statistic, values)).toEqual(answers(new SortedWindow(64, 'statistic'), values));
    expect(answers(double, values)).toEqual(answers(new SortedWindow(64, 'double'), values));
    expect([pool.slotsInUse, pool.slabCount]).toEqual([1, 1]);
    // A second owner's arena is the next slot of the same slab, starting zeroed.
    const next = new Arena([4 * 64, 8 * 64], {}, pool);
    const cells = next.float64(64)!;
    expect(cells.byteOffset).toBe(4 * 64 + 8 * 64);
    expect(cells.every((v) => v === 0)).toBe(true);
    expect(pool.slotsInUse).toBe(2);
  });

  it('falls back to a buffer of its own when the pool is exhausted', () => {
    const pool = new SlabPool(64, { slabBytes: 64, maxSlabs: 1 });
    const first = new Arena([64], {}, pool);
    const second = new Arena([64], {}, pool);
    const a = first.float64(8)!;
    const b = second.float64(8)!;
    expect(a.buffer.byteLength).toBe(64);
    expect(b.buffer).not.toBe(a.buffer);
    b.fill(7);
    expect(Array.from(a)).toEqual(new Array(8).fill(0));
    expect(pool.slotsInUse).toBe(1);
  });

  it('gives its slot back when the owner is collected, and the next arena reuses it', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const pool = new SlabPool(32, { slabBytes: 128 });
    const fill = (): number => {
      const owner = { cells: new Arena([32], {}, pool) };
      const arena = new Arena([32], owner, pool);
      owner.cells = arena;
      arena.float64(4)!.fill(9);
      return pool.slotsInUse;
    };
    expect(fill()).toBe(1);
    for (let i = 0; i < 50 && pool.slotsInUse > 0; i++) {
      gc();
      await nextTurn();
    }
    expect(pool.slotsInUse).toBe(0);
    const reused = new Arena([32], {}, pool).float64(4)!;
    expect([reused.byteOffset, Array.from(reused)]).toEqual([0, [0, 0, 0, 0]]);
  });

  it('puts the detectors of one setting in shared slabs, and frees their slots when the detectors go', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const inUse = (): number => slabPools().reduce((sum, pool) => sum + pool.slotsInUse, 0);
    const start = inUse();
    // A model after 50 points and windows of 100, so they fill in a test.
    const options = {
      stepSeconds: 60,
      minTrainingSeconds: 50 * 60,
      surprise: { ...DEFAULT_DETECTOR.surprise, historySeconds: 100 * 60 },
    };
    let detectors: ForecastDetector[] | null = Array.from({ length: 3 }, () => new ForecastDetector(options));
    // The fixed arena is taken at construction, and the first cells of the five windows; the windows'
    // arena when the first window fills.
    expect(inUse()).toBe(start + 3 * 6);
    const values = normals(600, 3).map((z) => 100 + z);
    const run = (group: ForecastDetector[]): number[][] => {
      const fit = fakeFit();
      return group.map((d) =>
        values.map((value, p) => {
          if (d.wantsModel()) d.install(fit(d.trainingWindow(), { stepSeconds: 60, model: 'auto', confidence: 0.99 }));
          return d.update(1_700_000_000 + 60 * p, value).score;
        }),
      );
    };
    const scores = run(detectors);
    expect(inUse()).toBe(start + 6);
    detectors = null;
    for (let i = 0; i < 50 && inUse() > start; i++) {
      gc();
      await nextTurn();
    }
    expect(inUse()).toBe(start);
    // New detectors take the freed slots (zeroed) and score exactly as the first did.
    const again = Array.from({ length: 3 }, () => new ForecastDetector(options));
    expect(run(again)).toEqual(scores);
    expect(inUse()).toBe(start + 6);
  });

  it('leases the growing cells of windows in an owned arena from slabs, and gives each back when it grows or goes', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // Windows of 200: cells of 32, 64 and 128 values, then the arena's 200. Pools are by size in bytes:
    // 4-byte statistics of 64 share the 256-byte pool with doubles of 32.
    const cellSlots = (): number[] => [128, 256, 512, 1024].map((bytes) => slabPool(bytes).slotsInUse);
    const before = cellSlots();
    const delta = (): number[] => cellSlots().map((n, k) => n - before[k]!);
    const arena = new Arena([4 * 200, 8 * 200], {});
    const statistic = new SortedWindow(200, 'statistic', arena);
    const double = new SortedWindow(200, 'double', arena);
    // Both start with 32 cells, each in a slab slot.
    expect(delta()).toEqual([1, 1, 0, 0]);
    const values = stream(150);
    expect(answers(statistic, values.slice(0, 100))).toEqual(
      answers(new SortedWindow(200, 'statistic'), values.slice(0, 100)),
    );
    // 100 values: 128 cells; the slots of 32 and 64 went back.
    expect(delta()).toEqual([0, 1, 1, 0]);
    values.slice(0, 100).forEach((v) => double.push(v));
    expect(delta()).toEqual([0, 0, 1, 1]);
    // Full: the cells are the arena's, no slot is leased.
    for (let i = 0; i < 100; i++) {
      statistic.push(i);
      double.push(-i);
    }
    expect(delta()).toEqual([0, 0, 0, 0]);
    expect([statistic.size, statistic.largest(1), double.size, double.quantile(0)]).toEqual([200, 99, 200, -99]);

    // A young window that is collected gives its slot back.
    const young = (): void => {
      const w = new SortedWindow(200, 'double', new Arena([8 * 200], {}));
      for (let i = 0; i < 40; i++) w.push(i);
    };
    young();
    expect(delta()).toEqual([0, 0, 1, 0]);
    for (let i = 0; i < 50 && delta()[2]! > 0; i++) {
      gc();
      await nextTurn();
    }
    expect(delta()).toEqual([0, 0, 0, 0]);
  });
});
