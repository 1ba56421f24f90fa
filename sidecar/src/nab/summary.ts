/**
 * summary.json: the profile scores and thresholds of every detector side by side, per-file hits,
 * misses and false positives under each profile, and where the time went.
 */
import type { FileRun } from './backtest.js';
import type { Corpus } from './corpus.js';
import type { CrossValidation } from './cross-validate.js';
import type { ProfileResult } from './scorer.js';

export interface DetectorSummary {
  /**
   * In-sample, per profile: the normalised score (0..100) at the threshold chosen on the very
   * files it scores, that threshold and the raw score. Flattering: see crossValidated.
   */
  profiles: Record<string, { score: number; threshold: number; raw: number }>;
  /**
   * Leave-one-category-out, per profile: every choice made on three categories and scored on
   * the fourth; `mean` over the four is the honest score.
   */
  crossValidated: Record<string, CrossValidation>;
  /** Per file, per profile: what the threshold caught. */
  files: Array<{
    key: string;
    rows: number;
    windows: number;
    stepSeconds: number;
    models: string[];
    fits: number;
    failedFits: number;
    outcomes: Record<string, { hits: number; misses: number; falsePositives: number; raw: number }>;
  }>;
  /** False positives on the files with no anomaly at all, per profile (fewer is better). */
  noAnomalyFalsePositives: Record<string, number>;
  runSeconds: number;
  fitSeconds: number;
}

export interface BacktestSummary {
  generatedAt: string;
  data: string;
  corpus: { files: number; rows: number; windows: number };
  profiles: Record<string, { tp: number; fn: number; fp: number }>;
  detectors: Record<string, DetectorSummary>;
  /** The first detector's standard score over each other detector's (the "1.5x the baseline" target); null if that is 0. */
  standardRatio: Record<string, number | null>;
  /** Wall time of the whole backtest: reading, detecting, scoring, writing. */
  runSeconds: number;
}

/** The category whose every detection is a false positive. */
export const NO_ANOMALY_CATEGORY = 'artificialNoAnomaly';

export function summariseDetector(
  corpus: Corpus,
  runs: ReadonlyArray<FileRun>,
  results: Record<string, ProfileResult>,
  crossValidated: Record<string, CrossValidation>,
): DetectorSummary {
  const profiles: DetectorSummary['profiles'] = {};
  const noAnomalyFalsePositives: Record<string, number> = {};
  for (const [name, result] of Object.entries(results)) {
    profiles[name] = { score: result.score, threshold: result.threshold, raw: result.raw };
    noAnomalyFalsePositives[name] = result.files
      .filter((_, i) => corpus.files[i]!.category === NO_ANOMALY_CATEGORY)
      .reduce((sum, outcome) => sum + outcome.falsePositives, 0);
  }
  const files = corpus.files.map((file, i) => {
    const run = runs[i]!;
    const outcomes: DetectorSummary['files'][number]['outcomes'] = {};
    for (const [name, result] of Object.entries(results)) {
      const { hits, misses, falsePositives, raw } = result.files[i]!;
      outcomes[name] = { hits, misses, falsePositives, raw };
    }
    return {
      key: file.key,
      rows: file.values.length,
      windows: file.windows.length,
      stepSeconds: run.stepSeconds,
      models: run.models,
      fits: run.fits,
      failedFits: run.failedFits,
      outcomes,
    };
  });
  return {
    profiles,
    crossValidated,
    files,
    noAnomalyFalsePositives,
    runSeconds: runs.reduce((sum, run) => sum + run.millis, 0) / 1000,
    fitSeconds: runs.reduce((sum, run) => sum + run.fitMillis, 0) / 1000,
  };
}
