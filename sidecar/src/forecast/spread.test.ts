import { rng } from './__fixtures__/simulate.js';
import { fitModel } from './fit.js';
import { restoreModel } from './model.js';
import { measureSpread, SPREAD_HORIZONS, spreadCap } from './spread.js';

function noise(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
}

describe('h-step spread of the training values', () => {
  it('is flat for noise around a level and grows like sqrt(h) for a random walk', () => {
    const flat = measureSpread(noise(3000, 1))!;
    expect(flat.sigma).toHaveLength(SPREAD_HORIZONS.length);
    // |x_{t+h} - x_t| of unit white noise: normal with variance 2 at every h.
    for (const s of flat.sigma) {
      expect(s).toBeGreaterThan(1.2);
      expect(s).toBeLessThan(1.65);
    }
    let level = 0;
    const walk = Float64Array.from(noise(3000, 2), (e) => (level += e));
    const wandering = measureSpread(walk)!;
    const at = (h: number): number => wandering.sigma[SPREAD_HORIZONS.indexOf(h)]!;
    expect(at(16) / at(4)).toBeGreaterThan(1.5);
    expect(at(16) / at(4)).toBeLessThan(2.6);
  });

  it('skips pairs with a gap, and measures nothing on a window too short for a horizon', () => {
    const x = noise(3000, 3);
    for (let i = 0; i < x.length; i += 3) x[i] = Number.NaN;
    const gappy = measureSpread(x)!;
    for (const s of gappy.sigma) expect(Number.isFinite(s)).toBe(true);
    expect(measureSpread(noise(150, 4))).toBeUndefined();
    // 300 points: 298 pairs at h = 2 but fewer than 200 at h = 128.
    const short = measureSpread(noise(300, 5))!;
    expect(SPREAD_HORIZONS[short.sigma.length - 1]).toBeLessThan(128);
  });

  it('caps nothing at one step or past the last horizon, and interpolates between horizons', () => {
    // Measured at 2, 4 and 8 steps (SPREAD_HORIZONS begins 2, 4, 8).
    expect(SPREAD_HORIZONS.slice(0, 3)).toEqual([2, 4, 8]);
    const spread = { sigma: [1, 4, 16] };
    expect(spreadCap(spread, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(spreadCap(undefined, 30)).toBe(Number.POSITIVE_INFINITY);
    expect(spreadCap(spread, 9)).toBe(Number.POSITIVE_INFINITY);
    expect(spreadCap(spread, 2)).toBeCloseTo(1, 12);
    expect(spreadCap(spread, 3)).toBeCloseTo(4 ** Math.log2(1.5), 12);
    expect(spreadCap(spread, 4)).toBeCloseTo(4, 12);
    expect(spreadCap(spread, 8)).toBeCloseTo(16, 12);
  });
});

describe('the multi-step interval under the spread cap', () => {
  // Noise around a level that shifts once: KPSS asks for a difference, yet the level stays put after.
  function shifted(seed: number): number[] {
    const r = rng(seed);
    return Array.from({ length: 3000 }, (_, i) => (i < 1200 ? 100 : 110) + 2 * r.normal());
  }
  const spec = { stepSeconds: 60, model: 'auto' as const, confidence: 0.95 };

  it('keeps the one-step band and never widens the interval beyond the uncapped one', () => {
    const model = fitModel(shifted(6), spec);
    const snapshot = model.snapshot();
    expect(snapshot.spread).toBeDefined();
    const uncapped = restoreModel({ ...snapshot, spread: undefined }).forecast(300, 0.95);
    const capped = model.forecast(300, 0.95);
    const half = (b: { lower: number[]; upper: number[] }, i: number): number => (b.upper[i]! - b.lower[i]!) / 2;
    expect(half(capped, 0)).toBeCloseTo(half(uncapped, 0), 9);
    for (let i = 0; i < 300; i++) {
      expect(half(capped, i)).toBeLessThanOrEqual(half(uncapped, i) + 1e-9);
      expect(half(capped, i)).toBeGreaterThanOrEqual(half(capped, 0) - 1e-9);
      expect(capped.mean[i]).toBe(uncapped.mean[i]);
    }
  });

  it('holds a capped 60-step interval to the spread the data showed, which still covers what follows', () => {
    const model = fitModel(shifted(7), spec);
    const snapshot = model.snapshot();
    const narrowed = restoreModel({ ...snapshot, spread: { sigma: SPREAD_HORIZONS.map(() => 1e-6) } });
    const band = narrowed.forecast(60, 0.95);
    const oneStep = (band.upper[0]! - band.lower[0]!) / 2;
    // The floor: a multi-step band is never narrower than the one-step band.
    expect((band.upper[59]! - band.lower[59]!) / 2).toBeCloseTo(oneStep, 9);
    const r = rng(8);
    const future = Array.from({ length: 60 }, () => 110 + 2 * r.normal());
    const real = model.forecast(60, 0.95);
    const inside = future.filter((v, i) => v >= real.lower[i]! && v <= real.upper[i]!).length;
    expect(inside).toBeGreaterThanOrEqual(54);
  });
});
