import {
  HALF_SCORE_DECADES,
  atLeast,
  decadesFromScore,
  scoreAtBandEdge,
  scoreFromDecades,
  severityOf,
  severityScore,
} from './score.js';

describe('the anomaly score', () => {
  it('is one half at a one-in-10,000 surprise and never reaches one', () => {
    expect(scoreFromDecades(HALF_SCORE_DECADES)).toBe(0.5);
    expect(scoreFromDecades(1000)).toBeLessThan(1);
    expect(scoreFromDecades(0)).toBe(0);
    expect(scoreFromDecades(-3)).toBe(0);
  });

  it('round-trips through the surprise it stands for', () => {
    for (const decades of [0.1, 1.3, 2.3, 4, 17])
      expect(decadesFromScore(scoreFromDecades(decades))).toBeCloseTo(decades, 9);
  });

  it('puts the edge of a 95% band near 0.245, far below the confidence', () => {
    expect(scoreAtBandEdge(0.95)).toBeCloseTo(1.30103 / (1.30103 + 4), 5);
    expect(scoreAtBandEdge(0.99)).toBeCloseTo(2 / 6, 9);
    expect(scoreAtBandEdge(0.999)).toBeCloseTo(3 / 7, 9);
  });

  it('grades wider bands at a higher score', () => {
    expect(scoreAtBandEdge(0.8)).toBeLessThan(scoreAtBandEdge(0.95));
    expect(scoreAtBandEdge(0.95)).toBeLessThan(scoreAtBandEdge(0.999));
  });
});

describe('severity', () => {
  it('is high from the paging score 0.5 and medium from a one-in-200 surprise', () => {
    expect(severityScore('high')).toBe(0.5);
    expect(severityOf(0.5)).toBe('high');
    expect(severityOf(0.49)).toBe('medium');
    expect(severityOf(scoreFromDecades(2.3))).toBe('medium');
    expect(severityOf(scoreFromDecades(2.29))).toBe('low');
    expect(severityOf(scoreAtBandEdge(0.95))).toBe('low');
  });

  it('orders low < medium < high', () => {
    expect(atLeast('high', 'low')).toBe(true);
    expect(atLeast('medium', 'medium')).toBe(true);
    expect(atLeast('low', 'medium')).toBe(false);
  });
});
