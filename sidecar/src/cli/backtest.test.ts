import { formatSummary, parseCli } from './backtest.js';
import type { BacktestSummary } from '../nab/summary.js';

describe('backtest command line', () => {
  it('reads --data, --out, --only, --no-report and --ablation', () => {
    expect(parseCli(['--data', '../shared/nab', '--out', 'out'])).toEqual({
      data: '../shared/nab',
      out: 'out',
      only: [],
      report: true,
      ablation: false,
    });
    expect(parseCli(['--data', 'd', '--out', 'o', '--only', 'art_, speed_', '--no-report', '--ablation'])).toEqual({
      data: 'd',
      out: 'o',
      only: ['art_', 'speed_'],
      report: false,
      ablation: true,
    });
    expect(parseCli(['--help'])).toBe('help');
  });

  it('names what is missing or unknown', () => {
    expect(() => parseCli(['--out', 'o'])).toThrow(/--data is required/);
    expect(() => parseCli(['--data', 'd'])).toThrow(/--out is required/);
    expect(() => parseCli(['--data', 'd', '--out', 'o', '--threshold', '0.5'])).toThrow(/threshold/);
    expect(() => parseCli(['--data', 'd', '--out', 'o', 'extra'])).toThrow(/extra/);
  });

  it('prints every profile of every detector in-sample and cross-validated, the held-out folds and the ratio', () => {
    const profile = (score: number) => ({ score, threshold: 0.5, raw: 0 });
    const fold = (category: string, score: number) => ({
      category,
      setting: 'x',
      threshold: 0.5,
      trainingScore: score + 1,
      score,
      raw: 0,
      files: 5,
      windows: 5,
      hits: 5,
      misses: 0,
      falsePositives: 0,
    });
    const cv = (score: number) => ({
      folds: [fold('a', score - 2), fold('b', score + 2)],
      mean: score,
      pooled: score - 1,
    });
    const detector = (score: number, fps: number) => ({
      profiles: {
        standard: profile(score),
        reward_low_FP_rate: profile(score - 5),
        reward_low_FN_rate: profile(score + 5),
      },
      crossValidated: {
        standard: cv(score - 10),
        reward_low_FP_rate: cv(score - 15),
        reward_low_FN_rate: cv(score - 5),
      },
      files: [],
      noAnomalyFalsePositives: { standard: fps },
      runSeconds: 1,
      fitSeconds: 0.5,
    });
    const summary: BacktestSummary = {
      generatedAt: '2024-01-01T00:00:00Z',
      data: '/nab',
      corpus: { files: 35, rows: 127756, windows: 50 },
      profiles: {
        standard: { tp: 1, fn: 1, fp: 0.11 },
        reward_low_FP_rate: { tp: 1, fn: 1, fp: 0.22 },
        reward_low_FN_rate: { tp: 1, fn: 2, fp: 0.11 },
      },
      detectors: { ntma: detector(70, 0), windowedGaussian: detector(40, 2) },
      standardRatio: { windowedGaussian: 1.75 },
      runSeconds: 12.3,
    };
    const text = formatSummary(summary);
    expect(text).toContain('35 files, 127756 rows, 50 anomaly windows; 12.3 s');
    expect(text).toMatch(
      /ntma\s+70\.0 \(θ 0\.500\) \/ 60\.0\s+65\.0 \(θ 0\.500\) \/ 55\.0\s+75\.0 \(θ 0\.500\) \/ 65\.0\s+0/,
    );
    expect(text).toMatch(/windowedGaussian\s+40\.0/);
    expect(text).toContain('ntma held out (standard): a 58.0, b 62.0; pooled 59.0');
    expect(text).toContain('ntma / windowedGaussian (standard, in-sample): 1.75x');
  });
});
