/**
 * Wires the watch loop from the app's services: the configured Prometheus, the metrics registry,
 * a forecast worker pool for refits, and the shared detector. The pool starts on the first refit,
 * so an app whose watchers find no series starts no threads.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config.js';
import { restoreModel } from '../forecast/model.js';
import { ForecastPool } from '../forecast/pool.js';
import { createHealthMetrics } from '../metrics/health.js';
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
  /** Replaces the worker pool (tests); the default fits in a ForecastPool of config.fitWorkers threads. */
  fit?: AsyncFit;
}

export function createWatchService(config: Config, deps: WatchDependencies, logger: WatchLogger): WatchService {
  const health = createHealthMetrics(deps.registry);
  const series = registerSeriesMetrics(deps.registry);
  let pool: ForecastPool | undefined;
  let fit = deps.fit;
  if (!fit) {
    const started = (): ForecastPool =>
      (pool ??= new ForecastPool({ workers: config.fitWorkers, timeoutMs: config.fitTimeoutMs }));
    // The worker sends the fitted model as a snapshot; it is restored here, where the detector runs.
    fit = async (values, spec) => restoreModel((await started().fit(values, spec)).snapshot);
    health.addQueue('pool', () => pool?.queueDepth ?? 0);
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
      await pool?.close();
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
