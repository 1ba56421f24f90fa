import { rng } from './__fixtures__/simulate.js';
import {
  bandScale,
  coveringQuantile,
  empiricalCalibration,
  MIN_CALIBRATION_ERRORS,
  normalCdf,
  normalQuantile,
  quantile,
  symmetricCalibration,
  zFor,
} from './calibration.js';

type Draw = (r: ReturnType<typeof rng>) => number;
interface Bounds {
  lo: number;
  hi: number;
}

/**
 * Shares of fresh draws below and above the band a calibration on `n` earlier draws gives, over
 * many trials: what a band calibrated on a held-out tail meets next.
 */
function misses(n: number, band: (errors: number[]) => Bounds, draw: Draw): { below: number; above: number } {
  const r = rng(20261202 + n);
  const trials = 2000;
  const fresh = 100;
  let below = 0;
  let above = 0;
  for (let t = 0; t < trials; t++) {
    const { lo, hi } = band(Array.from({ length: n }, () => draw(r)));
    for (let i = 0; i < fresh; i++) {
      const e = draw(r);
      if (e < lo) below++;
      else if (e > hi) above++;
    }
  }
  return { below: below / (trials * fresh), above: above / (trials * fresh) };
}

const z = zFor(0.95);
const normal: Draw = (r) => r.normal();
// Exponential less its median: a long upper tail and a short lower one, as counts have.
const skewed: Draw = (r) => -Math.log(1 - r.uniform()) - Math.LN2;

/** A seasonal naive model's band: its signed errors' quantiles, forecast and band moved by their midpoint. */
function empirical(errors: number[]): Bounds {
  const { shift, sigma } = bandScale(empiricalCalibration(errors), 0.95);
  return { lo: shift - z * sigma, hi: shift + z * sigma };
}

function interpolated(errors: number[]): Bounds {
  const sorted = [...errors].sort((a, b) => a - b);
  return { lo: quantile(sorted, 0.025), hi: quantile(sorted, 0.975) };
}

describe('the band from held-out signed errors (seasonal naive)', () => {
  it('holds 95% of what follows from 40 or 100 errors, where the interpolated quantiles hold about 93%', () => {
    for (const n of [40, 100]) {
      const { below, above } = misses(n, empirical, normal);
      expect(below + above).toBeGreaterThan(0.043);
      expect(below + above).toBeLessThan(0.056);
      const before = misses(n, interpolated, normal);
      // 1 - 0.95 (n - 1) / (n + 1): 0.095 missed at 40 errors, 0.069 at 100.
      expect(before.below + before.above).toBeGreaterThan(below + above + 0.01);
    }
  });

  it('is asymmetric on skewed errors and misses about 2.5% on each side', () => {
    const { below, above } = misses(100, empirical, skewed);
    for (const side of [below, above]) {
      expect(side).toBeGreaterThan(0.019);
      expect(side).toBeLessThan(0.031);
    }
    // The band's centre moves up the long tail: its 2.5% and 97.5% points are -0.67 and 3.00.
    const r = rng(7);
    const { shift } = bandScale(empiricalCalibration(Array.from({ length: 2000 }, () => skewed(r))), 0.95);
    expect(shift).toBeGreaterThan(1.0);
    expect(shift).toBeLessThan(1.35);
  });
});

describe('coveringQuantile', () => {
  it('interpolates at (n + 1) q and stops at the extremes', () => {
    const nineteen = Array.from({ length: 19 }, (_, i) => i + 1);
    // The 19th of 19 holds a 20th with probability 19/20 exactly; the 10th is the median.
    expect(coveringQuantile(nineteen, 0.95)).toBe(19);
    expect(coveringQuantile(nineteen, 0.5)).toBe(10);
    expect(coveringQuantile(nineteen, 0.99)).toBe(19);
    expect(coveringQuantile(nineteen, 0.01)).toBe(1);
    expect(coveringQuantile([1, 3], 0.5)).toBe(2);
    expect(coveringQuantile([], 0.95)).toBeNaN();
  });
});

describe('the band from held-out |errors| (ARIMA, ETS)', () => {
  it("keeps the model's own scale below MIN_CALIBRATION_ERRORS and half of it as a floor", () => {
    const few = Array.from({ length: MIN_CALIBRATION_ERRORS - 1 }, () => 10);
    expect(bandScale(symmetricCalibration(few, 0.3), 0.95)).toEqual({ shift: 0, sigma: 0.3 });
    const calm = Array.from({ length: 200 }, () => 0.01);
    expect(bandScale(symmetricCalibration(calm, 1), 0.95).sigma).toBe(0.5);
  });

  it('reads its scale off the interpolated quantile of |error| (what the detector was tuned on)', () => {
    const r = rng(3);
    const errors = Array.from({ length: 681 }, () => r.normal());
    const abs = errors.map(Math.abs).sort((a, b) => a - b);
    expect(bandScale(symmetricCalibration(errors, 0), 0.99).sigma).toBeCloseTo(quantile(abs, 0.99) / zFor(0.99), 12);
  });
});

describe('normalCdf', () => {
  it('inverts normalQuantile', () => {
    for (const p of [1e-4, 0.025, 0.3, 0.5, 0.9, 0.975]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });
});
