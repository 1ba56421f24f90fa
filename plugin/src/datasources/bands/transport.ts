/*
 * How the data source reaches the sidecar. In Grafana: the app's proxy route (plugin.json "routes":
 * sidecar/api/v1/bands), so Grafana's server adds the bearer token and checks the Viewer role and the
 * sidecar:read action; the browser never holds the token. Tests pass their own transport (the browser harness
 * serves the same proxy path in front of a real sidecar).
 */
import type { BandsAnswer, BandsQueryRequest } from '@ntma/contract';
import { sidecar } from '../../api/http';

export type BandsTransport = (body: BandsQueryRequest, signal: AbortSignal) => Promise<BandsAnswer>;

/** POST /api/v1/bands through /api/plugin-proxy/ntma-anomaly-app/sidecar. */
export const proxyTransport: BandsTransport = (body, signal) =>
  sidecar<BandsAnswer>('/api/v1/bands', { method: 'POST', data: body, abortSignal: signal });
