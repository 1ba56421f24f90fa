import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { Config } from './config.js';
import { DEFAULT_LIMITS } from './bands/limits.js';
import { PoolBandsEngine } from './bands/pool-engine.js';
import { LazyForecastPool } from './forecast/lazy-pool.js';
import { ForecastPool, WARM_WAIT_MS, type WarmReport } from './forecast/pool.js';
import { createHealthMetrics, type HealthMetrics } from './metrics/health.js';
import type { BandsEngine } from './bands/engine.js';
import { BandsService } from './bands/service.js';
import { installAuth, requireDeclaredAuth, type DeclaredRoute } from './http/auth.js';
import { installErrorHandler } from './http/error-handler.js';
import { AJV_OPTIONS } from './http/ajv-options.js';
import { installFiniteNumbers } from './http/finite-numbers.js';
import { overload } from './http/overload.js';
import { installRateLimit } from './http/rate-limit.js';
import { createRegistry } from './metrics/registry.js';
import { PrometheusClient, type PrometheusApi } from './prometheus/client.js';
import { prometheusReadiness } from './prometheus/readiness.js';
import { bandsRoutes } from './routes/bands.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { alertsRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { auditStartupFindings } from './audit/startup-report.js';
import { targetsRoutes } from './routes/targets.js';
import { CapacityLearner } from './scale/capacity-learner.js';
import { createScaler } from './scale/create.js';
import type { Scaler } from './scale/scaler.js';
import { anomaliesRoutes } from './routes/anomalies.js';
import { watchersRoutes } from './routes/watchers.js';
import { loadWatchConfig, type WatchConfig } from './watch/config.js';
import { createWatchService } from './watch/create.js';
import { readDemand } from './watch/demand.js';
import { AutoEvaluator } from './scale/evaluator.js';

/** Long-lived collaborators, created once per app; tests may pass their own. */
export interface Services {
  registry: Registry;
  readiness: ReadinessCheck[];
  /** The only way to the configured Prometheus. */
  prometheus: PrometheusApi;
  /** The one forecast worker pool, shared by the bands engine and the watchers; started (and warmed) when the app is ready. */
  fitPool: LazyForecastPool;
  /** The sidecar's own health metrics (fit times, queue depths, query errors, watch lag). */
  health: HealthMetrics;
  /** Fits and one-step traces for the bands API (over the shared pool). */
  bandsEngine: BandsEngine;
  /** Scaling through the Docker API, with its audit log (in the data dir). */
  scaler: Scaler;
  /** The watchers file, validated at start (NTMA_WATCHERS, else sidecar/watchers.default.yml). */
  watchers: WatchConfig;
}

/** The services `given` lacks, built from the config; a given one is used as is, never built too. */
export function createServices(config: Config, given: Partial<Services> = {}): Services {
  const registry = given.registry ?? createRegistry();
  const health = given.health ?? createHealthMetrics(registry);
  const fitPool =
    given.fitPool ??
    new LazyForecastPool(() => new ForecastPool({ workers: config.fitWorkers, timeoutMs: config.fitTimeoutMs }));
  health.addQueue('pool', () => fitPool.queueDepth);
  return {
    registry,
    health,
    fitPool,
    readiness: given.readiness ?? [prometheusReadiness(config.prometheusUrl, config.prometheusTimeoutMs)],
    prometheus:
      given.prometheus ??
      new PrometheusClient({
        baseUrl: config.prometheusUrl,
        timeoutMs: config.prometheusTimeoutMs,
        ...config.prometheusCaps,
      }),
    bandsEngine:
      given.bandsEngine ??
      new PoolBandsEngine({
        pool: fitPool,
        onFit: (seconds, outcome) => health.fitDuration.observe({ source: 'bands', outcome }, seconds),
      }),
    scaler: given.scaler ?? createScaler(config),
    watchers: given.watchers ?? loadWatchConfig(config.watchersFile),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route Fastify registered, with the auth mode it declared (the auth table tests read it). */
    declaredRoutes(): DeclaredRoute[];
  }
}

export interface BuildOptions {
  /** Replace any service, e.g. with a fake in a unit test. */
  services?: Partial<Services>;
  /** pino options, or false to silence logs. */
  logger?: boolean | { level: string };
}

/**
 * Says how the fit workers' warm-up went: a warm-up that failed or ran out of time is not fatal
 * (the workers serve, colder), but the first requests will be slower, and the log says why.
 */
