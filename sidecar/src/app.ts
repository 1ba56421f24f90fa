import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { installAuth } from './http/auth.js';
import { installErrorHandler } from './http/error-handler.js';
import { createRegistry } from './metrics/registry.js';
import { prometheusReadiness } from './prometheus/readiness.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';

/** Long-lived collaborators, created once per app; tests may pass their own. */
export interface Services {
  registry: Registry;
  readiness: ReadinessCheck[];
}

export function createServices(config: Config): Services {
  return {
    registry: createRegistry(),
    readiness: [prometheusReadiness(config.prometheusUrl, config.prometheusTimeoutMs)],
  };
}

export interface BuildOptions {
  /** Replace any service, e.g. with a fake in a unit test. */
  services?: Partial<Services>;
  /** pino options, or false to silence logs. */
  logger?: boolean | { level: string };
}

/** Builds the Fastify app; never listens (server.ts does), so tests use inject() or port 0. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const services: Services = { ...createServices(config), ...options.services };
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Bands requests carry whole series; 16 MiB holds 50 series of 10,000 points.
    bodyLimit: 16 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  installAuth(app, { apiToken: config.apiToken, alertSecret: config.alertSecret });

  await app.register(swagger, {
    openapi: {
      info: { title: 'NTMA sidecar', version: '0.1.0', description: 'Anomaly bands, detection and scaling.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), auth: 'public' };
  });

  await app.register(rateLimit, {
    max: config.rateLimitPerMinute,
    timeWindow: '1 minute',
    allowList: (request) => !request.url.startsWith('/api/'),
  });

  await app.register(healthRoutes, { checks: services.readiness });
  await app.register(metricsRoutes, { registry: services.registry });

  return app;
}
