import { scoreFromResidual } from '../detect/tail.js';
import { zFor } from '../forecast/calibration.js';
import { bandResidual } from './score.js';

describe('bandResidual', () => {
  it('is (actual - mean) / sigma for a symmetric band mean ± z·sigma', () => {
    const sigma = 2;
    const z = zFor(0.95);
    expect(bandResidual(13, 10, 10 - z * sigma, 10 + z * sigma, 0.95)).toBeCloseTo(1.5, 9);
    expect(bandResidual(7, 10, 10 - z * sigma, 10 + z * sigma, 0.95)).toBeCloseTo(-1.5, 9);
  });

  it('puts both edges of an asymmetric band at ±z(confidence)', () => {
    expect(bandResidual(12, 10, 9, 12, 0.95)).toBeCloseTo(1.959964, 6);
    expect(bandResidual(9, 10, 9, 12, 0.95)).toBeCloseTo(-1.959964, 6);
  });

  it('scores every point outside the band above every point inside it', () => {
    const inside = scoreFromResidual(bandResidual(11.99, 10, 8, 12, 0.95));
    const outside = scoreFromResidual(bandResidual(12.01, 10, 8, 12, 0.95));
    expect(outside).toBeGreaterThan(inside);
    expect(scoreFromResidual(bandResidual(10, 10, 8, 12, 0.95))).toBe(0);
  });

  it('treats any deviation from a zero-width band as infinitely far', () => {
    expect(bandResidual(10, 10, 10, 10, 0.95)).toBe(0);
    expect(bandResidual(11, 10, 10, 10, 0.95)).toBe(Infinity);
    expect(bandResidual(9, 10, 10, 10, 0.95)).toBe(-Infinity);
    expect(scoreFromResidual(Infinity)).toBe(1);
  });
});
