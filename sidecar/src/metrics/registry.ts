import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests that build several apps never share series. */
export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ntma_process_' });
  return registry;
}
