import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { rendersItself } from '../metrics/series-metrics.js';

export interface MetricsRoutesOptions {
  registry: Registry;
}

/**
 * The registry's text exposition, as `registry.metrics()` writes it, except that the per-series
 * gauges render themselves in slices that yield to the event loop (see series-metrics.ts).
 */
export async function exposition(registry: Registry): Promise<string> {
  const parts: string[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    parts.push(rendersItself(metric) ? await metric.exposition() : await registry.getSingleMetricAsString(metric.name));
  }
  return `${parts.join('\n\n')}\n`;
}

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { registry }) => {
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { tags: ['health'], summary: 'Prometheus exposition of ntma_* series' } },
    async (_request, reply) => {
      reply.header('content-type', registry.contentType);
      return exposition(registry);
    },
  );
};
