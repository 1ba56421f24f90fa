import { crossValidate, heldOutScore } from './cross-validate.js';
import type { ScoredFile } from './scorer.js';

const STANDARD = { tp: 1, fn: 1, fp: 0.11 };

/** 200 rows (probation 30) with one window at rows 100..109; `peaks` sets scores at rows. */
function file(key: string, peaks: Record<number, number>, windowed = true): ScoredFile {
  const scores = new Float64Array(200);
  for (const [row, score] of Object.entries(peaks)) scores[Number(row)] = score;
  return { key, scores, windows: windowed ? [{ start: 100, end: 109 }] : [] };
}

describe('heldOutScore', () => {
  it('is NAB normalisation where there are windows, and 100 less the false positives where there are none', () => {
    expect(heldOutScore(-2, 2, 2, STANDARD)).toBe(0);
    expect(heldOutScore(2, 2, 2, STANDARD)).toBe(100);
    expect(heldOutScore(0, 0, 5, STANDARD)).toBe(100);
    expect(heldOutScore(-0.11, 0, 5, STANDARD)).toBeCloseTo(100 - 1.1, 10);
  });
});

describe('crossValidate', () => {
  it('chooses the threshold on the other categories and scores the held-out one with it', () => {
    // In "a" the anomaly scores 0.9 and noise 0.5; in "b" the anomaly scores only 0.6.
    const files = [
      file('a/1', { 105: 0.9, 50: 0.5 }),
      file('a/2', { 101: 0.9, 60: 0.5 }),
      file('b/1', { 100: 0.6, 70: 0.3 }),
      file('quiet/1', { 80: 0.55 }, false),
    ];
    const categories = ['a', 'a', 'b', 'quiet'];
    const cv = crossValidate(categories, [{ setting: 'only', files }], { standard: STANDARD }).standard!;
    const byCategory = Object.fromEntries(cv.folds.map((f) => [f.category, f]));
    // Held out "b": trained on a (and quiet), the threshold sits above 0.7 and misses b's 0.6.
    expect(byCategory.b!.threshold).toBeGreaterThan(0.7);
    expect(byCategory.b).toMatchObject({ hits: 0, misses: 1, score: 0 });
    // Held out "a": trained on b and quiet, 0.6 is the best threshold, which catches a's anomalies.
    expect(byCategory.a!.threshold).toBe(0.6);
    expect(byCategory.a).toMatchObject({ hits: 2, misses: 0, falsePositives: 0 });
    // Held out "quiet": its 0.55 blip is below the threshold chosen on a and b.
    expect(byCategory.quiet).toMatchObject({ falsePositives: 0, score: 100 });
    expect(cv.mean).toBeCloseTo(cv.folds.reduce((s, f) => s + f.score, 0) / 3, 12);
    // Pooled: 2 of 3 windows caught, nothing else fired.
    const raw = cv.folds.reduce((s, f) => s + f.raw, 0);
    expect(cv.pooled).toBeCloseTo((100 * (raw + 3)) / 6, 10);
    expect(cv.pooled).toBeGreaterThan(50);
  });

  it('picks among settings on the training categories only', () => {
    const good = [file('a/1', { 105: 0.9 }), file('b/1', { 100: 0.9 })];
    const bad = [file('a/1', { 50: 0.9 }), file('b/1', { 100: 0.9 })];
    const cv = crossValidate(
      ['a', 'b'],
      [
        { setting: 'bad', files: bad },
        { setting: 'good', files: good },
      ],
      { standard: STANDARD },
    ).standard!;
    // Held out "b", the training category "a" prefers "good"; held out "a", "b" cannot tell them apart.
    expect(cv.folds.find((f) => f.category === 'b')!.setting).toBe('good');
    expect(cv.folds.find((f) => f.category === 'a')!.setting).toBe('bad');
  });
});
