import { ArimaFilter } from './arima-filter.js';
import { checkAdmissible, fitOrder, reflectionCoefficients, rootsOutsideUnitCircle } from './arima-order.js';
import { ArimaMethod } from './arima-wasm.js';
import { fitModel } from './fit.js';

/** Coefficients a of 1 - sum a_i z^i = prod (1 - z / r) for the given real roots r. */
function arFromRoots(roots: number[]): number[] {
  let poly = [1];
  for (const r of roots) {
    const next = new Array<number>(poly.length + 1).fill(0);
    poly.forEach((v, k) => {
      next[k]! += v;
      next[k + 1]! -= v / r;
    });
    poly = next;
  }
  return poly.slice(1).map((v) => -v);
}

/** A deterministic 60-point series: zero, a startup ramp, then a level with a small periodic wiggle. */
function startupTransient(n = 60): number[] {
  return Array.from({ length: n }, (_, i) => (i < 5 ? 0 : i < 12 ? (i - 4) * 150 : 1050 + 7 * Math.sin(i * 1.3)));
}

/** The unguarded CSS recursion of an ARIMA(0,1,1): what the filter computed before the guard. */
function unguardedForecasts(theta: number, values: number[]): number[] {
  const out: number[] = [];
  let e = 0;
  for (let i = 1; i < values.length; i++) {
    const f = values[i - 1]! + theta * e;
    out.push(f);
    e = values[i]! - f;
  }
  return out;
}

describe('ARIMA admissibility', () => {
  it('accepts polynomials with every root outside the unit circle and rejects unit or inner roots', () => {
    expect(rootsOutsideUnitCircle(arFromRoots([2]))).toBe(true);
    expect(rootsOutsideUnitCircle(arFromRoots([1.5, -3]))).toBe(true);
    expect(rootsOutsideUnitCircle(arFromRoots([1.2, 4, -2, 10, 1.1]))).toBe(true);
    expect(rootsOutsideUnitCircle(arFromRoots([1, 3]))).toBe(false);
    expect(rootsOutsideUnitCircle(arFromRoots([0.8]))).toBe(false);
    expect(rootsOutsideUnitCircle(arFromRoots([3, -0.9]))).toBe(false);
    expect(rootsOutsideUnitCircle(arFromRoots([1.2, 4, 0.7, 10, 1.1]))).toBe(false);
    expect(rootsOutsideUnitCircle([])).toBe(true);
  });

  it('gives the partial autocorrelation of an AR(1) and AR(2)', () => {
    expect(reflectionCoefficients([0.6])).toEqual([0.6]);
    // AR(2) x = 0.5 x1 + 0.3 x2: pacf(2) = 0.3, pacf(1) = 0.5 / (1 - 0.3).
    const [k1, k2] = reflectionCoefficients([0.5, 0.3]);
    expect(k2).toBeCloseTo(0.3, 12);
    expect(k1).toBeCloseTo(0.5 / 0.7, 12);
  });

  it('names the part that fails: non-stationary AR or non-invertible MA', () => {
    expect(() => checkAdmissible([0.5], [0.4])).not.toThrow();
    expect(() => checkAdmissible([1.02], [])).toThrow(/non-stationary AR/);
    expect(() => checkAdmissible([0.3, 0.7], [])).toThrow(/non-stationary AR/);
    // R sign convention: e_t + theta e_{t-1}; |theta| > 1 puts the MA root inside the unit circle.
    expect(() => checkAdmissible([0.2], [-1.8])).toThrow(/non-invertible MA/);
    expect(() =>
      checkAdmissible(
        [],
        arFromRoots([0.9, 5]).map((a) => -a),
      ),
    ).toThrow(/non-invertible MA/);
  });

  it('refuses an order with too few points per coefficient before calling ctsa', () => {
    const x = startupTransient(25);
    expect(() => fitOrder(x, { p: 2, d: 1, q: 1 }, ArimaMethod.Css)).toThrow(/too few for 3 coefficients/);
    expect(() => fitOrder(x, { p: 1, d: 0, q: 1 }, ArimaMethod.Css)).toThrow(/too few for 3 coefficients/);
  });
});

