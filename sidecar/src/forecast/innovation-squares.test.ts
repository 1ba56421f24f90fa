import { ArimaFilter, innovationSquares, type ArimaParams } from './arima-filter.js';
import { filteredSquares, fitOrder, stepwiseSearch, type OrderAttempt } from './arima-order.js';
import { ArimaMethod } from './arima-wasm.js';
import { seededNoise } from '../seeded-random.js';

/** A wandering level with AR noise and a slope: every order below has something to fit. */
function series(seed: number, n: number): Float64Array {
  const next = seededNoise(seed);
  let level = 50;
  let ar = 0;
  return Float64Array.from({ length: n }, (_, t) => {
    level += next();
    ar = 0.5 * ar + 3 * next();
    return level + 0.01 * t + ar;
  });
}

describe('innovationSquares (the order search AICc without the filter)', () => {
  const x = series(7, 1500);
  const cases: ArimaParams[] = [];
  for (const d of [0, 1, 2]) {
    for (const p of [0, 1, 2, 3]) {
      for (const q of [0, 1, 2, 3]) {
        cases.push({
          d,
          phi: [0.4, -0.2, 0.1].slice(0, p),
          theta: [-0.3, 0.2, 0.05].slice(0, q),
          mean: d === 0 ? 50 : 0.013 * d,
        });
      }
    }
  }

  it.each(cases)('equals the filter to the bit for %o', (params) => {
    const fast = innovationSquares(params, x);
    expect(fast).toBeDefined();
    expect(fast).toEqual(filteredSquares(params, x));
    // toEqual compares numbers with Object.is: the same double, not merely a close one.
    expect(Object.is(fast!.ss, filteredSquares(params, x).ss)).toBe(true);
  });

  it('declines where the filter divergence guard would reset the state, and on a gap', () => {
    // An explosive AR part: its forecasts leave the envelope of the observed values within the window.
    const explosive: ArimaParams = { d: 0, phi: [1.5], theta: [], mean: 0 };
    const filter = ArimaFilter.start(explosive);
    for (const v of x) filter.observe(v);
    expect(filter.resets).toBeGreaterThan(0);
    expect(innovationSquares(explosive, x)).toBeUndefined();
    const gappy = Float64Array.from(x);
    gappy[300] = Number.NaN;
    expect(innovationSquares({ d: 1, phi: [0.3], theta: [], mean: 0 }, gappy)).toBeUndefined();
  });

  it('leaves the scores and the choice of the order search as they were', () => {
    for (const seed of [1, 2, 3]) {
      const y = series(seed, 1500);
      const attempts: OrderAttempt[] = [];
      const best = stepwiseSearch(y, 1, ArimaMethod.Css, attempts);
      expect(best).toBeDefined();
      const scored = attempts.filter((a) => a.aicc !== undefined && a.retried === undefined);
      expect(scored.length).toBeGreaterThan(3);
      for (const { order, drift, aicc } of scored) {
        const fit = fitOrder(y, order, ArimaMethod.Css, drift);
        const params = { ...fit.coefficients, d: order.d };
        const { ss, count } = filteredSquares(params, y);
        expect(fit.sigma2).toBe(ss / count);
        expect(fit.aicc).toBe(aicc);
      }
    }
  });
});
