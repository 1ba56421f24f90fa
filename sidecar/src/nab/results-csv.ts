/**
 * Per-file results in NAB's layout: <out>/<detector>/<category>/<detector>_<file>.csv with the
 * columns timestamp,value,anomaly_score. Scores are written at full precision (shortest
 * round-trip form), so re-scoring the CSVs reproduces the summary's ties and thresholds exactly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NabFile } from './corpus.js';

export const RESULT_COLUMNS = ['timestamp', 'value', 'anomaly_score'] as const;

export function resultPath(outDir: string, detector: string, file: Pick<NabFile, 'category' | 'name'>): string {
  return path.join(outDir, detector, file.category, `${detector}_${file.name}`);
}

export function resultCsv(file: NabFile, scores: ArrayLike<number>): string {
  const lines = [RESULT_COLUMNS.join(',')];
  for (let i = 0; i < file.values.length; i += 1) {
    const value = file.values[i]!;
    // A missing sample is written as an empty cell, as it was read.
    lines.push(`${file.timestampText[i]},${Number.isNaN(value) ? '' : value},${scores[i]}`);
  }
  return `${lines.join('\n')}\n`;
}

export function writeResultCsv(outDir: string, detector: string, file: NabFile, scores: ArrayLike<number>): string {
  const target = resultPath(outDir, detector, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, resultCsv(file, scores));
  return target;
}
