import { SortedWindow } from './sorted-window.js';
import { DEFAULT_TAIL, log10Exceedance } from './tail-estimator.js';

function windowOf(values: number[]): SortedWindow {
  const window = new SortedWindow(values.length);
  for (const v of values) window.push(v);
  return window;
}

/** |N(0,1)| draws by Box-Muller from a seeded generator. */
function absNormals(n: number, seed = 11): number[] {
  let state = seed;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 1) / 2147483649;
  };
  return Array.from({ length: n }, () =>
    Math.abs(Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())),
  );
}

describe('log10Exceedance', () => {
  const history = windowOf(absNormals(1000));

  it('is the empirical exceedance rate inside the bulk', () => {
    const median = history.quantile(0.5);
    expect(10 ** log10Exceedance(history, median)).toBeCloseTo(0.5, 1);
    expect(log10Exceedance(history, 0)).toBe(0);
  });

  it('extrapolates beyond the largest value seen: finite and decreasing, one e-fold per unit at most', () => {
    const max = history.largest(1);
    const justBeyond = log10Exceedance(history, max + 0.1);
    const farBeyond = log10Exceedance(history, max + 10);
    expect(farBeyond).toBeLessThan(justBeyond);
    expect(Number.isFinite(farBeyond)).toBe(true);
    // The conservative scale floor (1 unit): 9.9 units further is at most 9.9 e-folds less likely.
    expect(justBeyond - farBeyond).toBeLessThanOrEqual((9.9 / Math.LN10) * (1 + 1e-9));
    expect(farBeyond).toBeLessThan(-4);
  });

  it('follows a narrower tail more steeply when the scale floor allows it', () => {
    const max = history.largest(1);
    const strict = log10Exceedance(history, max + 3, { ...DEFAULT_TAIL, minScale: 0.1 });
    expect(strict).toBeLessThan(log10Exceedance(history, max + 3));
  });

  it('finds a far value less surprising in a heavy-tailed history than in a light one', () => {
    const light = windowOf(absNormals(1000, 5));
    const heavy = windowOf(absNormals(1000, 5).map((v) => Math.exp(v * 1.5) - 1));
    const value = 40;
    expect(log10Exceedance(heavy, value)).toBeGreaterThan(log10Exceedance(light, value));
  });

  it('keeps tied, discrete histories from giving probability 0', () => {
    const tied = windowOf(Array.from({ length: 200 }, (_, i) => (i % 50 === 0 ? 3 : 0)));
    const p = log10Exceedance(tied, 3.5, { ...DEFAULT_TAIL, minScale: 1 });
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeLessThan(log10Exceedance(tied, 3));
  });
});
