import {
  type AnomalyRecord,
  type ExcursionKind,
  type Labels,
  type SeriesBand,
  type Severity,
  atLeast,
} from '@ntma/contract';

/** One mark on the chart: a point the sidecar put outside the band, with its severity and kind. */
export interface AnomalyMark {
  t: number;
  value: number;
  score: number;
  severity: Severity;
  kind: ExcursionKind;
}

/**
 * The sidecar decides; the panel only filters and draws. A mark for every point the sidecar put outside the
 * band with at least `minSeverity`, of the kind it named. Where a watcher's recorded excursion covers the point,
 * its kind wins: the watchers see packet and connection rates (attack evidence) that one series does not.
 */
export function anomalyMarks(band: SeriesBand, minSeverity: Severity, watched: AnomalyRecord[] = []): AnomalyMark[] {
  const marks: AnomalyMark[] = [];
  band.timestamps.forEach((t, i) => {
    const value = band.actual[i];
    const severity = band.severity[i];
    const kind = band.kind[i];
    if (!band.anomaly[i] || value === null || value === undefined || !severity || !kind) {
      return;
    }
    if (!atLeast(severity, minSeverity)) {
      return;
    }
    const record = watched.find((r) => r.start <= t && (r.end === null || t <= r.end));
    marks.push({ t, value, score: band.score[i] ?? 0, severity, kind: record?.kind ?? kind });
  });
  return marks;
}

/** Watcher excursions about this series: every label the record carries matches the series' own. */
export function recordsForSeries(records: AnomalyRecord[], labels: Labels): AnomalyRecord[] {
  return records.filter((r) => Object.entries(r.labels).every(([name, value]) => labels[name] === value));
}
