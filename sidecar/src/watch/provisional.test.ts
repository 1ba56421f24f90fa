import { MIN_PROVISIONAL_POINTS, PROVISIONAL_MODEL, provisionalModel } from './provisional.js';

/** Deterministic noise in [-1, 1]. */
function noise(k: number): number {
  const x = Math.sin(k * 12.9898) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

describe('the provisional model', () => {
  it('is not built from fewer observed points than it needs', () => {
    const values = Array.from({ length: 200 }, (_, k) => (k < MIN_PROVISIONAL_POINTS - 1 ? 10 : null));
    expect(provisionalModel(values, 0.99)).toBeNull();
  });

  it('forecasts the level of a noisy series with a band that holds what follows', () => {
    const series = Array.from({ length: 600 }, (_, k) => 1000 + 50 * noise(k));
    const model = provisionalModel(series.slice(0, 240), 0.99)!;
    expect(model.name).toBe(PROVISIONAL_MODEL);
    expect(model.trainedOn).toBe(240);
    const predictor = model.predictor(0.99);
    let inside = 0;
    for (const value of series.slice(240)) {
      const { mean, sigma } = predictor.peek();
      expect(Math.abs(mean - 1000)).toBeLessThan(50);
      if (Math.abs(value - mean) <= 2.576 * sigma) inside++;
      predictor.observe(value);
    }
    expect(inside / 360).toBeGreaterThan(0.95);
  });

  it('follows a level that moved, and steps over gaps without reading them as zero', () => {
    const values = Array.from({ length: 240 }, (_, k) => (k % 7 === 3 ? null : (k < 120 ? 10 : 500) + noise(k)));
    const model = provisionalModel(values, 0.95)!;
    const { mean } = model.predictor(0.95).peek();
    expect(mean).toBeGreaterThan(450);
    expect(mean).toBeLessThan(550);
  });

  it('gives a constant series a finite, narrow band', () => {
    const model = provisionalModel(new Array<number>(100).fill(42), 0.99)!;
    const { mean, sigma } = model.predictor(0.99).peek();
    expect(mean).toBe(42);
    expect(sigma).toBeGreaterThan(0);
    expect(sigma).toBeLessThan(0.01);
  });
});
