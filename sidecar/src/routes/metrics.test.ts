import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { createHealthMetrics } from '../metrics/health.js';
import { EXPOSITION_SERIES_PER_TURN, registerSeriesMetrics, type SeriesSample } from '../metrics/series-metrics.js';
import { exposition, expositionPieces, metricsRoutes } from './metrics.js';

function sample(i: number): SeriesSample {
  return {
    labels: { instance: `10.0.0.${i % 7}:9100`, series: String(i), watcher: 'rx' },
    actual: i % 9 === 0 ? null : 1000 + i / 3,
    forecast: 1000 + i / 7,
    lower: 900 + i / 7,
    upper: 1100 + i / 7,
    anomaly: i % 4 === 0 ? 1 : 0,
    score: i % 9 === 0 ? null : 1 / (i + 3),
    kind: i % 4 === 0 ? 'drop' : null,
  };
}

function registryOf(samples: () => Iterable<SeriesSample>): Registry {
  const registry = new Registry();
  createHealthMetrics(registry).loopLag.set({ watcher: 'rx' }, 0.25);
  registerSeriesMetrics(registry).setSource(samples);
  return registry;
}

describe('GET /metrics', () => {
  const many = Array.from({ length: 3 * EXPOSITION_SERIES_PER_TURN + 11 }, (_, i) => sample(i));

  it('walks the watched series once per scrape for all the per-series gauges', async () => {
    let walks = 0;
    const registry = registryOf(() => {
      walks++;
      return many;
    });
    const pieces = await expositionPieces(registry);
    expect(walks).toBe(1);
    // Several slices per gauge, so the loop got its turns.
    expect(pieces.length).toBeGreaterThan(7 * 3);
    expect(pieces.join('')).toBe(await exposition(registry));
  });

  it('serves, piece by piece, exactly the text prom-client renders for the same registry', async () => {
    const registry = registryOf(() => many);
    const app = Fastify({ logger: false });
    await app.register(metricsRoutes, { registry });
    try {
      const response = await app.inject('/metrics');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe(registry.contentType);
      expect(response.body).toBe(await registry.metrics());
      expect(response.body.match(/^ntma_anomaly_kind_info\{/gm)).toHaveLength(Math.ceil(many.length / 4));
    } finally {
      await app.close();
    }
  });

  it('serves only the descriptions of the per-series metrics while no watcher is attached', async () => {
    const registry = new Registry();
    registerSeriesMetrics(registry);
    const app = Fastify({ logger: false });
    await app.register(metricsRoutes, { registry });
    try {
      const response = await app.inject('/metrics');
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe(await registry.metrics());
      expect(response.body).toMatch(/^# TYPE ntma_forecast gauge$/m);
      expect(response.body).not.toMatch(/^ntma_forecast[{ ]/m);
    } finally {
      await app.close();
    }
  });

  it('fails the scrape, not the process, when the source throws', async () => {
    const registry = registryOf(function* () {
      yield sample(1);
      throw new Error('watchers gone');
    });
    const app = Fastify({ logger: false });
    await app.register(metricsRoutes, { registry });
    try {
      const response = await app.inject('/metrics');
      expect(response.statusCode).toBe(500);
    } finally {
      await app.close();
    }
  });
});
