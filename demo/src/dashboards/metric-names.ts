/**
 * Series the dashboards read that the sidecar exports (sidecar/src/watch, sidecar/src/metrics/health.ts,
 * sidecar/src/scale/metrics.ts), in one place so a rename is a one-file change here.
 */
export const NTMA = {
  actual: 'ntma_actual',
  forecast: 'ntma_forecast',
  bandUpper: 'ntma_band_upper',
  bandLower: 'ntma_band_lower',
  anomaly: 'ntma_anomaly',
  score: 'ntma_anomaly_score',
  kindInfo: 'ntma_anomaly_kind_info',
  /** Scale requests by `result`: applied, dry_run, noop, refused, held, failed. */
  scaleActions: 'ntma_scale_actions_total',
  /** Histogram labelled `source` (watch, bands) and `outcome`. */
  fitDuration: 'ntma_fit_duration_seconds',
  /** Labelled `queue`: pool, watch. */
  poolQueueDepth: 'ntma_fit_queue_depth',
  queryErrors: 'ntma_prometheus_query_errors_total',
  /** Labelled `watcher`. */
  watchLag: 'ntma_watch_lag_seconds',
} as const;

/** cadvisor's copies of the Compose and opt-in container labels (see its --whitelisted_container_labels). */
export const CADVISOR_LABELS = {
  project: 'container_label_com_docker_compose_project',
  service: 'container_label_com_docker_compose_service',
  scaleEnabled: 'container_label_ntma_scale_enabled',
} as const;
