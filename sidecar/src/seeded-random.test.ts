import { mulberry32, seededNoise, xorshift32 } from './seeded-random.js';

const take = (next: () => number, count = 50): number[] => Array.from({ length: count }, () => next());

describe('xorshift32 and mulberry32', () => {
  // Committed series (test fixtures, bench results) were drawn from these exact sequences.
  it('give the published sequences, scaled to [0, 1)', () => {
    expect(take(xorshift32(1), 3).map((u) => u * 4294967296)).toEqual([270369, 67634689, 2647435461]);
    expect(take(mulberry32(1), 3).map((u) => u * 4294967296)).toEqual([2693262067, 11749833, 2265367787]);
  });

  it.each([
    ['xorshift32', xorshift32],
    ['mulberry32', mulberry32],
  ])('%s repeats for a seed, differs between seeds and stays in [0, 1)', (_name, generator) => {
    expect(take(generator(18))).toEqual(take(generator(18)));
    expect(take(generator(18))).not.toEqual(take(generator(19)));
    for (const seed of [0, 1, 18, 0xffffffff]) {
      const values = take(generator(seed), 10_000);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThan(1);
      expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length - 0.5)).toBeLessThan(0.02);
    }
  });
});

describe('seededNoise', () => {
  it('is xorshift32 moved to [-0.5, 0.5), also from seed 0', () => {
    for (const seed of [0, 1, 18, 0xffffffff]) {
      expect(take(seededNoise(seed))).toEqual(take(xorshift32(seed)).map((u) => u - 0.5));
    }
  });
});
