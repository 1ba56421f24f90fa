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
 * Freshness: `ntma_observed_at` (unix seconds or ISO time) when the rule templates it; otherwise the
 * values are taken as current, since Grafana sends the latest evaluation.
 * Missing data: Grafana's `DatasourceNoData`/`DatasourceError` alerts, or an alert without values.
 */
import type { AlertWebhook, WebhookAlert } from '@ntma/contract';
import type { AutoSignal, Direction } from './policy.js';

/** One alert of the payload, and the payload (the route validates it with the contract's schema). */
export type GrafanaAlert = WebhookAlert;
export type GrafanaWebhook = AlertWebhook;

export interface MappedAlert {
  alertname: string;
  fingerprint?: string;
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

/** ms since epoch; an unreadable timestamp reads as the epoch, i.e. stale, so it holds. */
function observedAtOf(alert: GrafanaAlert, now: number): number {
  const raw = lookup(alert, 'ntma_observed_at');
  if (raw === undefined) return now;
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const parsed = Date.parse(raw);
  return Number.isFinite(parsed) ? parsed : 0;
}

export function mapGrafanaAlerts(payload: GrafanaWebhook, now: number): MappedAlert[] {
  return payload.alerts.map((alert) => {
    const alertname = alert.labels?.alertname ?? '(unnamed)';
    const mapped: MappedAlert = { alertname };
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
      observedAt: observedAtOf(alert, now),
    };
    return mapped;
  });
}
