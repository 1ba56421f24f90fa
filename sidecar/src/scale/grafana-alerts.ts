/**
 * Maps an alert webhook payload to automatic-scaling signals: Grafana's webhook contact point, or
 * Alertmanager's webhook receiver, whose body Grafana's extends (Alertmanager sends no `values`).
 * Pure: the route validates the payload, this module reads meaning out of each alert's labels and
 * annotations.
 *
 * Which target: label (or annotation) `ntma_target` with a target id (`compose:<project>:<service>`,
 * `swarm:<service>`); failing that, cadvisor's container labels as Prometheus exposes them
 * (`container_label_com_docker_compose_project` + `..._service`, or
 * `container_label_com_docker_swarm_service_name`).
 * Which way: `ntma_direction` (`out`/`in`), else `ntma_anomaly` (`1` out, `-1` in), else the
 * kind (`drop` scales in), else out.
 * Attack: `kind`/`ntma_kind` is `attack_suspected`, or `attack`/`ntma_attack` is true.
 * Value: Grafana's `values`/`valueString`; failing those, the annotation `ntma_value`, which
 * Prometheus alerting rules template as `{{ $value }}`.
 * Freshness: `ntma_observed_at` (unix seconds or ISO time), the time of the sample the rule saw,
 * which the shipped rules template from `timestamp(...)`. Without it the observation time is
 * unknown (null), never "now": a delayed or replayed notification must not pass for a fresh one.
 * Missing data: Grafana's `DatasourceNoData`/`DatasourceError` alerts, or an alert without values.
 * Replays: `replayKey` names one observation of one alert (see replayKeyOf).
 */
import { createHash } from 'node:crypto';
import type { AlertWebhook, WebhookAlert } from '@ntma/contract';
import type { AutoSignal, Direction } from './policy.js';

/** One alert of the payload, and the payload (the route validates it with the contract's schema). */
export type GrafanaAlert = WebhookAlert;
export type GrafanaWebhook = AlertWebhook;

export interface MappedAlert {
  alertname: string;
  fingerprint?: string;
  /** Same for every delivery of the same observation of the same alert; see replayKeyOf. */
  replayKey: string;
  /** Absent when the alert names no target; `ignored` says why. */
  signal?: AutoSignal;
  ignored?: string;
}

/** A decimal number as Go's templates print one (`{{ $value }}` gives e.g. 0.75 or 1.2e+06). */
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Alert names Grafana gives its own "no data" and "query failed" alerts. */
const MISSING_DATA_ALERTS = new Set(['DatasourceNoData', 'DatasourceError']);

function lookup(alert: GrafanaAlert, name: string): string | undefined {
  const value = alert.labels?.[name] ?? alert.annotations?.[name];
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

export function targetOf(alert: GrafanaAlert): string | undefined {
  const explicit = lookup(alert, 'ntma_target');
  if (explicit) return explicit;
  const project = lookup(alert, 'container_label_com_docker_compose_project');
  const service = lookup(alert, 'container_label_com_docker_compose_service');
  if (project && service) return `compose:${project}:${service}`;
  const swarmService = lookup(alert, 'container_label_com_docker_swarm_service_name');
  if (swarmService) return `swarm:${swarmService}`;
  return undefined;
}

function directionOf(alert: GrafanaAlert, kind: string | null): Direction {
  const explicit = lookup(alert, 'ntma_direction')?.toLowerCase();
  if (explicit === 'out' || explicit === 'up') return 'out';
  if (explicit === 'in' || explicit === 'down') return 'in';
  const anomaly = lookup(alert, 'ntma_anomaly');
  if (anomaly === '1') return 'out';
  if (anomaly === '-1') return 'in';
  return kind === 'drop' ? 'in' : 'out';
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ['true', '1', 'yes'].includes(value.toLowerCase());
}

/** The first finite value the alert carries, or null when it carries none. */
export function valueOf(alert: GrafanaAlert): number | null {
  const alertname = alert.labels?.alertname ?? '';
  if (MISSING_DATA_ALERTS.has(alertname)) return null;
  if (alert.values && typeof alert.values === 'object') {
    for (const key of Object.keys(alert.values).sort()) {
      const value = alert.values[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
  }
  if (alert.valueString) {
    const match = /value=([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(alert.valueString);
    if (match) return Number(match[1]);
  }
  const annotated = lookup(alert, 'ntma_value');
  if (annotated !== undefined && NUMBER.test(annotated)) {
    const value = Number(annotated);
    if (Number.isFinite(value)) return value;
  }
  return null;
}

/**
 * ms since epoch; null when the alert does not say (the policy holds); an unreadable timestamp
 * reads as the epoch, i.e. stale, so it holds too.
 */
function observedAtOf(alert: GrafanaAlert): number | null {
  const raw = lookup(alert, 'ntma_observed_at');
  if (raw === undefined) return null;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const parsed = Date.parse(raw);
  return Number.isFinite(parsed) ? parsed : 0;
}

/**
 * Identifies one observation of one alert: the alert (Grafana's and Alertmanager's `fingerprint`,
 * else a hash of its labels), when it started, its status and the sample time it reports. A
 * retried, duplicated (HA pair) or replayed delivery has the same key and is decided once; a
 * repeat notification of a still-firing alert reports a newer sample, so it is a new decision and
 * the policy's cooldown governs it.
 */
export function replayKeyOf(alert: GrafanaAlert, payloadStatus: string | undefined): string {
  const identity =
    alert.fingerprint?.trim() ||
    createHash('sha256')
      .update(JSON.stringify(Object.entries(alert.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))))
      .digest('hex');
  const parts = [
    identity,
    alert.startsAt ?? '',
    alert.status ?? payloadStatus ?? '',
    lookup(alert, 'ntma_observed_at') ?? '',
  ];
  return JSON.stringify(parts);
}

export function mapGrafanaAlerts(payload: GrafanaWebhook): MappedAlert[] {
  return payload.alerts.map((alert) => {
    const alertname = alert.labels?.alertname ?? '(unnamed)';
    const mapped: MappedAlert = { alertname, replayKey: replayKeyOf(alert, payload.status) };
    if (alert.fingerprint) mapped.fingerprint = alert.fingerprint;
    const target = targetOf(alert);
    if (!target) {
      mapped.ignored = 'no target: the alert has no ntma_target label (nor compose/swarm container labels)';
      return mapped;
    }
    const kind = lookup(alert, 'kind') ?? lookup(alert, 'ntma_kind') ?? null;
    const status = alert.status ?? payload.status ?? 'firing';
    mapped.signal = {
      target,
      direction: directionOf(alert, kind),
      firing: status === 'firing',
      kind,
      attack: kind === 'attack_suspected' || truthy(lookup(alert, 'attack') ?? lookup(alert, 'ntma_attack')),
      value: valueOf(alert),
      observedAt: observedAtOf(alert),
    };
    return mapped;
  });
}
