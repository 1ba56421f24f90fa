/** The one place for the selectors tests use (jest, the browser harness and the Grafana e2e specs). */
export const testIds = {
  appConfig: {
    sidecarUrl: 'data-testid ac-sidecar-url',
    apiToken: 'data-testid ac-api-token',
    testConnection: 'data-testid ac-test-connection',
    connectionResult: 'data-testid ac-connection-result',
    submit: 'data-testid ac-submit-form',
  },
  overview: {
    container: 'data-testid ntma-overview',
    readiness: 'data-testid ntma-overview-readiness',
    targets: 'data-testid ntma-overview-targets',
    targetRow: 'data-testid ntma-overview-target-row',
    replicas: 'data-testid ntma-overview-replicas',
    anomalies: 'data-testid ntma-overview-anomalies',
    anomalyRow: 'data-testid ntma-overview-anomaly-row',
  },
  audit: {
    container: 'data-testid ntma-audit',
    table: 'data-testid ntma-audit-table',
    row: 'data-testid ntma-audit-row',
  },
  alertRules: {
    container: 'data-testid ntma-alert-rules',
    create: 'data-testid ntma-alert-rules-create',
    editor: 'data-testid ntma-alert-rules-editor',
    save: 'data-testid ntma-alert-rules-save',
    table: 'data-testid ntma-alert-rules-table',
    row: 'data-testid ntma-alert-rules-row',
  },
  /**
   * The anomaly-bands panel. Tests read what it drew through these hooks, never through the chart's geometry, so
   * they hold whatever draws the chart:
   * - `band`: one element per series with a band; `data-series` names the series, `data-banded` counts the
   *   points with a lower and upper edge.
   * - `mark`: one element per drawn anomaly mark; `data-t` (unix seconds), `data-kind` (the contract's
   *   ExcursionKind, as the sidecar decided it) and `data-severity`.
   */
  panel: {
    container: 'data-testid ntma-panel',
    chart: 'data-testid ntma-panel-chart',
    band: 'data-testid ntma-band',
    mark: 'data-testid ntma-anomaly-mark',
    tooltip: 'data-testid ntma-tooltip',
    legend: 'data-testid ntma-legend',
    legendItem: 'data-testid ntma-legend-item',
    loading: 'data-testid ntma-panel-loading',
    empty: 'data-testid ntma-panel-empty',
    error: 'data-testid ntma-panel-error',
    trainingNotice: 'data-testid ntma-panel-training-notice',
    targetSelect: 'data-testid ntma-panel-target',
  },
  /** A page shown to a user who lacks the action it needs (components/RequireAction). */
  notPermitted: 'data-testid ntma-not-permitted',
  scaleModal: {
    container: 'data-testid ntma-scale-service-modal',
    readOnly: 'data-testid ntma-scale-service-read-only',
  },
  scale: {
    controls: 'data-testid ntma-scale-controls',
    scaleOut: 'data-testid ntma-scale-out',
    scaleIn: 'data-testid ntma-scale-in',
    replicasInput: 'data-testid ntma-scale-replicas',
    setReplicas: 'data-testid ntma-scale-set',
    confirm: 'data-testid ntma-scale-confirm',
    statement: 'data-testid ntma-scale-statement',
    reason: 'data-testid ntma-scale-reason',
    confirmButton: 'data-testid ntma-scale-confirm-button',
    outcome: 'data-testid ntma-scale-outcome',
  },
};
