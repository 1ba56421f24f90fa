import type { CostProfile, RowWindow } from './corpus.js';
import {
  MAX_TP,
  NO_DETECTION_THRESHOLD,
  bestThreshold,
  normalise,
  probationLength,
  scaledSigmoid,
  scoreAtThreshold,
  scoreCorpus,
  type ScoredFile,
} from './scorer.js';

const standard: CostProfile = { tp: 1, fn: 1, fp: 0.11 };
const profiles = {
  standard,
  reward_low_FP_rate: { tp: 1, fn: 1, fp: 0.22 },
  reward_low_FN_rate: { tp: 1, fn: 2, fp: 0.11 },
};

/** A file of `rows` zeros with ones at `fire`. */
function file(key: string, rows: number, windows: RowWindow[], fire: number[] = [], level = 1): ScoredFile {
  const scores = new Float64Array(rows);
  for (const i of fire) scores[i] = level;
  return { key, scores, windows };
}

// 1000 rows: probation 150. Windows of 21 rows at 300..320 and 600..620.
const windowsA: RowWindow[] = [
  { start: 300, end: 320 },
  { start: 600, end: 620 },
];
const windowsB: RowWindow[] = [{ start: 500, end: 549 }];

describe('NAB rule pieces', () => {
  it('ignores the first 15% of a file, at most 750 rows', () => {
    expect(probationLength(1000)).toBe(150);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(10000)).toBe(750);
    expect(probationLength(5)).toBe(0);
  });

  it('uses the scaled sigmoid: 0 at a window end, -1 beyond three widths', () => {
    expect(scaledSigmoid(0)).toBeCloseTo(0, 12);
    expect(scaledSigmoid(3.0001)).toBe(-1);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(MAX_TP).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
  });

  it('normalises between the null (0) and the perfect (100) detector', () => {
    expect(normalise(-3, 3, standard)).toBe(0);
    expect(normalise(3, 3, standard)).toBe(100);
    expect(normalise(0, 3, standard)).toBe(50);
    expect(normalise(-6, 3, { tp: 1, fn: 2, fp: 0.11 })).toBe(0);
  });
});