function logWarmUp(app: FastifyInstance, report: WarmReport): void {
  if (report.timedOut || report.errors.length > 0) {
    app.log.warn(report, 'fit workers: warm-up incomplete, the first fits will be slower; starting anyway');
  } else if (report.skipped) {
    app.log.info(report, 'fit workers: warm-up skipped (NTMA_FIT_WARMUP=false)');
  } else {
    app.log.info(report, 'fit workers warmed up');
  }
}

/** Builds the Fastify app; never listens (server.ts does), so tests use inject() or port 0. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const services = createServices(config, options.services);
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // Bands requests carry whole series; 16 MiB holds 50 series of 10,000 points.
    bodyLimit: 16 * 1024 * 1024,
    // onReady awaits the fit workers' warm-up, itself bounded by WARM_WAIT_MS: avvio's default 10 s would
    // otherwise fail the start on a loaded machine before the warm-up's own bound lets the app go on.
    pluginTimeout: WARM_WAIT_MS + 10_000,
    ajv: AJV_OPTIONS,
  }).withTypeProvider<TypeBoxTypeProvider>();

  installErrorHandler(app);
  app.decorate('declaredRoutes', requireDeclaredAuth(app));
  // Budgets first, so a failed login spends one.
  await installRateLimit(app, {
    perClient: config.rateLimitPerMinute,
    perAddress: config.rateLimitPerAddressPerMinute,
  });
  installAuth(app, { apiToken: config.apiToken, alertSecret: config.alertSecret });
  installFiniteNumbers(app);

  await app.register(swagger, {
    openapi: {
      info: { title: 'NTMA sidecar', version: '0.1.0', description: 'Anomaly bands, detection and scaling.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  // The docs' routes are declared public by a hook of their own context, not by their URL.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), auth: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  });

  const shedding = overload(config.maxEventLoopDelayMs);
  await app.register(underPressure, shedding.options);
  app.addHook('onReady', async () => shedding.ready());

  await app.register(healthRoutes, { checks: services.readiness });
  const bands = new BandsService(services.prometheus, services.bandsEngine, DEFAULT_LIMITS, {
    queryError: (code) => services.health.queryErrors.inc({ source: 'bands', code }),
  });
  await app.register(bandsRoutes, { bands });
  await app.register(metricsRoutes, { registry: services.registry });
  services.scaler.exportMetrics(services.registry);
  await app.register(targetsRoutes, { scaler: services.scaler });
  await app.register(auditRoutes, { audit: services.scaler.audit });
  app.addHook('onReady', async () => {
    const unfinished = await services.scaler.audit.page({ status: 'unfinished', offset: 0, limit: 20 });
    for (const { message, details } of auditStartupFindings(unfinished)) app.log.warn(details, message);
  });
  await app.register(alertsRoutes, { scaler: services.scaler });
  app.addHook('onClose', () => services.scaler.close());
  const watch = createWatchService(config, services, app.log);
  // The predictive policy decides on the watchers' live state, read at the moment of deciding.
  services.scaler.useDemand((query, horizonSeconds) => readDemand(watch.watchers, query, horizonSeconds));
  services.scaler.useCapacityLearner(new CapacityLearner(services.prometheus));
  const evaluator = new AutoEvaluator(services.scaler, config.scale.evalSeconds * 1000, app.log);
  await app.register(watchersRoutes, { watch });
  await app.register(anomaliesRoutes, { anomalies: watch.anomalies });
  // The watchers backfill and step in the background; the server answers while they warm up.
  app.addHook('onReady', async () => {
    // Fit workers start and warm up now, not inside the first request (or the first watcher fit):
    // the server listens only once they have (bounded), so no request meets a cold worker.
    const warm = await services.fitPool.warm();
    if (warm) logWarmUp(app, warm);
    watch.start();
    evaluator.start();
  });
  // One hook, so the order is certain: the pool and the Prometheus client outlive their users.
  app.addHook('onClose', async () => {
    await evaluator.stop();
    await watch.stop();
    await services.bandsEngine.close();
    await services.fitPool.close();
    const stuck = services.fitPool.stuckWorkers;
    if (stuck > 0) {
      app.log.warn({ stuck }, 'fit workers did not end after terminate(); the process may need a SIGKILL to exit');
    }
    services.prometheus.close();
  });

  return app;
}
