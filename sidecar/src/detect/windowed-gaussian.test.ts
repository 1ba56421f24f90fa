import { fakeModel, normals } from './__fixtures__/fake-model.js';
import { WindowedGaussianDetector } from './windowed-gaussian.js';

describe('WindowedGaussianDetector', () => {
  it('scores each point by its z-score against the window before it', () => {
    const detector = new WindowedGaussianDetector({ windowPoints: 4 });
    expect(detector.update(0, 1).score).toBe(0);
    // One value has no spread yet: no forecast.
    expect(detector.update(1, 3).forecast).toBeNull();
    // Window [1, 3]: mean 2, sample sd sqrt(2).
    const verdict = detector.update(2, 2 + 2 * Math.SQRT2);
    expect(verdict.forecast).toBe(2);
    expect(verdict.residual).toBeCloseTo(2, 12);
    expect(verdict.upper! - 2).toBeCloseTo(2.5758 * Math.SQRT2, 3);
  });

  it('forgets values older than the window', () => {
    const detector = new WindowedGaussianDetector({ windowPoints: 3 });
    for (const [t, v] of [1000, 0, 0, 0].entries()) detector.update(t, v);
    expect(detector.update(4, 0).forecast).toBe(0);
  });

  it('gives a far outlier a high score and noise a low one', () => {
    const detector = new WindowedGaussianDetector();
    const noise = normals(2000).map((z) => 50 + z);
    const scores = noise.map((v, t) => detector.update(t, v).score);
    expect(Math.max(...scores.slice(100))).toBeLessThan(0.6);
    expect(detector.update(2000, 70).score).toBeGreaterThan(0.9);
  });

  it('treats a constant series as certain: the same value scores 0, any other value 1', () => {
    const detector = new WindowedGaussianDetector({ windowPoints: 10 });
    for (let t = 0; t < 10; t += 1) detector.update(t, 5);
    expect(detector.update(10, 5).score).toBe(0);
    expect(detector.update(11, 6).score).toBe(1);
  });

  it('skips missing values and needs no model', () => {
    const detector = new WindowedGaussianDetector({ windowPoints: 5 });
    detector.update(0, 1);
    detector.update(1, 3);
    expect(detector.update(2, null)).toMatchObject({ value: null, score: 0, residual: null });
    expect(detector.update(3, 2).forecast).toBe(2);
    expect(detector.wantsModel()).toBe(false);
    expect(detector.trainingWindow()).toEqual([]);
    const model = fakeModel(1, 1, 1);
    detector.install(model);
    expect(model.destroyed).toBe(true);
  });

  it('rejects a window shorter than two points', () => {
    expect(() => new WindowedGaussianDetector({ windowPoints: 1 })).toThrow(RangeError);
  });
});
