/**
 * The NAB scoring rule, written from the description in shared/nab/README.md:
 * a probationary period, a scaled sigmoid that rewards early detection inside an anomaly window
 * and forgives false positives just after one, per-profile weights, one threshold per profile
 * for the whole corpus, and normalisation between the null and the perfect detector.
 */
import type { CostProfile, Profiles, RowWindow } from './corpus.js';

/** One file's detector output, aligned with its rows. */
export interface ScoredFile {
  key: string;
  scores: ArrayLike<number>;
  windows: ReadonlyArray<RowWindow>;
}

export interface FileOutcome {
  key: string;
  rows: number;
  probation: number;
  windows: number;
  hits: number;
  misses: number;
  falsePositives: number;
  /** The file's raw score at the chosen threshold. */
  raw: number;
  /** Rows counted as detections (score >= threshold, after probation). */
  detections: number[];
}

export interface ProfileResult {
  profile: string;
  weights: CostProfile;
  threshold: number;
  raw: number;
  /** Normalised: 0 = never fires, 100 = perfect. */
  score: number;
  windows: number;
  files: FileOutcome[];
}

/** The threshold that detects nothing, always tried first. */
export const NO_DETECTION_THRESHOLD = 1.1;

/** Rows before this index are ignored entirely: the detector is still learning. */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** The scaled sigmoid: +1 far before a window's end, 0 at it, -1 beyond three widths past it. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** The sigmoid's value at a window's first row, so that row is worth exactly A_TP. */
export const MAX_TP = scaledSigmoid(-1);

/**
 * Per-row values before the profile weights: inside a window, the share of A_TP a detection there
 * earns; outside, the multiple of A_FP it costs (a negative number). `window` is the index of the
 * window holding the row, or -1.
 */
interface RowTable {
  unit: Float64Array;
  window: Int32Array;
}

function rowTable(rows: number, windows: ReadonlyArray<RowWindow>): RowTable {
  const unit = new Float64Array(rows);
  const window = new Int32Array(rows).fill(-1);
  let next = 0; // the first window that has not ended before row i
  for (let i = 0; i < rows; i += 1) {
    while (next < windows.length && windows[next]!.end < i) next += 1;
    const current = windows[next];
    if (current && current.start <= i) {
      const width = current.end - current.start + 1;
      unit[i] = scaledSigmoid(-(current.end - i + 1) / width) / MAX_TP;
      window[i] = next;
    } else if (next === 0) {
      unit[i] = -1; // no window has ended yet
    } else {
      const ended = windows[next - 1]!;
      const width = ended.end - ended.start + 1;
      // A one-row window has no width to scale by: a detection after it is a full false positive.
      const y = width > 1 ? Math.abs(i - ended.end) / (width - 1) : Number.POSITIVE_INFINITY;
      unit[i] = scaledSigmoid(y);
    }
  }
  return { unit, window };
}

function checkScores(file: ScoredFile): void {
  for (let i = 0; i < file.scores.length; i += 1) {
    const s = file.scores[i]!;
    if (!(s >= 0 && s <= 1)) throw new RangeError(`${file.key} row ${i}: anomaly score ${s} is not in [0, 1]`);
  }
  let previousEnd = -1;
  for (const w of file.windows) {
    if (!(w.start > previousEnd && w.start <= w.end && w.end < file.scores.length)) {
      throw new RangeError(
        `${file.key}: window rows ${w.start}..${w.end} must be sorted, disjoint and inside its ${file.scores.length} rows`,
      );
    }
    previousEnd = w.end;
  }
}

