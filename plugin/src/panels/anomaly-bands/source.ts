import type { ScopedVars } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { SIDECAR_PROMETHEUS_UID } from '../../constants';
import type { InputSeries } from './series';

/** A query the sidecar can run itself on its own Prometheus, for the full-range band. */
export interface SidecarQuery {
  refId: string;
  /** The PromQL with the dashboard's variables replaced. */
  expr: string;
  /** Unix seconds: the panel's first and last point of this query, so the band covers exactly those. */
  start: number;
  end: number;
  stepSeconds: number;
}

/**
 * Where the band comes from. `query`: the sidecar reruns each query on its Prometheus and trains on the history
 * before the range, so every visible point has a band. `series`: the panel sends the points it has and the first
 * part of them trains (the datasource is not the sidecar's Prometheus, or a query cannot be rerun).
 */
export type BandSource = { kind: 'query'; queries: SidecarQuery[] } | { kind: 'series'; reason: string };

interface PrometheusQuery extends DataQuery {
  expr?: string;
}

/** Grafana's Prometheus scrape interval default, for $__rate_interval when the datasource names none. */
const DEFAULT_SCRAPE_SECONDS = 15;

/**
 * $__rate_interval as Grafana's Prometheus datasource computes it (max(step + scrape, 4 × scrape)); it is that
 * datasource's own variable, so the panel's replaceVariables does not know it.
 */
export function rateInterval(stepSeconds: number, scrapeSeconds = DEFAULT_SCRAPE_SECONDS): string {
  return `${Math.max(stepSeconds + scrapeSeconds, 4 * scrapeSeconds)}s`;
}

const RATE_INTERVAL = /\$(__rate_interval\b|\{__rate_interval\})/g;

/**
 * Decides how the panel gets its band. Every visible query must be a PromQL expression on the datasource the
 * sidecar queries (uid SIDECAR_PROMETHEUS_UID, after dashboard variables); otherwise the panel falls back to
 * sending its points, and `reason` says why.
 */
export function bandSource(
  targets: DataQuery[] | undefined,
  series: InputSeries[],
  replaceVariables: (value: string, scopedVars?: ScopedVars) => string,
  scopedVars?: ScopedVars,
): BandSource {
  const visible = (targets ?? []).filter((t) => !t.hide) as PrometheusQuery[];
  if (visible.length === 0) {
    return { kind: 'series', reason: 'the panel names no queries' };
  }
  const queries: SidecarQuery[] = [];
  for (const target of visible) {
    const uid = target.datasource?.uid ? replaceVariables(target.datasource.uid, scopedVars) : undefined;
    if (uid !== SIDECAR_PROMETHEUS_UID || !target.expr?.trim()) {
      return {
        kind: 'series',
        reason: `query ${target.refId} is not a PromQL query on the sidecar's Prometheus (datasource uid "${SIDECAR_PROMETHEUS_UID}")`,
      };
    }
    const own = series.filter((s) => s.refId === target.refId);
    const times = own.flatMap((s) => {
      const present = s.points.filter((p) => p[1] !== null);
      return present.length ? [present[0]![0], present[present.length - 1]![0]] : [];
    });
    const stepSeconds = own.find((s) => s.stepSeconds)?.stepSeconds;
    if (times.length === 0 || !stepSeconds) {
      // Nothing of this query is visible, so there is nothing to band.
      continue;
    }
    const expr = replaceVariables(target.expr.replace(RATE_INTERVAL, rateInterval(stepSeconds)), scopedVars);
    queries.push({ refId: target.refId, expr, start: Math.min(...times), end: Math.max(...times), stepSeconds });
  }
  return { kind: 'query', queries };
}

/** Labels as the panel's frames carry them: Grafana's Prometheus datasource leaves out the metric name. */
export function sameSeries(panelLabels: Record<string, string>, answerLabels: Record<string, string>): boolean {
  const a = Object.entries(panelLabels).filter(([name]) => name !== '__name__');
  const b = Object.entries(answerLabels).filter(([name]) => name !== '__name__');
  return a.length === b.length && a.every(([name, value]) => answerLabels[name] === value);
}
