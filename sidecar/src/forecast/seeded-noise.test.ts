import { seededNoise } from './seeded-noise.js';

describe('seededNoise', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const take = (seed: number): number[] => {
      const next = seededNoise(seed);
      return Array.from({ length: 50 }, () => next());
    };
    expect(take(18)).toEqual(take(18));
    expect(take(18)).not.toEqual(take(19));
  });

  it('stays in [-0.5, 0.5) with a mean near 0, also from seed 0', () => {
    for (const seed of [0, 1, 18, 0xffffffff]) {
      const next = seededNoise(seed);
      const values = Array.from({ length: 10_000 }, () => next());
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.5);
      expect(Math.max(...values)).toBeLessThan(0.5);
      expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length)).toBeLessThan(0.02);
    }
  });
});
