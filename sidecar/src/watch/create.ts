/**
 * Wires the watch loop from the app's services: the configured Prometheus, the metrics registry,
 * the app's forecast worker pool for refits (or one of its own), and the shared detector. A pool
 * starts on the first fit, so an app whose watchers find no series starts no threads.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { restoreModel } from '../forecast/model.js';
import { LazyForecastPool } from '../forecast/lazy-pool.js';
import { ForecastPool, type FitPool } from '../forecast/pool.js';
import { createHealthMetrics, type HealthMetrics } from '../metrics/health.js';
import { registerSeriesMetrics } from '../metrics/series-metrics.js';
import type { WatchConfig } from './config.js';
import { forecastDetectors } from './detectors.js';
import type { AsyncFit } from './refit.js';
import { WatchService, type WatchLogger } from './service.js';
import type { WatchSource } from './watcher.js';

export interface WatchDependencies {
  registry: Registry;
  prometheus: WatchSource;
  watchers: WatchConfig;
  /** Replaces the worker pool (tests); the default fits in `fitPool`. */
  fit?: AsyncFit;
  /** The app's shared pool, which its owner closes; without one the watchers start and close their own. */
  fitPool?: FitPool;
  /** The app's health metrics; made here on the registry when not given. */
  health?: HealthMetrics;
}

export function createWatchService(config: Config, deps: WatchDependencies, logger: WatchLogger): WatchService {
  const health = deps.health ?? createHealthMetrics(deps.registry);
  const series = registerSeriesMetrics(deps.registry);
  let own: LazyForecastPool | undefined;
  let fit = deps.fit;
  if (!fit) {
    let pool = deps.fitPool;
    if (!pool) {
      own = new LazyForecastPool(
        () => new ForecastPool({ workers: config.fitWorkers, timeoutMs: config.fitTimeoutMs }),
      );
      health.addQueue('pool', () => own?.queueDepth ?? 0);
      pool = own;
    }
    const shared = pool;
    // The worker sends the fitted model as a snapshot; it is restored here, where the detector runs.
    fit = async (values, spec) => restoreModel((await shared.fit(values, spec)).snapshot);
  }
  const service = new WatchService({
    config: deps.watchers,
    source: deps.prometheus,
    fit,
    detectors: forecastDetectors,
    health,
    logger,
    // Twice the workers: each has its next job queued, and the pool's own queue never fills.
    maxFitsInFlight: 2 * config.fitWorkers,
    release: async () => {
      series.setSource(undefined);
      await own?.close();
    },
  });
  series.setSource(() => service.samples());
  health.setSeriesCounts(function* () {
    for (const { watcher, state } of service.describe()) {
      for (const key of ['present', 'warming', 'missing'] as const)
        yield { watcher: watcher.name, state: key, count: state[key] };
    }
  });
  return service;
}
