import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';
import { rendersItself, type SelfRendering } from '../metrics/series-metrics.js';

export interface MetricsRoutesOptions {
  registry: Registry;
}

/**
 * The registry's text exposition, as `registry.metrics()` writes it, in pieces that join into that
 * text; the per-series gauges render together, in slices that yield to the event loop (see
 * series-metrics.ts). Pieces rather than one string: at 100,000 watched series the text is about
 * 60 MB, and flattening it, then encoding it for the socket in one call, held the loop for tens of
 * milliseconds at a time.
 */
export async function expositionPieces(registry: Registry): Promise<string[]> {
  const pieces: string[] = [];
  const rendered = new Map<SelfRendering['families'], Map<unknown, string[]>>();
  for (const metric of registry.getMetricsAsArray()) {
    if (pieces.length > 0) pieces.push('\n\n');
    if (!rendersItself(metric)) {
      pieces.push(await registry.getSingleMetricAsString(metric.name));
      continue;
    }
    let family = rendered.get(metric.families);
    if (family === undefined) {
      family = await metric.families.render();
      rendered.set(metric.families, family);
    }
    const own = family.get(metric) ?? [];
    for (let i = 0; i < own.length; i++) {
      if (i > 0) pieces.push('\n');
      pieces.push(own[i]!);
    }
  }
  pieces.push('\n');
  return pieces;
}

/** The whole exposition as one string (tests, small registries). */
export async function exposition(registry: Registry): Promise<string> {
  return (await expositionPieces(registry)).join('');
}

export const metricsRoutes: FastifyPluginAsync<MetricsRoutesOptions> = async (app, { registry }) => {
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { tags: ['health'], summary: 'Prometheus exposition of ntma_* series' } },
    async (_request, reply) => {
      const pieces = await expositionPieces(registry);
      reply.header('content-type', registry.contentType);
      // Written piece by piece as the socket takes them (the client's pace), never as one 60 MB string.
      return reply.send(Readable.from(pieces, { objectMode: false }));
    },
  );
};
