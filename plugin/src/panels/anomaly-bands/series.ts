import { type DataFrame, FieldType, getFieldDisplayName } from '@grafana/data';
import type { Labels } from '@ntma/contract';

/** One numeric series of the panel's data, as the sidecar receives it. */
export interface InputSeries {
  /** Identity of the label set: the request's series and the answer's are paired by it. */
  key: string;
  name: string;
  labels: Labels;
  /** [unix seconds, value]; null is a gap. */
  points: Array<[number, number | null]>;
  /** Median spacing of the points, seconds; 0 with fewer than two points. */
  stepSeconds: number;
  /** Grafana unit of the field, for axis and tooltip formatting. */
  unit?: string;
}

/** Labels in a canonical order, so the same set always gives the same key. */
export function labelKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((name) => [name, labels[name]]),
  );
}

function medianStep(times: number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    gaps.push(times[i]! - times[i - 1]!);
  }
  if (gaps.length === 0) {
    return 0;
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)]!;
}

/** A label added when two series share a label set, so each still gets its own band. */
export const DISAMBIGUATION_LABEL = '__ntma_series__';

/**
 * Every numeric field of every time-series frame becomes one series. Prometheus frames carry the series'
 * labels on the value field; a label set that occurs twice (the same query twice, or no labels) gets the query
 * and field name as an extra label, because bands are paired by label set.
 */
export function seriesFromFrames(frames: DataFrame[]): InputSeries[] {
  const found: Array<{ source: string; series: Omit<InputSeries, 'key'> }> = [];
  for (const frame of frames) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      continue;
    }
    const seconds = Array.from(time.values as ArrayLike<number>, (ms) => ms / 1000);
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) {
        continue;
      }
      const values = field.values as ArrayLike<number | null | undefined>;
      const points = seconds.map((t, i): [number, number | null] => {
        const v = values[i];
        return [t, typeof v === 'number' && Number.isFinite(v) ? v : null];
      });
      found.push({
        source: `${frame.refId ?? ''}/${field.name}`,
        series: {
          name: getFieldDisplayName(field, frame, frames),
          labels: { ...(field.labels ?? {}) },
          points,
          stepSeconds: medianStep(seconds),
          unit: field.config?.unit,
        },
      });
    }
  }
  const counts = new Map<string, number>();
  for (const { series } of found) {
    const key = labelKey(series.labels);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return found.map(({ source, series }) => {
    const labels =
      (counts.get(labelKey(series.labels)) ?? 0) > 1
        ? { ...series.labels, [DISAMBIGUATION_LABEL]: source }
        : series.labels;
    return { ...series, labels, key: labelKey(labels) };
  });
}

/** Series grouped by spacing: one sidecar answer has one time axis, so each spacing is its own request. */
export function groupByStep(series: InputSeries[]): InputSeries[][] {
  const groups = new Map<number, InputSeries[]>();
  for (const s of series) {
    const group = groups.get(s.stepSeconds) ?? [];
    group.push(s);
    groups.set(s.stepSeconds, group);
  }
  return [...groups.values()];
}
