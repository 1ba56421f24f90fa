import { rng } from './__fixtures__/simulate.js';
import { fitModel } from './fit.js';
import { restoreModel } from './model.js';
import { ArimaFilter } from './arima-filter.js';
import { quantile, zFor } from './calibration.js';
import { measureSpread, SPREAD_HORIZONS, spreadScale } from './spread.js';

function noise(n: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => r.normal());
}

describe("the model's own h-step errors", () => {
  const level = (): ArimaFilter => ArimaFilter.start({ phi: [], theta: [], d: 0, mean: 0 });
  const walk = (): ArimaFilter => ArimaFilter.start({ phi: [], theta: [], d: 1, mean: 0 });

  it('are flat for a mean on noise and grow like sqrt(h) for a random walk on one', () => {
    const flat = measureSpread(level(), noise(3000, 1))!;
    expect(flat.sigma).toHaveLength(SPREAD_HORIZONS.length);
    for (const s of flat.sigma) expect(s / flat.oneStep).toBeGreaterThan(0.8);
    for (const s of flat.sigma) expect(s / flat.oneStep).toBeLessThan(1.25);
    let sum = 0;
    const wandering = measureSpread(
      walk(),
      Float64Array.from(noise(3000, 2), (e) => (sum += e)),
    )!;
    const at = (h: number): number => wandering.sigma[SPREAD_HORIZONS.indexOf(h)]!;
    expect(at(16) / at(4)).toBeGreaterThan(1.5);
    expect(at(16) / at(4)).toBeLessThan(2.6);
  });

  it('stay at the one-step size for a differenced model of a level that reverts, whose psi weights say sqrt(h)', () => {
    // Last value carried forward on noise around a level: every error is the difference of two
    // independent draws, one step ahead or sixty.
    const spread = measureSpread(walk(), noise(3000, 3))!;
    expect(spread.oneStep).toBeGreaterThan(1.2);
    expect(spread.oneStep).toBeLessThan(1.65);
    expect(spreadScale(spread, 60, 1)).toBeGreaterThan(0.8);
    expect(spreadScale(spread, 60, 1)).toBeLessThan(1.25);
  });

  it('are the errors of forecasts from past origins, read off the one-step innovations', () => {
    const r = rng(4);
    let a = 0;
    const x = Float64Array.from({ length: 500 }, (_, t) => {
      a = 0.7 * a + r.normal();
      return t % 37 === 11 ? Number.NaN : 0.01 * t + a;
    });
    const params = { phi: [0.5], theta: [-0.3], d: 1, mean: 0.01 };
    const spread = measureSpread(ArimaFilter.start(params), x)!;
    // The same errors the long way: a filter that has seen x[0..t] forecasts h steps from every
    // second origin (500 points, 250 origins) once it has seen 50 points.
    const filter = ArimaFilter.start(params);
    const errors = SPREAD_HORIZONS.map(() => [] as number[]);
    for (let t = 0; t < x.length; t++) {
      filter.observe(Number.isNaN(x[t]!) ? null : x[t]!);
      if (t < 50 || t % 2 !== 0 || Number.isNaN(x[t]!)) continue;
      const path = filter.forecast(SPREAD_HORIZONS[SPREAD_HORIZONS.length - 1]!);
      SPREAD_HORIZONS.forEach((h, i) => {
        if (t + h < x.length && !Number.isNaN(x[t + h]!)) errors[i]!.push(Math.abs(x[t + h]! - path[h - 1]!));
      });
    }
    const measured = errors.filter((e) => e.length >= 100);
    expect(spread.sigma).toHaveLength(measured.length);
    measured.forEach((e, i) => {
      const direct =
        quantile(
          e.sort((p, q) => p - q),
          0.95,
        ) / zFor(0.95);
      expect(spread.sigma[i]).toBeCloseTo(direct, 9);
    });
  });

  it("count a spike's error as the band does, stepping over it on the forecast", () => {
    const r = rng(12);
    let a = 0;
    const values = Float64Array.from({ length: 600 }, () => {
      a = 0.6 * a + r.normal();
      return a;
    });
    const isSpike = (t: number): boolean => t % 29 === 13;
    const spikes = values.map((v, t) => (isSpike(t) ? v + 8 : Number.NaN));
    const x = values.map((v, t) => (isSpike(t) ? Number.NaN : v));
    const params = { phi: [0.6], theta: [], d: 0, mean: 0 };
    const spread = measureSpread(ArimaFilter.start(params), x, [], spikes)!;
    // The long way: a filter fed the spikes as gaps forecasts from every second origin; a spike target errs by its
    // value less that forecast, and the one-step errors hold the spikes' against the filter's next value.
    const filter = ArimaFilter.start(params);
    const errors = SPREAD_HORIZONS.map(() => [] as number[]);
    const ones: number[] = [];
    for (let t = 0; t < x.length; t++) {
      const target = isSpike(t) ? spikes[t]! : x[t]!;
      if (t >= 50) ones.push(Math.abs(target - filter.peek()));
      filter.observe(Number.isNaN(x[t]!) ? null : x[t]!);
      if (t < 50 || t % 2 !== 0 || Number.isNaN(x[t]!)) continue;
      const path = filter.forecast(SPREAD_HORIZONS[SPREAD_HORIZONS.length - 1]!);
      SPREAD_HORIZONS.forEach((h, i) => {
        if (t + h >= x.length) return;
        errors[i]!.push(Math.abs((isSpike(t + h) ? spikes[t + h]! : x[t + h]!) - path[h - 1]!));
      });
    }
    const scale = (e: number[]): number =>
      quantile(
        [...e].sort((p, q) => p - q),
        0.95,
      ) / zFor(0.95);
    expect(spread.oneStep).toBeCloseTo(scale(ones), 9);
    const measured = errors.filter((e) => e.length >= 100);
    expect(spread.sigma).toHaveLength(measured.length);
    measured.forEach((e, i) => expect(spread.sigma[i]).toBeCloseTo(scale(e), 9));
    // Left out, as they were until stop 39, the spikes' 8 would be in the band this is put to and in neither error.
    const without = measureSpread(ArimaFilter.start(params), x)!;
    expect(spread.oneStep).toBeGreaterThan(1.2 * without.oneStep);
  });

  it('skip gaps, and measure nothing on a window too short for a horizon', () => {
    const r = rng(5);
    const x = noise(3000, 5).map((v) => (r.uniform() < 0.3 ? Number.NaN : v));
    const gappy = measureSpread(level(), x)!;
    for (const s of gappy.sigma) expect(Number.isFinite(s)).toBe(true);
    // Gaps where the stretch begins, before a differenced filter has levels to step over them on.
    const leading = noise(300, 8);
    leading.fill(Number.NaN, 0, 3);
    leading[4] = Number.NaN;
    const twice = ArimaFilter.start({ phi: [], theta: [-0.5], d: 2, mean: 0 });
    expect(measureSpread(twice, leading)?.sigma.length).toBeGreaterThan(0);
    expect(measureSpread(level(), noise(120, 6))).toBeUndefined();
    // 300 points: errors from origin 50 on, so 248 at h = 2 but fewer than 100 at h = 256.
    const short = measureSpread(level(), noise(300, 7))!;
    expect(SPREAD_HORIZONS[short.sigma.length - 1]).toBe(128);
  });

  it('say nothing at one step or past the last horizon, interpolate between horizons, and scale to the one-step band', () => {
    // Measured at 2, 4 and 8 steps (SPREAD_HORIZONS begins 2, 4, 8).
    expect(SPREAD_HORIZONS.slice(0, 3)).toEqual([2, 4, 8]);
    const spread = { sigma: [1, 4, 16], oneStep: 0.5 };
    expect(spreadScale(spread, 1, 1)).toBeUndefined();
    expect(spreadScale(undefined, 30, 1)).toBeUndefined();
    expect(spreadScale(spread, 9, 1)).toBeUndefined();
    expect(spreadScale(spread, 2, 0.5)).toBeCloseTo(1, 12);
    expect(spreadScale(spread, 3, 0.5)).toBeCloseTo(4 ** Math.log2(1.5), 12);
    expect(spreadScale(spread, 4, 0.5)).toBeCloseTo(4, 12);
    expect(spreadScale(spread, 8, 0.5)).toBeCloseTo(16, 12);
    expect(spreadScale(spread, 8, 1)).toBeCloseTo(32, 12);
  });
});

