import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per app instance, so tests that build several apps never share series. The
 * process metrics keep their standard names (process_cpu_seconds_total, nodejs_heap_size_used_bytes,
 * ...) so stock dashboards and alerts for Node.js processes read them; the job label says whose.
 */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
