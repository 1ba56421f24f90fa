/**
 * Pure parsing of Prometheus HTTP API bodies (https://prometheus.io/docs/prometheus/latest/querying/api/).
 * No I/O here, so every odd value Prometheus can send is unit-tested with plain strings.
 */
import type { Labels } from '@ntma/contract';
import { indexOf, type Grid } from '../series/grid.js';

/** A series on a range query's grid: one slot per grid point, null where there is no finite sample. */
export interface DenseSeries {
  labels: Labels;
  values: Array<number | null>;
}

export interface InstantSample {
  labels: Labels;
  /** Unix seconds. */
  t: number;
  value: number | null;
}

/** What Prometheus said, before it is mapped to a domain error. */
export interface ApiFailure {
  /** Prometheus' errorType: bad_data, execution, timeout, canceled, internal, unavailable, ... */
  errorType: string;
  error: string;
}

export type ApiEnvelope = { ok: true; data: unknown; warnings: string[] } | { ok: false; failure: ApiFailure };

/** A body that is not the Prometheus API's JSON envelope (e.g. an HTML page from the wrong server). */
export class NotPrometheusBody extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseEnvelope(body: string): ApiEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new NotPrometheusBody(`not JSON: ${body.slice(0, 120)}`);
  }
  if (!isRecord(parsed) || (parsed.status !== 'success' && parsed.status !== 'error')) {
    throw new NotPrometheusBody('no "status" field of a Prometheus API answer');
  }
  if (parsed.status === 'error') {
    return {
      ok: false,
      failure: {
        errorType: typeof parsed.errorType === 'string' ? parsed.errorType : 'unknown',
        error: typeof parsed.error === 'string' ? parsed.error : 'unknown error',
      },
    };
  }
  const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.filter((w) => typeof w === 'string') : [];
  return { ok: true, data: parsed.data, warnings };
}

/**
 * A sample value as Prometheus encodes it (a string). NaN, ±Inf and the stale marker (a NaN
 * bit pattern, also sent as "NaN") become null: a gap, never a zero.
 */
export function sampleValue(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  // Number('') is 0; an empty or blank value is no sample at all.
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}

function labelsOf(metric: unknown): Labels {
  if (!isRecord(metric)) return {};
  // Prometheus sends every label value as a string, so the parsed object is the label set as it is: a
  // copy per sample was 100,000 objects on every step of a wide watcher, most of them promoted to the
  // old generation while the step worked through its samples. Only an odd object is copied, without
  // what is not a string (and without an own "__proto__", which a copy never had either).
  let plain = true;
  for (const name in metric) {
    if (typeof metric[name] !== 'string' || name === '__proto__') {
      plain = false;
      break;
    }
  }
  if (plain) return metric as Labels;
  const labels: Labels = {};
  for (const name in metric) {
    const value = metric[name];
    if (typeof value === 'string') labels[name] = value;
  }
  return labels;
}

/**
 * A stable identity for a label set, independent of the order Prometheus lists labels in: each
 * label written as its name's length, the name, its value's length and the value, in name order, so
 * no text inside a name or value can read as another label. `except` names a label left out (a
 * watcher tells its series apart without `__name__`). Built in one pass over labels that arrive in
 * name order, as Prometheus lists them; the JSON key it replaces (sorted names, an array of pairs,
 * JSON.stringify) cost about 0.2 s of every step of a watcher of 100,000 series.
 */
export function labelKey(labels: Labels, except?: string): string {
  let key = '';
  let previous = '';
  for (const name in labels) {
    if (name === except) continue;
    if (name < previous) return sortedLabelKey(labels, except);
    previous = name;
    key += labelPart(name, labels[name]!);
  }
  return key;
}

function sortedLabelKey(labels: Labels, except: string | undefined): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) if (name !== except) key += labelPart(name, labels[name]!);
  return key;
}

function labelPart(name: string, value: string): string {
  return `${name.length}:${name}${value.length}:${value}`;
}

function resultOf(data: unknown, expected: string[]): { resultType: string; result: unknown[] } {
  if (!isRecord(data) || typeof data.resultType !== 'string' || !Array.isArray(data.result)) {
    throw new NotPrometheusBody('no data.resultType/data.result in the answer');
  }
  if (!expected.includes(data.resultType)) {
    throw new NotPrometheusBody(`expected a ${expected.join(' or ')} result, got ${data.resultType}`);
  }
  return { resultType: data.resultType, result: data.result };
}

/**
 * Adds one range-query answer (a matrix) to `into`, keyed by label set, writing each sample in its
 * grid slot. Called once per chunk of a split range, so the map ends up holding the joined series.
 * Samples off the grid are dropped (Prometheus never sends them); native-histogram samples are gaps.
 */
export function accumulateMatrix(
  into: Map<string, DenseSeries>,
  data: unknown,
  grid: Grid,
  fullCount: number,
  admit: (count: number) => void = () => undefined,
): void {
  const { result } = resultOf(data, ['matrix']);
  for (const entry of result) {
    if (!isRecord(entry)) continue;
    const labels = labelsOf(entry.metric);
    const key = labelKey(labels);
    let series = into.get(key);
    if (!series) {
      // Asked before the dense array is allocated, so a broad selector is refused, not buffered.
      admit(into.size + 1);
      series = { labels, values: new Array<number | null>(fullCount).fill(null) };
      into.set(key, series);
    }
    const values = Array.isArray(entry.values) ? entry.values : [];
    for (const pair of values) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number') continue;
      const k = indexOf(grid, pair[0]);
      if (k >= 0) series.values[k] = sampleValue(pair[1]);
    }
  }
}

/** An instant query's answer: a vector, or a scalar as one unlabelled sample. */
export function parseInstant(data: unknown): InstantSample[] {
  const { resultType, result } = resultOf(data, ['vector', 'scalar']);
  if (resultType === 'scalar') {
    const [t, value] = result;
    return typeof t === 'number' ? [{ labels: {}, t, value: sampleValue(value) }] : [];
  }
  const samples: InstantSample[] = [];
  for (const entry of result) {
    if (!isRecord(entry) || !Array.isArray(entry.value) || typeof entry.value[0] !== 'number') continue;
    samples.push({ labels: labelsOf(entry.metric), t: entry.value[0], value: sampleValue(entry.value[1]) });
  }
  return samples;
}

/** The /api/v1/series answer: a list of label sets. */
export function parseSeriesList(data: unknown): Labels[] {
  if (!Array.isArray(data)) throw new NotPrometheusBody('expected a list of label sets');
  return data.map(labelsOf);
}
