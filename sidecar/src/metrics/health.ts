/**
 * The sidecar's own health metrics: how long fits take, how much fitting is queued, how often
 * Prometheus fails us, and whether the watch loop keeps up. Created once per registry; modules
 * that do the work get the handles (scale actions are counted by the scaler as
 * ntma_scale_actions_total, not here).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface HealthMetrics {
  fitDuration: Histogram<'source' | 'outcome'>;
  queryErrors: Counter<'source' | 'code'>;
  loopLag: Gauge<'watcher'>;
  stepsSkipped: Counter<'watcher'>;
  seriesRefused: Counter<'watcher'>;
  signalSeriesRefused: Counter<'watcher' | 'role'>;
  refits: Counter<'watcher' | 'result'>;
  /** Registers a queue whose depth ntma_fit_queue_depth{queue} reports at each scrape. */
  addQueue(queue: string, depth: () => number): void;
  /** Where ntma_watch_series{watcher,state} reads the watchers' series counts at each scrape. */
  setSeriesCounts(counts: () => Iterable<{ watcher: string; state: string; count: number }>): void;
}

export function createHealthMetrics(registry: Registry): HealthMetrics {
  const queues = new Map<string, () => number>();
  let seriesCounts: () => Iterable<{ watcher: string; state: string; count: number }> = () => [];
  new Gauge({
    name: 'ntma_watch_series',
    help: 'Series a watcher follows, by state: present (data and a model), warming (no model yet), missing (no sample at the last step: stale or gone, never read as zero).',
    labelNames: ['watcher', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { watcher, state, count } of seriesCounts()) this.set({ watcher, state }, count);
    },
  });
  new Gauge({
    name: 'ntma_fit_queue_depth',
    help: 'Model fits waiting to start, by queue: "pool" waits for a worker thread, "watch" is refits the watchers hold back until the pool has room.',
    labelNames: ['queue'],
    registers: [registry],
    collect() {
      for (const [queue, depth] of queues) this.set({ queue }, depth());
    },
  });
  return {
    fitDuration: new Histogram({
      name: 'ntma_fit_duration_seconds',
      help: 'Wall time of one model fit in the worker pool, from submission to result, by who asked (watch, bands) and outcome (ok, error).',
      labelNames: ['source', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queryErrors: new Counter({
      name: 'ntma_prometheus_query_errors_total',
      help: 'Prometheus queries that failed, by caller and error code (PROMETHEUS_UNAVAILABLE, PROMETHEUS_TIMEOUT, BAD_QUERY, ...).',
      labelNames: ['source', 'code'],
      registers: [registry],
    }),
    loopLag: new Gauge({
      name: 'ntma_watch_lag_seconds',
      help: "Seconds from a watcher step's scheduled evaluation time until the step finished; at or above the watcher's step, steps are being skipped.",
      labelNames: ['watcher'],
      registers: [registry],
    }),
    stepsSkipped: new Counter({
      name: 'ntma_watch_steps_skipped_total',
      help: 'Watcher steps not evaluated because the previous step of the same watcher was still running.',
      labelNames: ['watcher'],
      registers: [registry],
    }),
    seriesRefused: new Counter({
      name: 'ntma_watch_series_refused_total',
      help: 'Series-steps refused because the watcher was at its max_series cap; the refused series get no band.',
      labelNames: ['watcher'],
      registers: [registry],
    }),
    signalSeriesRefused: new Counter({
      name: 'ntma_watch_signal_series_refused_total',
      help: "Companion-signal series-steps refused because the signal's table was at the watcher's max_series cap; the classifier does not see them.",
      labelNames: ['watcher', 'role'],
      registers: [registry],
    }),
    refits: new Counter({
      name: 'ntma_watch_refits_total',
      help: 'Model refits the watchers completed, by watcher and result (ok, error).',
      labelNames: ['watcher', 'result'],
      registers: [registry],
    }),
    addQueue(queue, depth) {
      queues.set(queue, depth);
    },
    setSeriesCounts(counts) {
      seriesCounts = counts;
    },
  };
}
