import { BIAS_ERRORS, MIN_ERRORS, forecastBias } from './forecast-bias.js';

/** Deterministic noise in [-1, 1]. */
const noise = (k: number): number => Math.sin(k * 12.9898) * 0.999;

describe('forecastBias', () => {
  it('finds a forecast that has run high for the last steps', () => {
    const errors = Array.from({ length: 12 }, (_, k) => -150 + 20 * noise(k));
    const bias = forecastBias(errors);
    expect(bias).not.toBeNull();
    expect(bias!.bias).toBeGreaterThan(-170);
    expect(bias!.bias).toBeLessThan(-130);
    expect(bias!.samples).toBe(BIAS_ERRORS);
  });

  it('says nothing about noise around a good model', () => {
    expect(forecastBias(Array.from({ length: 10 }, (_, k) => 20 * noise(k)))).toBeNull();
  });

  it('says nothing with too few errors', () => {
    expect(forecastBias(Array.from({ length: MIN_ERRORS - 1 }, () => -150))).toBeNull();
  });

  it('uses only the last errors, so an old bias is forgotten', () => {
    const errors = [...Array.from({ length: 20 }, () => -150), ...Array.from({ length: 10 }, (_, k) => 10 * noise(k))];
    expect(forecastBias(errors)).toBeNull();
  });

  it('is not moved by one wild error', () => {
    const errors = Array.from({ length: 10 }, (_, k) => (k === 5 ? 5000 : -50 + 5 * noise(k)));
    expect(forecastBias(errors)!.bias).toBeLessThan(-40);
  });
});
