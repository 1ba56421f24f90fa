import { CUSUM_INPUT_LIMIT, CUSUM_SLACK, ResidualCusum } from './change-point.js';

/** A deterministic noise in [-1, 1) with mean about 0. */
function noise(i: number): number {
  return ((i * 7919) % 200) / 100 - 1;
}

describe('ResidualCusum', () => {
  it('stays near zero on noise and grows on a run of same-signed residuals', () => {
    const cusum = new ResidualCusum(1000);
    let calm = 0;
    for (let i = 0; i < 500; i += 1) calm = Math.max(calm, cusum.update(noise(i)));
    expect(calm).toBeLessThan(3);
    let shifted = 0;
    for (let i = 0; i < 20; i += 1) shifted = cusum.update(1.5);
    // Twenty residuals of 1.5 sigma, less the slack each: about 20.
    expect(shifted).toBeGreaterThan(19);
    expect(shifted).toBeLessThan(20 * (1.5 - CUSUM_SLACK) + 3);
  });

  it('is two-sided', () => {
    const cusum = new ResidualCusum(1000);
    let s = 0;
    for (let i = 0; i < 10; i += 1) s = cusum.update(-2);
    // Ten residuals of -2 sigma, less the slack each; the leak over ten steps of a 1000-step half-life is a hair.
    expect(s).toBeCloseTo(10 * (2 - CUSUM_SLACK), 0);
  });

  it('counts one spike at most CUSUM_INPUT_LIMIT sigmas, and infinities as that too', () => {
    const cusum = new ResidualCusum(1000);
    expect(cusum.update(1e9)).toBeCloseTo(CUSUM_INPUT_LIMIT - CUSUM_SLACK, 9);
    const other = new ResidualCusum(1000);
    expect(other.update(Number.NEGATIVE_INFINITY)).toBeCloseTo(CUSUM_INPUT_LIMIT - CUSUM_SLACK, 9);
    expect(other.update(Number.NaN)).toBeLessThan(CUSUM_INPUT_LIMIT);
  });

  it('leaks: a constant bias settles at a bound set by the half-life instead of growing forever', () => {
    const halfLife = 10;
    const cusum = new ResidualCusum(halfLife);
    let s = 0;
    for (let i = 0; i < 10_000; i += 1) s = cusum.update(1);
    const keep = Math.pow(0.5, 1 / halfLife);
    expect(s).toBeCloseTo((1 - CUSUM_SLACK) / (1 - keep), 6);
  });
});
