/**
 * `@ntma/contract`: what the plugin, the sidecar, the dashboard generator and the tests share. This
 * entry holds the meaning (pure functions and constants) and the HTTP types; it loads no TypeBox at
 * run time, so the plugin's bundle stays free of it. The schemas are `@ntma/contract/schemas`.
 */
export * from './score.js';
export * from './duration.js';
export * from './limits.js';
export * from './kinds.js';
export * from './panel/options.js';
export * from './panel/bands-query.js';
export type {
  Labels,
  ErrorBody,
  ModelChoice,
  BandsQueryRequest,
  Point,
  BandsSeriesRequest,
  PointsSeries,
  ValuesSeries,
  SeriesBand,
  BandsAnswer,
  ActionStatus,
  AuditSource,
  AuditAction,
  DecisionInputs,
  AuditQuery,
  AuditPage,
  BackendKind,
  AutoMode,
  ScaleLimits,
  PolicyView,
  TargetView,
  TargetsAnswer,
  ScaleRequest,
  ScaleResult,
  AnomalyRecord,
  AnomaliesQuery,
  AnomaliesAnswer,
  WatcherState,
  WatcherView,
  WatchersAnswer,
  Health,
  Readiness,
  WebhookAlert,
  AlertWebhook,
  AutoOutcome,
  AutoDecision,
  AlertsAnswer,
} from './schemas/index.js';
