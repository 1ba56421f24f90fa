/*
 * The sidecar's anomalies as one annotations frame (meta.dataTopic "annotations"): Grafana draws such frames
 * from a panel's own query as annotations on the time series panel, and a dashboard annotation query on this
 * data source reads the same fields. One region per run of consecutive out-of-band points of one series and
 * one kind; its colour is the contract's for the kind, its severity the highest in the run. The sidecar
 * decided all of it; nothing is recomputed here.
 */
import { type DataFrame, DataTopic, FieldType } from '@grafana/data';
import {
  atLeast,
  type BandsAnswer,
  type ExcursionKind,
  KIND_COLORS,
  KIND_LABELS,
  type SeriesBand,
  type Severity,
} from '@ntma/contract';
import { seriesName } from './names';

/** Out of the band, without a kind the sidecar could name (kept visible, in the colour of an alert). */
const UNKNOWN_KIND_COLOR = 'red';

export interface AnomalyRun {
  series: string;
  kind: ExcursionKind | null;
  severity: Severity;
  /** Unix milliseconds of the first and last point of the run. */
  start: number;
  end: number;
  points: number;
  /** The most deviating point's actual value and its band. */
  actual: number | null;
  lower: number | null;
  upper: number | null;
}

function runsOf(band: SeriesBand, name: string): AnomalyRun[] {
  // Each run also tracks its highest score, to report the most deviating point.
  const runs: Array<AnomalyRun & { score: number }> = [];
  let open: (AnomalyRun & { score: number }) | undefined;
  band.timestamps.forEach((t, i) => {
    const severity = band.severity[i];
    const kind = band.kind[i] ?? null;
    if (!band.anomaly[i] || !severity) {
      open = undefined;
      return;
    }
    const score = band.score[i] ?? 0;
    if (!open || open.kind !== kind) {
      open = {
        series: name,
        kind,
        severity,
        start: t * 1000,
        end: t * 1000,
        points: 0,
        actual: null,
        lower: null,
        upper: null,
        score: -1,
      };
      runs.push(open);
    }
    open.end = t * 1000;
    open.points += 1;
    if (!atLeast(open.severity, severity)) {
      open.severity = severity;
    }
    if (score > open.score) {
      open.score = score;
      open.actual = band.actual[i] ?? null;
      open.lower = band.lower[i] ?? null;
      open.upper = band.upper[i] ?? null;
    }
  });
  return runs.map(({ score: _score, ...run }) => run);
}

/** Every anomaly run of every series, in time order. */
export function anomalyRuns(answer: BandsAnswer, options: { expr: string; legendFormat?: string }): AnomalyRun[] {
  return answer.series
    .flatMap((band) => runsOf(band, seriesName(band.labels, options.legendFormat, options.expr)))
    .sort((a, b) => a.start - b.start);
}

function number(value: number | null): string {
  return value === null ? 'no value' : String(Math.round(value * 100) / 100);
}

/** "Spike, high severity, on eth0: 2345 outside 900–1100 (3 points)". */
export function describeRun(run: AnomalyRun): string {
  const kind = run.kind ? KIND_LABELS[run.kind] : 'Outside the band';
  const points = run.points === 1 ? '1 point' : `${run.points} points`;
  return `${kind}, ${run.severity} severity, on ${run.series}: ${number(run.actual)} outside ${number(run.lower)}–${number(run.upper)} (${points})`;
}

/** The annotations frame for one query's answer; empty (length 0) when nothing is out of band. */
export function anomalyAnnotations(
  answer: BandsAnswer,
  options: { refId: string; expr: string; legendFormat?: string },
): DataFrame {
  const runs = anomalyRuns(answer, options);
  return {
    refId: options.refId,
    name: 'anomalies',
    length: runs.length,
    meta: { dataTopic: DataTopic.Annotations },
    fields: [
      { name: 'time', type: FieldType.time, values: runs.map((r) => r.start), config: {} },
      { name: 'timeEnd', type: FieldType.time, values: runs.map((r) => r.end), config: {} },
      { name: 'isRegion', type: FieldType.boolean, values: runs.map((r) => r.end > r.start), config: {} },
      {
        name: 'title',
        type: FieldType.string,
        values: runs.map((r) => (r.kind ? KIND_LABELS[r.kind] : 'Anomaly')),
        config: {},
      },
      { name: 'text', type: FieldType.string, values: runs.map(describeRun), config: {} },
      {
        name: 'tags',
        type: FieldType.other,
        values: runs.map((r) => ['ntma', r.kind ?? 'anomaly', r.severity]),
        config: {},
      },
      {
        name: 'color',
        type: FieldType.string,
        values: runs.map((r) => (r.kind ? KIND_COLORS[r.kind] : UNKNOWN_KIND_COLOR)),
        config: {},
      },
    ],
  };
}
