import {
  HALF_SCORE_DECADES,
  log10TailFromScore,
  log10TwoSidedNormalTail,
  log10UpperNormalTail,
  logErfc,
  scoreFromLog10Tail,
  scoreFromResidual,
  upperNormalQuantile,
} from './tail.js';

describe('normal tails', () => {
  it('matches known erfc values to 7 significant digits', () => {
    // erfc(0) = 1, erfc(1) = 0.1572992070, erfc(3) = 2.209049700e-5, erfc(10) = 2.088487583e-45
    expect(Math.exp(logErfc(0))).toBeCloseTo(1, 7);
    expect(Math.exp(logErfc(1)) / 0.157299207).toBeCloseTo(1, 6);
    expect(Math.exp(logErfc(3)) / 2.2090497e-5).toBeCloseTo(1, 6);
    expect(logErfc(10) / Math.log(2.088487583e-45)).toBeCloseTo(1, 6);
    expect(Math.exp(logErfc(-1))).toBeCloseTo(2 - 0.157299207, 7);
  });

  it('gives the familiar two-sided and one-sided tails', () => {
    expect(10 ** log10TwoSidedNormalTail(1.959964)).toBeCloseTo(0.05, 6);
    expect(10 ** log10TwoSidedNormalTail(-1.959964)).toBeCloseTo(0.05, 6);
    expect(10 ** log10UpperNormalTail(1.644854)).toBeCloseTo(0.05, 6);
    expect(10 ** log10UpperNormalTail(0)).toBeCloseTo(0.5, 7);
    expect(10 ** log10UpperNormalTail(-1.644854)).toBeCloseTo(0.95, 6);
  });

  it('keeps far tails finite and ordered where probabilities underflow', () => {
    const at40 = log10TwoSidedNormalTail(40);
    const at60 = log10TwoSidedNormalTail(60);
    expect(Number.isFinite(at40)).toBe(true);
    expect(at40).toBeLessThan(-300);
    expect(at60).toBeLessThan(at40);
    expect(log10TwoSidedNormalTail(Number.POSITIVE_INFINITY)).toBe(Number.NEGATIVE_INFINITY);
    expect(log10TwoSidedNormalTail(Number.NaN)).toBe(0);
  });

  it('inverts the upper tail', () => {
    expect(upperNormalQuantile(0.025)).toBeCloseTo(1.959964, 5);
    expect(upperNormalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(upperNormalQuantile(0.005)).toBeCloseTo(2.575829, 5);
    expect(() => upperNormalQuantile(0)).toThrow(RangeError);
    expect(() => upperNormalQuantile(1)).toThrow(RangeError);
  });
});

describe('scores', () => {
  it('maps no surprise to 0, HALF_SCORE_DECADES to one half and certainty to 1', () => {
    expect(scoreFromLog10Tail(0)).toBe(0);
    expect(scoreFromLog10Tail(-HALF_SCORE_DECADES)).toBeCloseTo(0.5, 12);
    expect(scoreFromLog10Tail(Number.NEGATIVE_INFINITY)).toBe(1);
    expect(scoreFromLog10Tail(Number.NaN)).toBe(0);
  });

  it('is strictly increasing in surprise and stays below 1 for extreme but finite surprise', () => {
    let previous = -1;
    for (const decades of [0.1, 1, 2, 4, 8, 50, 300, 1e6]) {
      const score = scoreFromLog10Tail(-decades);
      expect(score).toBeGreaterThan(previous);
      expect(score).toBeLessThan(1);
      previous = score;
    }
  });

  it('round-trips through log10TailFromScore', () => {
    for (const log10p of [-0.5, -2, -4, -9])
      expect(log10TailFromScore(scoreFromLog10Tail(log10p))).toBeCloseTo(log10p, 9);
  });

  it('scores a lone residual by its two-sided Gaussian tail, and a missing one as 0', () => {
    expect(scoreFromResidual(0)).toBe(0);
    expect(scoreFromResidual(null)).toBe(0);
    expect(scoreFromResidual(3)).toBeCloseTo(scoreFromResidual(-3), 12);
    expect(scoreFromResidual(5)).toBeGreaterThan(scoreFromResidual(3));
    // p(|Z| >= 3.89) = 1e-4: the half-score point.
    expect(scoreFromResidual(3.8906)).toBeCloseTo(0.5, 3);
  });
});
