import { type DataFrame, FieldType, getFieldDisplayName } from '@grafana/data';
import type { Labels, PointsSeries, ValuesSeries } from '@ntma/contract';

/** One numeric series of the panel's data, as the sidecar receives it. */
export interface InputSeries {
  /** The series' id in the bands request; the answer's series carries it back. */
  key: string;
  /** The query that returned it (its refId); the full-range request runs that query again. */
  refId: string;
  name: string;
  labels: Labels;
  /** [unix seconds, value]; null is a gap. */
  points: Array<[number, number | null]>;
  /** The step the series was queried with, in seconds; undefined lets the sidecar infer it. */
  stepSeconds?: number;
}

/**
 * Every numeric field of every time-series frame becomes one series, named by its query and place, so two
 * series with the same labels (the same query twice, or no labels) stay apart without inventing a label.
 * The step is the one the datasource queried with (Prometheus frames carry it as the time field's interval),
 * else the request's interval; the sidecar infers it only when neither is known.
 */
export function seriesFromFrames(frames: DataFrame[], requestIntervalMs?: number): InputSeries[] {
  const found: InputSeries[] = [];
  frames.forEach((frame, frameIndex) => {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    if (!time) {
      return;
    }
    const seconds = Array.from(time.values as ArrayLike<number>, (ms) => ms / 1000);
    const intervalMs = time.config?.interval ?? requestIntervalMs;
    frame.fields.forEach((field, fieldIndex) => {
      if (field.type !== FieldType.number) {
        return;
      }
      const values = field.values as ArrayLike<number | null | undefined>;
      const points = seconds.map((t, i): [number, number | null] => {
        const v = values[i];
        return [t, typeof v === 'number' && Number.isFinite(v) ? v : null];
      });
      found.push({
        key: `${frame.refId ?? ''}#${frameIndex}.${fieldIndex}`,
        refId: frame.refId ?? '',
        name: getFieldDisplayName(field, frame, frames),
        labels: { ...(field.labels ?? {}) },
        points,
        stepSeconds: intervalMs && intervalMs > 0 ? intervalMs / 1000 : undefined,
      });
    });
  });
  return found;
}

/** Series grouped by step: one sidecar answer has one time axis, so each step is its own request. */
export function groupByStep(series: InputSeries[]): InputSeries[][] {
  const groups = new Map<number | undefined, InputSeries[]>();
  for (const s of series) {
    const group = groups.get(s.stepSeconds) ?? [];
    group.push(s);
    groups.set(s.stepSeconds, group);
  }
  return [...groups.values()];
}

/**
 * A series as the bands request carries it: in the compact form (`start` + `values`) when its points lie
 * exactly on its step's grid, as a Prometheus range answer does, else as points. The compact body is about
 * 40% smaller and the sidecar parses it in a third of the time (no array per point); its grid and values are
 * the same, so the band and the cached model are too.
 */
export function requestSeries(s: InputSeries): PointsSeries | ValuesSeries {
  const step = s.stepSeconds;
  const first = s.points[0];
  if (step !== undefined && first !== undefined && s.points.length >= 2) {
    // Timestamps come from milliseconds, so a point on the grid is within a microsecond of it.
    const onGrid = s.points.every(([t], i) => Math.abs(t - (first[0] + i * step)) < 1e-6);
    if (onGrid) {
      return { id: s.key, labels: s.labels, start: first[0], values: s.points.map(([, v]) => v) };
    }
  }
  return { id: s.key, labels: s.labels, points: s.points };
}
