/*
 * The sidecar's HTTP contract (DESIGN.md, "Contract"), as the plugin reads it. Field names match the JSON
 * the sidecar sends; the sidecar's TypeBox schemas are the source of truth.
 */

export type Labels = Record<string, string>;

/** GET /readyz: 200 when every dependency answers, 503 (with `message`) otherwise. */
export interface Readiness {
  status: 'ready' | 'unready';
  checks: Array<{ name: string; target: string; ok: boolean; error?: string }>;
  message?: string;
}

/** An explicit ARIMA order; `auto` lets the sidecar choose (seasonal decomposition + ARIMA, with fallbacks). */
export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
}
export type ModelChoice = 'auto' | ArimaOrder;

/** POST /api/v1/bands/series. */
export interface BandsSeriesRequest {
  series: Array<{ labels: Labels; points: Array<[number, number | null]> }>;
  /** Spacing of the points ("30s" or seconds); inferred by the sidecar when omitted. */
  step?: string | number;
  /** Training window taken from the start of the points ("1d" or seconds); default half of them. */
  train?: string | number;
  /** Nominal band coverage, 0.8..0.999. */
  confidence?: number;
  model?: ModelChoice;
}

export interface SeriesBand {
  labels: Labels;
  /** Unix seconds, aligned with every array below. */
  timestamps: number[];
  /** null is a gap, never a zero. */
  actual: Array<number | null>;
  /** One-step-ahead forecast of each point from data before it. */
  forecast: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  /** 0..1; exceeds the confidence exactly outside the band. */
  score: number[];
  /** The point lies outside [lower, upper]. */
  anomaly: boolean[];
  /** What served the band, e.g. "mstl[1440]+arima(2,1,1)"; "none" when unbanded. */
  model: string;
  coverage: number | null;
  trainedOn: number;
  fitMs: number;
  cached: boolean;
  /** Why this series has no band; the others are unaffected. */
  error?: string;
}

export interface BandsAnswer {
  start: number;
  end: number;
  step: number;
  train: { start: number; end: number };
  confidence: number;
  series: SeriesBand[];
  warnings: string[];
}

export type BackendKind = 'compose' | 'swarm';
export type AutoMode = 'off' | 'dry-run' | 'on';

export interface ScaleLimits {
  min: number;
  max: number;
  /** Cap on one automatic action's change. */
  step: number;
  cooldownSeconds: number;
}

export type ActionStatus = 'applied' | 'failed' | 'refused' | 'held' | 'in_progress' | 'unfinished';
export type AuditSource = 'panel' | 'api' | 'alert' | 'policy';

/** One scale action as the audit log folds it (accepted entry + outcome). */
export interface AuditAction {
  id: string;
  target: string;
  backend?: string;
  status: ActionStatus;
  who: string;
  source: AuditSource;
  reason: string;
  before: number | null;
  after: number | null;
  dryRun: boolean;
  idempotencyKey?: string;
  acceptedAt?: string;
  finishedAt?: string;
  detail?: string;
  errorCode?: string;
  notes?: string[];
  alert?: { alertname?: string; fingerprint?: string; kind?: string; attack?: boolean };
}

/** GET /api/v1/audit?limit&offset&target&status. */
export interface AuditPage {
  /** Newest first. */
  items: AuditAction[];
  total: number;
  offset: number;
  limit: number;
  skippedLines: Array<{ line: number; reason: string }>;
}

export interface AuditQuery {
  limit: number;
  offset: number;
  target?: string;
  status?: ActionStatus;
}

/** One scalable target in GET /api/v1/targets. */
export interface TargetView {
  /** e.g. `compose:shop:web` or `swarm:web`. */
  id: string;
  backend: BackendKind;
  service: string;
  group?: string;
  desired: number;
  running: number;
  limits: ScaleLimits;
  auto: { mode: AutoMode; dryRun: boolean; attackMax: number };
  /** Why the target is refused until it is fixed: a malformed ntma.scale.* label, or replicas that disagree on one. */
  labelError?: string;
  lastAction: AuditAction | null;
}

/** POST /api/v1/targets/:id/scale: exactly one of `replicas` (absolute) or `delta` (relative). */
export interface ScaleRequest {
  replicas?: number;
  delta?: number;
  reason: string;
  dryRun?: boolean;
}

export interface ScaleResult {
  target: string;
  backend: BackendKind;
  before: number;
  after: number;
  running: number;
  dryRun: boolean;
  changed: boolean;
  auditId: string;
  replayed: boolean;
}

export type ExcursionKind = 'spike' | 'drop' | 'level_shift' | 'sustained' | 'attack_suspected';

/** One excursion a watcher saw, from GET /api/v1/anomalies (newest first). */
export interface AnomalyRecord {
  id: number;
  watcher: string;
  labels: Labels;
  target: string | null;
  kind: ExcursionKind;
  direction: 1 | -1;
  score: number;
  start: number;
  /** null while the excursion is still open. */
  end: number | null;
  peak: { t: number; value: number; forecast: number | null; lower: number | null; upper: number | null };
  reasons: string[];
}

/** One configured watcher, from GET /api/v1/watchers. */
export interface WatcherView {
  name: string;
  expr: string;
  stepSeconds: number;
  trainSeconds: number;
  sensitivity: 'low' | 'medium' | 'high' | number;
  confidence: number;
  role: string;
  /** Template of the ntma_target label, null when the watcher links to no target. */
  target: string | null;
}