describe('ARIMA filter divergence guard', () => {
  const theta = -1.8;
  const values = startupTransient();

  it('reproduces the runaway with a non-invertible MA when unguarded', () => {
    const raw = unguardedForecasts(theta, values);
    expect(Math.max(...raw.map(Math.abs))).toBeGreaterThan(1e9);
  });

  it('keeps every one-step forecast finite and near the data by resetting the innovations', () => {
    const filter = ArimaFilter.start({ phi: [], theta: [theta], d: 1, mean: 0 });
    const forecasts: number[] = [];
    for (const v of values) {
      if (filter.warm) forecasts.push(filter.peek());
      filter.observe(v);
    }
    // Continue as a live predictor would, including a gap.
    for (let i = 0; i < 200; i++) {
      forecasts.push(filter.peek());
      filter.observe(i === 50 ? null : 1050 + 7 * Math.sin((60 + i) * 1.3));
    }
    const spread = 1057 - 0;
    expect(forecasts.every(Number.isFinite)).toBe(true);
    for (const f of forecasts) {
      expect(f).toBeGreaterThanOrEqual(-10 * spread - 1);
      expect(f).toBeLessThanOrEqual(1057 + 10 * spread + 1);
    }
    expect(filter.resets).toBeGreaterThan(0);
    // The guard is part of the state: a restored filter forecasts the same and keeps the count.
    const restored = ArimaFilter.restore(filter.state());
    expect(restored.peek()).toBe(filter.peek());
    expect(restored.resets).toBe(filter.resets);
  });

  it('peek agrees with the forecast observe measures its innovation against', () => {
    const filter = ArimaFilter.start({ phi: [], theta: [theta], d: 1, mean: 0 });
    for (const v of values) {
      const f = filter.peek();
      const e = filter.observe(v);
      if (e !== null) expect(e).toBeCloseTo(v - f, 9);
    }
  });

  it('never resets an invertible model on the same data', () => {
    const filter = ArimaFilter.start({ phi: [0.4], theta: [-0.6], d: 1, mean: 0 });
    for (const v of values) filter.observe(v);
    expect(filter.resets).toBe(0);
  });

  it('still forecasts from a snapshot saved before the guard existed (no range)', () => {
    const filter = ArimaFilter.start({ phi: [], theta: [theta], d: 1, mean: 0 });
    for (const v of values.slice(0, 10)) filter.observe(v);
    const { range: _range, resets: _resets, ...old } = filter.state();
    const restored = ArimaFilter.restore(old);
    expect(Number.isFinite(restored.peek())).toBe(true);
    for (const v of values.slice(10)) restored.observe(v);
    expect(Math.abs(restored.peek() - 1050)).toBeLessThan(10 * 1057);
  });
});

describe('a 60-point watcher window with a startup transient', () => {
  it('fits a model whose predictor stays bounded on the data that follows', () => {
    const values = startupTransient();
    const model = fitModel(values, { stepSeconds: 5, model: 'auto', confidence: 0.95 });
    const predictor = model.predictor();
    for (let i = 0; i < 720; i++) {
      const v = 1050 + 7 * Math.sin((60 + i) * 1.3);
      const { mean, sigma } = predictor.peek();
      expect(Number.isFinite(mean)).toBe(true);
      expect(Math.abs(mean - v)).toBeLessThan(1050);
      expect(sigma).toBeLessThan(1050);
      predictor.observe(v);
    }
    for (const o of model.diagnostics.orders) {
      if (o.error === undefined) continue;
      expect(o.error).toMatch(/too few|non-stationary|non-invertible|ctsa|degenerate|non-finite/);
    }
  });
});
