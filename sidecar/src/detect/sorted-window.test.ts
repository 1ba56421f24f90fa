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

  it('in single precision answers like a sorted copy of the rounded values, ties included', () => {
    const random = seeded(7);
    const window = new SortedWindow(40, 'single');
    const all: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      // Repeats of the same double must stay ties after rounding, or a repeat would look like a new extreme.
      const value = i % 3 === 0 && all.length > 0 ? all[all.length - 1]! : random() * 7 + 0.1;
      window.push(value);
      all.push(Math.fround(value));
      const held = all.slice(-40).sort((a, b) => a - b);
      expect(window.size).toBe(held.length);
      expect(window.countAtLeast(value)).toBe(held.filter((v) => v >= Math.fround(value)).length);
      expect(window.largest(1)).toBe(held[held.length - 1]);
      expect(window.quantile(0.25)).toBe(held[Math.round(0.25 * (held.length - 1))]);
    }
    expect(window.held(0.1)).toBe(Math.fround(0.1));
    expect(new SortedWindow(3).held(0.1)).toBe(0.1);
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