describe('the multi-step interval from the measured h-step errors', () => {
  // Noise around a level that shifts once: KPSS asks for a difference, yet the level stays put after.
  function shifted(seed: number): number[] {
    const r = rng(seed);
    return Array.from({ length: 3000 }, (_, i) => (i < 1200 ? 100 : 110) + 2 * r.normal());
  }
  const spec = { stepSeconds: 60, model: 'auto' as const, confidence: 0.95 };
  const half = (b: { lower: number[]; upper: number[] }, i: number): number => (b.upper[i]! - b.lower[i]!) / 2;

  it('keeps the one-step band and the forecast, and is narrower than the psi weights say on a level that reverts', () => {
    const model = fitModel(shifted(6), spec);
    const snapshot = model.snapshot();
    expect(snapshot.spread).toBeDefined();
    const psiOnly = restoreModel({ ...snapshot, spread: undefined }).forecast(300, 0.95);
    const measured = model.forecast(300, 0.95);
    expect(half(measured, 0)).toBeCloseTo(half(psiOnly, 0), 9);
    for (let i = 0; i < 300; i++) {
      expect(half(measured, i)).toBeGreaterThanOrEqual(half(measured, 0) - 1e-9);
      expect(measured.mean[i]).toBe(psiOnly.mean[i]);
    }
    expect(half(measured, 59)).toBeLessThan(half(psiOnly, 59));
  });

  it("widens past the psi weights where the model's h-step errors were wider, and uses them past the last horizon", () => {
    const model = fitModel(shifted(9), spec);
    const snapshot = model.snapshot();
    const oneStep = snapshot.spread!.oneStep;
    // Errors that grew as h (a missed drift) where the psi weights of the fitted model say far less.
    const drifting = restoreModel({ ...snapshot, spread: { sigma: SPREAD_HORIZONS.map((h) => h * oneStep), oneStep } });
    const band = drifting.forecast(600, 0.95);
    expect(half(band, 59) / half(band, 0)).toBeCloseTo(60, 6);
    const psiOnly = restoreModel({ ...snapshot, spread: undefined }).forecast(600, 0.95);
    expect(half(band, 59)).toBeGreaterThan(half(psiOnly, 59));
    expect(half(band, 599)).toBeCloseTo(half(psiOnly, 599), 9);
  });

  it('holds a 60-step interval to the spread the data showed, which still covers what follows', () => {
    const model = fitModel(shifted(7), spec);
    const snapshot = model.snapshot();
    const narrowed = restoreModel({ ...snapshot, spread: { sigma: SPREAD_HORIZONS.map(() => 1e-6), oneStep: 1 } });
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
