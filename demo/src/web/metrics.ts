import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DistinctSources } from './distinct-sources.js';

export interface WebMetrics {
  registry: Registry;
  requests: Counter<'code' | 'method'>;
  duration: Histogram<'code' | 'method'>;
  inFlight: Gauge;
  connections: Counter;
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** Keeps the `method` label bounded whatever a client sends. */
export function methodLabel(method: string | undefined): string {
  const upper = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : 'OTHER';
}

export function createWebMetrics(sources: DistinctSources, now: () => number = Date.now): WebMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const windowSeconds = Math.round(sources.windowMs / 1000);
  new Gauge({
    name: 'http_request_distinct_sources',
    help: `Estimated number of distinct client sources (X-Source, else X-Forwarded-For, else peer address) seen in the last ${windowSeconds} s.`,
    registers: [registry],
    collect() {
      this.set(sources.estimate(now()));
    },
  });
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by status code and method.',
      labelNames: ['code', 'method'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from a request arriving to its response being written, in seconds.',
      labelNames: ['code', 'method'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'http_requests_in_flight',
      help: 'HTTP requests received and not yet answered.',
      registers: [registry],
    }),
    connections: new Counter({
      name: 'http_connections_opened_total',
      help: 'TCP connections accepted; a small-packet flood opens many, each carrying one tiny request.',
      registers: [registry],
    }),
  };
}
