import { rng } from './__fixtures__/simulate.js';
import { fitModel } from './fit.js';

/** A level of 100 with ±5% independent noise per point: the live watch test's normal traffic. */
function flat(seed: number, n: number): number[] {
  const { uniform: random } = rng(seed);
  return Array.from({ length: n }, () => 100 * (1 + 0.05 * (2 * random() - 1)));
}

const SPEC = { stepSeconds: 1, model: 'auto', confidence: 0.999 } as const;

describe('independent noise at a 1 s step (a watcher with a 5-minute window)', () => {
  it('gets a stationary model: the order search does not difference it', () => {
    const names = Array.from({ length: 12 }, (_, w) => fitModel(flat(1001 + w, 300), SPEC).name);
    for (const name of names) expect(name).toMatch(/arima\(\d,0,\d\)$/);
    // Most windows are plain noise to it; a few get spurious AR/MA terms from a 300-point sample.
    expect(names.filter((n) => n === 'arima(0,0,0)').length).toBeGreaterThanOrEqual(6);
  });

  it('forecasts the level again right after a six-second spike, whatever model the window got', () => {
    for (let w = 0; w < 12; w++) {
      const model = fitModel(flat(2001 + w, 300), SPEC);
      const predictor = model.predictor();
      const after = flat(3001 + w, 60).map((v, k) => (k >= 10 && k < 16 ? 8 * v : v));
      const errors: number[] = [];
      after.forEach((v, k) => {
        if (k >= 16) errors.push(Math.abs(predictor.peek().mean - 100));
        predictor.observe(v);
      });
      // The forecast stays at the level (a plain filter was hundreds off for some of these models).
      expect(Math.max(...errors)).toBeLessThan(10);
    }
  });
});
