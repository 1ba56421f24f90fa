import { SortedWindow } from './sorted-window.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('SortedWindow', () => {
  it('keeps the last `capacity` values and answers ranks like a sorted copy would', () => {
    const random = seeded(3);
    const window = new SortedWindow(50);
    const all: number[] = [];
    for (let i = 0; i < 400; i += 1) {
      const value = Math.round(random() * 20) / 2; // many ties
      window.push(value);
      all.push(value);
      const held = all.slice(-50).sort((a, b) => a - b);
      expect(window.size).toBe(held.length);
      const probe = Math.round(random() * 20) / 2;
      expect(window.countAtLeast(probe)).toBe(held.filter((v) => v >= probe).length);
      expect(window.largest(1)).toBe(held[held.length - 1]);
      expect(window.quantile(0)).toBe(held[0]);
      expect(window.quantile(0.5)).toBe(held[Math.round(0.5 * (held.length - 1))]);
    }
  });

  it('gives the mean and variance of the k largest values', () => {
    const window = new SortedWindow(10);
    for (const v of [5, 1, 9, 3, 7]) window.push(v);
    expect(window.topMoments(2)).toEqual({ mean: 8, variance: 1 });
    expect(window.largest(2)).toBe(7);
  });

  it('rejects NaN, a bad capacity and out-of-range ranks', () => {
    expect(() => new SortedWindow(0)).toThrow(RangeError);
    const window = new SortedWindow(3);
    expect(() => window.push(Number.NaN)).toThrow(RangeError);
    expect(() => window.quantile(0.5)).toThrow(RangeError);
    window.push(1);
    expect(() => window.largest(2)).toThrow(RangeError);
  });

  it('in the statistic layout answers like a sorted copy of the rounded values, ties included', () => {
    const random = seeded(7);
    const window = new SortedWindow(40, 'statistic');
    const all: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      // Repeats of the same double must stay ties after rounding, or a repeat would look like a new extreme.
      const value = i % 3 === 0 && all.length > 0 ? all[all.length - 1]! : random() * 7 + 0.1;
      window.push(value);
      all.push(window.held(value));
      const held = all.slice(-40).sort((a, b) => a - b);
      expect(window.size).toBe(held.length);
      expect(window.countAtLeast(value)).toBe(held.filter((v) => v >= window.held(value)).length);
      expect(window.largest(1)).toBe(held[held.length - 1]);
      expect(window.quantile(0.25)).toBe(held[Math.round(0.25 * (held.length - 1))]);
    }
  });

  it('rounds a statistic to a 14-bit mantissa at a capacity of 1,000 (relative error under 3.1e-5)', () => {
    const window = new SortedWindow(1000, 'statistic');
    const random = seeded(11);
    for (let i = 0; i < 2000; i += 1) {
      const value = Math.pow(10, random() * 12 - 4);
      const held = window.held(value);
      // Independently: the single-precision value rounded (half up) to 14 bits after its leading one.
      const single = Math.fround(value);
      const ulp = Math.pow(2, Math.floor(Math.log2(single)) - 14);
      expect(held).toBe(Math.round(single / ulp) * ulp);
      expect(Math.abs(held - value) / value).toBeLessThan(3.1e-5);
      expect(window.held(held)).toBe(held);
    }
    expect(window.held(0)).toBe(0);
  });

  it('holds doubles of any sign to 42 mantissa bits, both zeros as one tie', () => {
    const random = seeded(5);
    const window = new SortedWindow(1000);
    const all: number[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const pick = random();
      const value = pick < 0.1 ? 0 : pick < 0.2 ? -0 : (random() - 0.4) * Math.pow(10, random() * 20 - 5);
      const held = window.held(value);
      if (value !== 0) expect(Math.abs(held - value) / Math.abs(value)).toBeLessThan(3e-13);
      window.push(value);
      all.push(held);
      if (i % 97 === 0 || i > 2990) {
        const sorted = all.slice(-1000).sort((a, b) => a - b);
        const probe = i % 2 === 0 ? value : -0;
        expect(window.countAtLeast(probe)).toBe(sorted.filter((v) => v >= window.held(probe)).length);
        const below = sorted.filter((v) => v < window.held(probe)).length;
        const equal = sorted.filter((v) => v === window.held(probe)).length;
        expect(window.rankShare(probe)).toBeCloseTo((below + equal / 2) / sorted.length, 12);
        expect(window.quantile(0)).toBe(sorted[0]);
        expect(window.quantile(1)).toBe(sorted[sorted.length - 1]);
        const k = Math.min(7, sorted.length);
        expect(window.largest(k)).toBe(sorted[sorted.length - k]);
      }
    }
    expect(window.held(-0)).toBe(0);
    expect(Object.is(window.held(-0), -0)).toBe(false);
  });

  it('evicts the oldest value through many wraps of its slots, at a capacity that is no power of two', () => {
    for (const precision of ['double', 'statistic'] as const) {
      const random = seeded(13);
      const window = new SortedWindow(37, precision);
      const all: number[] = [];
      for (let i = 0; i < 1000; i += 1) {
        const value = Math.floor(random() * 5); // ties everywhere, so eviction must find the right copy's slot
        window.push(value);
        all.push(value);
        const held = all.slice(-37);
        expect(window.size).toBe(held.length);
        for (const probe of [0, 2, 4]) expect(window.countAtLeast(probe)).toBe(held.filter((v) => v >= probe).length);
      }
    }
  });

  it('refuses what its layout cannot hold', () => {
    expect(() => new SortedWindow(4097, 'statistic')).toThrow(RangeError);
    expect(() => new SortedWindow((1 << 20) + 1)).toThrow(RangeError);
    const statistic = new SortedWindow(10, 'statistic');
    expect(() => statistic.push(-1)).toThrow(RangeError);
    expect(() => statistic.push(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => new SortedWindow(10).push(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
    // Asking about an infinity is fine: nothing held reaches it.
    statistic.push(2);
    expect(statistic.countAtLeast(Number.POSITIVE_INFINITY)).toBe(0);
    expect(statistic.rankShare(Number.POSITIVE_INFINITY)).toBe(1);
  });
});

describe('SortedWindow.rankShare', () => {
  it('gives the share below a value plus half the share equal to it', () => {
    const w = new SortedWindow(10);
    for (const v of [1, 2, 2, 2, 5]) w.push(v);
    expect(w.rankShare(0)).toBe(0);
    expect(w.rankShare(2)).toBeCloseTo((1 + 1.5) / 5, 12);
    expect(w.rankShare(9)).toBe(1);
  });
});
