/**
 * Leave-one-category-out cross-validation: the honest number. Whatever can be chosen (the
 * threshold of each profile, and a setting when the detector offers several) is chosen on three of
 * the corpus' categories and scored on the fourth, which it never saw; each category is held out
 * once. The in-sample score chooses on the very files it scores, so it flatters the detector.
 */
import type { CostProfile, Profiles } from './corpus.js';
import { bestThreshold, normalise, scoreAtThreshold, type ScoredFile } from './scorer.js';

/** One setting of a detector: its output over every corpus file, in corpus order. */
export interface Candidate {
  setting: string;
  files: ReadonlyArray<ScoredFile>;
}

export interface HeldOutFold {
  /** The category scored, which played no part in any choice. */
  category: string;
  /** The setting and threshold chosen on the other categories, and the score they had there. */
  setting: string;
  threshold: number;
  trainingScore: number;
  /** Normalised score of the held-out category (see heldOutScore). */
  score: number;
  raw: number;
  files: number;
  windows: number;
  hits: number;
  misses: number;
  falsePositives: number;
}

export interface CrossValidation {
  folds: HeldOutFold[];
  /** Mean of the folds' scores: each category counts once, whatever its size. */
  mean: number;
  /**
   * Every held-out detection (each fold at its own threshold) scored as one corpus, normalised as
   * the in-sample score is: windows weigh as they do there, so the two compare directly.
   */
  pooled: number;
}

/**
 * NAB's normalisation of a category's raw score: 0 for the detector that never fires, 100 for the
 * perfect one. A category without windows (artificialNoAnomaly) has no such scale, since both
 * detectors score 0 there, so it is scored as if each of its files held one window that was
 * caught: 100 with no false positive, and each false positive costs what it costs elsewhere.
 */
export function heldOutScore(raw: number, windows: number, files: number, weights: CostProfile): number {
  if (windows > 0) return normalise(raw, windows, weights);
  return normalise(raw + weights.tp * files, files, weights);
}

function foldScore(
  files: ReadonlyArray<ScoredFile>,
  weights: CostProfile,
  threshold: number,
): Omit<HeldOutFold, 'category' | 'setting' | 'threshold' | 'trainingScore'> {
  const scored = scoreAtThreshold(files, weights, threshold);
  const windows = files.reduce((sum, file) => sum + file.windows.length, 0);
  return {
    score: heldOutScore(scored.raw, windows, files.length, weights),
    raw: scored.raw,
    files: files.length,
    windows,
    hits: scored.files.reduce((sum, f) => sum + f.hits, 0),
    misses: scored.files.reduce((sum, f) => sum + f.misses, 0),
    falsePositives: scored.files.reduce((sum, f) => sum + f.falsePositives, 0),
  };
}

/**
 * `categories[i]` is the category of every candidate's i-th file. For each profile and each held-out
 * category, the candidate and threshold with the best normalised score on the other categories
 * are chosen (ties go to the earlier candidate), then scored on the held-out one.
 */
export function crossValidate(
  categories: ReadonlyArray<string>,
  candidates: ReadonlyArray<Candidate>,
  profiles: Profiles,
): Record<string, CrossValidation> {
  if (candidates.length === 0) throw new Error('cross-validation needs at least one candidate');
  for (const c of candidates) {
    if (c.files.length !== categories.length) throw new Error(`candidate ${c.setting} does not cover the corpus`);
  }
  const distinct = [...new Set(categories)].sort();
  const results: Record<string, CrossValidation> = {};
  for (const [profile, weights] of Object.entries(profiles)) {
    const folds = distinct.map((category): HeldOutFold => {
      const inFold = (_: unknown, i: number): boolean => categories[i] === category;
      let chosen: { setting: string; threshold: number; trainingScore: number; candidate: Candidate } | null = null;
      for (const candidate of candidates) {
        const training = candidate.files.filter((file, i) => !inFold(file, i));
        const windows = training.reduce((sum, file) => sum + file.windows.length, 0);
        const best = bestThreshold(training, weights);
        const trainingScore = normalise(best.raw, windows, weights);
        if (!chosen || trainingScore > chosen.trainingScore) {
          chosen = { setting: candidate.setting, threshold: best.threshold, trainingScore, candidate };
        }
      }
      const { candidate, ...choice } = chosen!;
      const heldOut = candidate.files.filter(inFold);
      return { category, ...choice, ...foldScore(heldOut, weights, choice.threshold) };
    });
    const raw = folds.reduce((sum, fold) => sum + fold.raw, 0);
    const windows = folds.reduce((sum, fold) => sum + fold.windows, 0);
    results[profile] = {
      folds,
      mean: folds.reduce((sum, fold) => sum + fold.score, 0) / folds.length,
      pooled: normalise(raw, windows, weights),
    };
  }
  return results;
}
