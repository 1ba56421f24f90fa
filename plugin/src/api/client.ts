/*
 * The one typed client for the sidecar. Every call goes through Grafana's plugin proxy route (plugin.json
 * "routes": sidecar), which adds the bearer token on Grafana's server; the browser never sees it.
 */
import { PLUGIN_ID } from '../constants';
import type { AppSettings } from '../types';
import { SidecarError, request, sidecar } from './http';
import type {
  AnomalyRecord,
  AuditPage,
  AuditQuery,
  BandsAnswer,
  BandsQueryRequest,
  BandsSeriesRequest,
  Readiness,
  ScaleRequest,
  ScaleResult,
  TargetView,
  WatcherView,
} from '@ntma/contract';

function isReadiness(body: unknown): body is Readiness {
  return typeof body === 'object' && body !== null && 'status' in body && 'checks' in body;
}

/**
 * GET /readyz. A 503 is an answer, not a failure: it says which dependency is down, so it resolves with the
 * body instead of throwing.
 */
export async function getReadiness(): Promise<Readiness> {
  try {
    return await sidecar<Readiness>('/readyz');
  } catch (error) {
    if (error instanceof SidecarError && error.status === 503 && isReadiness(error.body)) {
      return error.body;
    }
    throw error;
  }
}

/**
 * POST /api/v1/bands: the sidecar runs the PromQL on its own Prometheus, trains on the window before `start` and
 * bands every point of [start, end].
 */
export function getBandsForQuery(body: BandsQueryRequest, abortSignal?: AbortSignal): Promise<BandsAnswer> {
  return sidecar<BandsAnswer>('/api/v1/bands', { method: 'POST', data: body, abortSignal });
}

/** POST /api/v1/bands/series: bands for points the panel already has. */
export function getBandsForSeries(body: BandsSeriesRequest, abortSignal?: AbortSignal): Promise<BandsAnswer> {
  return sidecar<BandsAnswer>('/api/v1/bands/series', { method: 'POST', data: body, abortSignal });
}

/** GET /api/v1/targets: the scalable targets with replicas, limits, auto mode and last action. */
export async function listTargets(): Promise<TargetView[]> {
  return (await sidecar<{ targets: TargetView[] }>('/api/v1/targets')).targets;
}

/** A key that makes a retried click act once (the sidecar honours Idempotency-Key). */
export function newIdempotencyKey(): string {
  // crypto.randomUUID needs a secure context; Grafana is often served over plain http on a LAN.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** POST /api/v1/targets/:id/scale. Beyond the target's limits the sidecar refuses (409) rather than clamps. */
export function scaleTarget(target: string, change: ScaleRequest, idempotencyKey: string): Promise<ScaleResult> {
  return sidecar<ScaleResult>(`/api/v1/targets/${encodeURIComponent(target)}/scale`, {
    method: 'POST',
    data: change,
    headers: { 'Idempotency-Key': idempotencyKey },
  });
}

/** GET /api/v1/audit, newest first. */
export function getAuditPage(query: AuditQuery): Promise<AuditPage> {
  const params: Record<string, string | number> = { limit: query.limit, offset: query.offset };
  if (query.target) {
    params.target = query.target;
  }
  if (query.status) {
    params.status = query.status;
  }
  return sidecar<AuditPage>('/api/v1/audit', { params });
}

/** GET /api/v1/anomalies: recent excursions across watchers, newest first. */
export async function listAnomalies(query: { limit?: number; since?: number } = {}): Promise<AnomalyRecord[]> {
  const params: Record<string, number> = {};
  if (query.limit !== undefined) {
    params.limit = query.limit;
  }
  if (query.since !== undefined) {
    params.since = Math.floor(query.since);
  }
  return (await sidecar<{ anomalies: AnomalyRecord[] }>('/api/v1/anomalies', { params })).anomalies;
}

/** GET /api/v1/watchers: the watchers the sidecar evaluates. */
export async function listWatchers(): Promise<WatcherView[]> {
  return (await sidecar<{ watchers: WatcherView[] }>('/api/v1/watchers')).watchers;
}

/** The app's settings as Grafana stores them (POST /api/plugins/<id>/settings). */
export interface PluginSettingsUpdate {
  enabled: boolean;
  pinned: boolean;
  jsonData: AppSettings;
  /** Omitted to keep the stored token; set to replace it. Grafana never sends it back. */
  secureJsonData?: { apiToken: string };
}

export function savePluginSettings(settings: PluginSettingsUpdate): Promise<unknown> {
  return request({ url: `/api/plugins/${PLUGIN_ID}/settings`, method: 'POST', data: settings });
}
