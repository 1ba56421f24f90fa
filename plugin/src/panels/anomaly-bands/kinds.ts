import type { AnomalyRecord, ExcursionKind, Labels, SeriesBand } from '@ntma/contract';

/** One mark on the chart. */
export interface AnomalyMark {
  t: number;
  value: number;
  score: number;
  kind: ExcursionKind;
}

/**
 * Runs of out-of-band points at least this long read as sustained (above) or a level shift (below) rather
 * than a spike or a drop. Six steps: half an hour at the usual 5-minute dashboard resolution.
 */
export const SUSTAINED_POINTS = 6;

/**
 * Marks for the out-of-band points whose score reaches `minScore`. The kind comes from the shape of the run
 * the point belongs to: short runs above the band are spikes, below it drops; long runs are sustained overload
 * (above) or a level shift (below). The sidecar's watchers know more (attack evidence), so `watched` records
 * override the kind where they cover the point.
 */
export function anomalyMarks(band: SeriesBand, minScore: number, watched: AnomalyRecord[] = []): AnomalyMark[] {
  const marks: AnomalyMark[] = [];
  let i = 0;
  while (i < band.timestamps.length) {
    if (!band.anomaly[i]) {
      i++;
      continue;
    }
    const above = isAbove(band, i);
    let end = i;
    while (end + 1 < band.timestamps.length && band.anomaly[end + 1] && isAbove(band, end + 1) === above) {
      end++;
    }
    const long = end - i + 1 >= SUSTAINED_POINTS;
    const shapeKind: ExcursionKind = above ? (long ? 'sustained' : 'spike') : long ? 'level_shift' : 'drop';
    for (let j = i; j <= end; j++) {
      const value = band.actual[j];
      const score = band.score[j] ?? 0;
      if (value === null || value === undefined || score < minScore) {
        continue;
      }
      const t = band.timestamps[j]!;
      const record = watched.find((r) => r.start <= t && (r.end === null || t <= r.end));
      marks.push({ t, value, score, kind: record?.kind ?? shapeKind });
    }
    i = end + 1;
  }
  return marks;
}

function isAbove(band: SeriesBand, i: number): boolean {
  const value = band.actual[i];
  const upper = band.upper[i];
  return value !== null && value !== undefined && upper !== null && upper !== undefined && value > upper;
}

/** Watcher excursions about this series: every label the record carries matches the series' own. */
export function recordsForSeries(records: AnomalyRecord[], labels: Labels): AnomalyRecord[] {
  return records.filter((r) => Object.entries(r.labels).every(([name, value]) => labels[name] === value));
}