/** Scores every file at one threshold; the per-file detail the summary reports. */
export function scoreAtThreshold(
  files: ReadonlyArray<ScoredFile>,
  weights: CostProfile,
  threshold: number,
): { raw: number; files: FileOutcome[] } {
  let total = 0;
  const outcomes = files.map((file) => {
    checkScores(file);
    const rows = file.scores.length;
    const probation = probationLength(rows);
    const table = rowTable(rows, file.windows);
    const best = new Float64Array(file.windows.length).fill(Number.NaN);
    const detections: number[] = [];
    let raw = 0;
    let falsePositives = 0;
    for (let i = probation; i < rows; i += 1) {
      if (file.scores[i]! < threshold) continue;
      detections.push(i);
      const k = table.window[i]!;
      if (k < 0) {
        raw += weights.fp * table.unit[i]!;
        falsePositives += 1;
      } else if (Number.isNaN(best[k]!)) {
        best[k] = weights.tp * table.unit[i]!; // the earliest detection is the best one
      }
    }
    let hits = 0;
    for (const value of best) {
      if (Number.isNaN(value)) raw -= weights.fn;
      else {
        raw += value;
        hits += 1;
      }
    }
    total += raw;
    return {
      key: file.key,
      rows,
      probation,
      windows: file.windows.length,
      hits,
      misses: file.windows.length - hits,
      falsePositives,
      raw,
      detections,
    };
  });
  return { raw: total, files: outcomes };
}

export function normalise(raw: number, windows: number, weights: CostProfile): number {
  const nullScore = -weights.fn * windows;
  const perfect = weights.tp * windows;
  if (perfect === nullScore) return 0;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

/** Absorbs float noise from long running sums, so equal totals tie and the higher threshold wins. */
const TIE_TOLERANCE = 1e-9;

/**
 * Finds the corpus-wide threshold with the highest raw score. Post-probation rows from every file
 * are sorted by score once; lowering the threshold past each distinct score adds that score's
 * rows to the detections, and the raw total is updated incrementally (O(n log n) overall).
 */
export function bestThreshold(
  files: ReadonlyArray<ScoredFile>,
  weights: CostProfile,
): { threshold: number; raw: number } {
  let count = 0;
  const tables = files.map((file) => {
    checkScores(file);
    const probation = probationLength(file.scores.length);
    count += Math.max(0, file.scores.length - probation);
    return { table: rowTable(file.scores.length, file.windows), probation };
  });
  const score = new Float64Array(count);
  const fileOf = new Int32Array(count);
  const rowOf = new Int32Array(count);
  let n = 0;
  files.forEach((file, f) => {
    for (let i = tables[f]!.probation; i < file.scores.length; i += 1) {
      score[n] = file.scores[i]!;
      fileOf[n] = f;
      rowOf[n] = i;
      n += 1;
    }
  });
  const order = new Uint32Array(count);
  for (let j = 0; j < count; j += 1) order[j] = j;
  order.sort((a, b) => score[b]! - score[a]!);

  // Earliest detected row per window (file-local window index offset into one flat array).
  const windowBase: number[] = [];
  let windows = 0;
  for (const file of files) {
    windowBase.push(windows);
    windows += file.windows.length;
  }
  const earliest = new Int32Array(windows).fill(-1);

  let raw = -weights.fn * windows;
  let best = { threshold: NO_DETECTION_THRESHOLD, raw };
  let j = 0;
  while (j < count) {
    const level = score[order[j]!]!;
    for (; j < count && score[order[j]!] === level; j += 1) {
      const entry = order[j]!;
      const f = fileOf[entry]!;
      const i = rowOf[entry]!;
      const { table } = tables[f]!;
      const k = table.window[i]!;
      if (k < 0) {
        raw += weights.fp * table.unit[i]!;
        continue;
      }
      const slot = windowBase[f]! + k;
      const previous = earliest[slot]!;
      if (previous < 0) {
        raw += weights.fn + weights.tp * table.unit[i]!;
        earliest[slot] = i;
      } else if (i < previous) {
        raw += weights.tp * (table.unit[i]! - table.unit[previous]!);
        earliest[slot] = i;
      }
    }
    if (raw > best.raw + TIE_TOLERANCE) best = { threshold: level, raw };
  }
  return best;
}

/** Scores the corpus under every profile, each with its own best threshold. */
export function scoreCorpus(files: ReadonlyArray<ScoredFile>, profiles: Profiles): Record<string, ProfileResult> {
  const windows = files.reduce((sum, file) => sum + file.windows.length, 0);
  const results: Record<string, ProfileResult> = {};
  for (const [profile, weights] of Object.entries(profiles)) {
    const { threshold } = bestThreshold(files, weights);
    const scored = scoreAtThreshold(files, weights, threshold);
    results[profile] = {
      profile,
      weights,
      threshold,
      raw: scored.raw,
      score: normalise(scored.raw, windows, weights),
      windows,
      files: scored.files,
    };
  }
  return results;
}