describe('scoring a corpus', () => {
  it('gives a perfect detector 100 under every profile', () => {
    const files = [
      file('a.csv', 1000, windowsA, [300, 600]),
      file('b.csv', 1000, windowsB, [500]),
      file('none.csv', 1000, []),
    ];
    const results = scoreCorpus(files, profiles);
    for (const result of Object.values(results)) {
      expect(result.score).toBeCloseTo(100, 10);
      expect(result.windows).toBe(3);
    }
    expect(results.standard!.files.map((f) => [f.hits, f.misses, f.falsePositives])).toEqual([
      [2, 0, 0],
      [1, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('gives a detector that never fires 0, at the no-detection threshold', () => {
    const files = [file('a.csv', 1000, windowsA), file('b.csv', 1000, windowsB)];
    const result = scoreCorpus(files, profiles).standard!;
    expect(result.score).toBe(0);
    expect(result.threshold).toBe(NO_DETECTION_THRESHOLD);
    expect(result.files[0]!.misses).toBe(2);
  });

  it('pays the full A_TP for a detection at a window first row and less later in the window', () => {
    const first = scoreAtThreshold([file('b.csv', 1000, windowsB, [500])], standard, 0.5);
    expect(first.raw).toBeCloseTo(1, 12);
    const middle = scoreAtThreshold([file('b.csv', 1000, windowsB, [525])], standard, 0.5);
    // Row 525 of a 50-row window: (R - i + 1) / w = 25/50, so S(-0.5) / S(-1).
    expect(middle.raw).toBeCloseTo(scaledSigmoid(-0.5) / MAX_TP, 12);
    const last = scoreAtThreshold([file('b.csv', 1000, windowsB, [549])], standard, 0.5);
    expect(last.raw).toBeCloseTo(scaledSigmoid(-1 / 50) / MAX_TP, 12);
    expect(last.raw).toBeLessThan(0.06);
  });

  it('counts only the earliest detection in a window; the rest are free', () => {
    const once = scoreAtThreshold([file('b.csv', 1000, windowsB, [510])], standard, 0.5).raw;
    const many = scoreAtThreshold([file('b.csv', 1000, windowsB, [510, 511, 530, 549])], standard, 0.5).raw;
    expect(many).toBeCloseTo(once, 12);
  });

  it('charges almost nothing for a false positive right after a window and the full A_FP far after', () => {
    const justAfter = scoreAtThreshold([file('b.csv', 1000, windowsB, [500, 550])], standard, 0.5);
    expect(justAfter.raw).toBeLessThan(1);
    expect(justAfter.raw).toBeGreaterThan(1 - 0.01);
    expect(justAfter.files[0]!.falsePositives).toBe(1);
    const farAfter = scoreAtThreshold([file('b.csv', 1000, windowsB, [500, 900])], standard, 0.5);
    expect(farAfter.raw).toBeCloseTo(1 - 0.11, 12);
  });

  it('charges the full A_FP before any window has ended, even just before a window', () => {
    const early = scoreAtThreshold([file('b.csv', 1000, windowsB, [200, 499])], standard, 0.5);
    expect(early.raw).toBeCloseTo(-1 - 2 * 0.11, 12);
    expect(early.files[0]!.falsePositives).toBe(2);
  });

  it('uses the window that ended last to price a false positive between two windows', () => {
    // Row 330 is 10 rows after the first window (w = 21): S(10/20) of A_FP.
    const between = scoreAtThreshold([file('a.csv', 1000, windowsA, [330])], standard, 0.5);
    expect(between.raw).toBeCloseTo(-2 + 0.11 * scaledSigmoid(10 / 20), 12);
  });

  it('ignores detections in the probationary period entirely', () => {
    const result = scoreAtThreshold([file('b.csv', 1000, windowsB, [0, 10, 149])], standard, 0.5);
    expect(result.raw).toBe(-1);
    expect(result.files[0]!.detections).toEqual([]);
  });

  it('misses a window that lies inside the probationary period', () => {
    const result = scoreAtThreshold([file('p.csv', 1000, [{ start: 100, end: 120 }], [110])], standard, 0.5);
    expect(result.files[0]).toMatchObject({ hits: 0, misses: 1, falsePositives: 0 });
  });

  it('prices a false positive after a one-row window as a full false positive', () => {
    const result = scoreAtThreshold([file('o.csv', 1000, [{ start: 500, end: 500 }], [500, 501])], standard, 0.5);
    expect(result.raw).toBeCloseTo(1 - 0.11, 12);
  });

  it('weighs misses double under reward_low_FN_rate and false positives double under reward_low_FP_rate', () => {
    const files = [file('a.csv', 1000, windowsA, [300, 900])];
    const results = scoreCorpus(files, profiles);
    const fpCost = scaledSigmoid((900 - 620) / 20); // far past: -1
    expect(scoreAtThreshold(files, standard, 0.5).raw).toBeCloseTo(1 - 1 + 0.11 * fpCost, 12);
    expect(scoreAtThreshold(files, profiles.reward_low_FN_rate, 0.5).raw).toBeCloseTo(1 - 2 + 0.11 * fpCost, 12);
    expect(scoreAtThreshold(files, profiles.reward_low_FP_rate, 0.5).raw).toBeCloseTo(1 - 1 + 0.22 * fpCost, 12);
    expect(results.reward_low_FN_rate!.score).toBeCloseTo(
      normalise(results.reward_low_FN_rate!.raw, 2, profiles.reward_low_FN_rate),
      12,
    );
  });
});

describe('the threshold sweep', () => {
  it('picks the threshold that keeps the true detections and drops the noise', () => {
    // Windows fire at 0.9; noise at 0.6 and 0.3 would be false positives.
    const a = file('a.csv', 1000, windowsA, [305, 605], 0.9);
    (a.scores as Float64Array)[800] = 0.6;
    (a.scores as Float64Array)[850] = 0.3;
    const result = scoreCorpus([a], { standard }).standard!;
    expect(result.threshold).toBe(0.9);
    expect(result.files[0]).toMatchObject({ hits: 2, misses: 0, falsePositives: 0 });
  });

  it('lowers the threshold when a weak detection earns more than the noise above it costs', () => {
    // One window fires at 0.4 only; a false positive at 0.7 costs 0.11 but catching the window earns ~1.8.
    const b = file('b.csv', 1000, windowsB, [500], 0.4);
    (b.scores as Float64Array)[900] = 0.7;
    const best = bestThreshold([b], standard);
    expect(best.threshold).toBe(0.4);
    expect(best.raw).toBeCloseTo(1 - 0.11, 12);
  });

  it('keeps the higher threshold on a tie', () => {
    // Lowering from 0.8 to 0.5 adds only a detection inside an already-detected window: same raw score.
    const b = file('b.csv', 1000, windowsB, [500], 0.8);
    (b.scores as Float64Array)[520] = 0.5;
    expect(bestThreshold([b], standard).threshold).toBe(0.8);
  });

  it('prefers an earlier detection found at a lower threshold', () => {
    // The window's late row scores 0.9, its first row 0.6: going down to 0.6 raises its value to A_TP.
    const b = file('b.csv', 1000, windowsB, [540], 0.9);
    (b.scores as Float64Array)[500] = 0.6;
    const best = bestThreshold([b], standard);
    expect(best.threshold).toBe(0.6);
    expect(best.raw).toBeCloseTo(1, 12);
  });

  it('agrees with scoring at the chosen threshold directly, on random scores', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const files = [0, 1, 2].map((k) => {
      const scores = Float64Array.from({ length: 1200 }, () => Math.round(random() * 50) / 50);
      return { key: `r${k}.csv`, scores, windows: k === 2 ? [] : windowsA };
    });
    for (const weights of Object.values(profiles)) {
      const best = bestThreshold(files, weights);
      expect(scoreAtThreshold(files, weights, best.threshold).raw).toBeCloseTo(best.raw, 9);
      // No candidate threshold does better.
      for (let level = 0; level <= 50; level += 1) {
        expect(scoreAtThreshold(files, weights, level / 50).raw).toBeLessThanOrEqual(best.raw + 1e-9);
      }
    }
  });

  it('rejects scores outside [0, 1] and windows outside the file, naming the file', () => {
    expect(() => bestThreshold([file('bad.csv', 100, [], [50], 1.5)], standard)).toThrow(/bad\.csv row 50/);
    expect(() => scoreAtThreshold([file('nan.csv', 100, [], [50], Number.NaN)], standard, 0.5)).toThrow(/nan\.csv/);
    expect(() => bestThreshold([file('w.csv', 100, [{ start: 90, end: 120 }])], standard)).toThrow(/w\.csv: window/);
    expect(() =>
      bestThreshold(
        [
          file('o.csv', 1000, [
            { start: 500, end: 600 },
            { start: 550, end: 700 },
          ]),
        ],
        standard,
      ),
    ).toThrow(/sorted, disjoint/);
  });
});
