/**
 * The audit log's record shapes. One scale request is one *action*: an `accepted` entry written
 * (and fsynced) before anything is changed, then exactly one outcome entry. Requests that never
 * reach the point of changing anything (refused by limits, held by the automatic policy, Docker
 * unreachable while reading the current state) are recorded by their outcome entry alone.
 */

import type { DecisionInputs } from '../scale/predictive.js';

/**
 * Where a request came from: a Grafana panel (behind the plugin proxy), the bare API, an alert, or
 * the periodic evaluation of the predictive policy.
 */
export type AuditSource = 'panel' | 'api' | 'alert' | 'policy';

export type AuditPhase = 'accepted' | 'applied' | 'failed' | 'refused' | 'held';

/** Phases that end an action. */
export const OUTCOME_PHASES: ReadonlyArray<AuditPhase> = ['applied', 'failed', 'refused', 'held'];

/** What an alert contributed to an automatic decision. */
export interface AuditAlert {
  alertname?: string;
  fingerprint?: string;
  /** The excursion kind the alert carried (spike, drop, attack_suspected, ...). */
  kind?: string;
  attack?: boolean;
}

/** One line of the JSON-lines file. */
export interface AuditEntry {
  /** Schema version of the line. */
  v: 1;
  /** Action id shared by the accepted entry and its outcome; the "audit id" clients see. */
  action: string;
  phase: AuditPhase;
  /** ISO-8601 time the entry was written. */
  at: string;
  /** Target id, e.g. `compose:shop:web` or `swarm:web`. */
  target: string;
  backend?: string;
  /** `X-Grafana-User` behind Grafana's proxy, `api` otherwise, `grafana-alert:<receiver>` or `alertmanager-alert:<receiver>` for alerts. */
  who: string;
  source: AuditSource;
  reason: string;
  /** Desired replicas before the action; null when they could not be read. */
  before: number | null;
  /** Desired replicas the action aims at (accepted) or reached (outcome); null when unknown. */
  after: number | null;
  dryRun: boolean;
  idempotencyKey?: string;
  /** For failed, refused and held outcomes: why, in words (the engine's or the policy's). */
  detail?: string;
  /** Machine code of the error, e.g. DOCKER_UNAVAILABLE or LIMIT_EXCEEDED. */
  errorCode?: string;
  /** Policy remarks, e.g. that the attack-aware cap limited the step. */
  notes?: string[];
  alert?: AuditAlert;
  /** An automatic decision of the predictive policy: the forecast, capacity, desire, limits and anomaly state it used. */
  policy?: DecisionInputs;
}

/** What a caller supplies; the log stamps `v` and `at`. */
export type AuditDraft = Omit<AuditEntry, 'v' | 'at'>;

/**
 * An action folded from its entries. `unfinished` means an accepted entry has no outcome and the
 * action is not running in this process: the sidecar stopped (or crashed) in the middle of it.
 */
export type ActionStatus = 'applied' | 'failed' | 'refused' | 'held' | 'in_progress' | 'unfinished';

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
  /** When the accepted entry was written; absent for outcome-only actions. */
  acceptedAt?: string;
  /** When the outcome entry was written; absent while unfinished. */
  finishedAt?: string;
  detail?: string;
  errorCode?: string;
  notes?: string[];
  alert?: AuditAlert;
  policy?: DecisionInputs;
}
