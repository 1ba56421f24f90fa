/**
 * The audit log's record shapes. One scale request is one *action*: an `accepted` entry written
 * (and fsynced) before anything is changed, then exactly one outcome entry. Requests that never
 * reach the point of changing anything (refused by limits, held by the automatic policy, Docker
 * unreachable while reading the current state) are recorded by their outcome entry alone.
 */

import type { ActionStatus, AuditAction, AuditSource } from '@ntma/contract';
import type { DecisionInputs } from '../scale/predictive.js';

/**
 * An action as clients see it (AuditAction), its status, and where it came from (AuditSource: a
 * Grafana panel behind the plugin proxy, the bare API, an alert, or the predictive policy's
 * periodic evaluation) are the contract's.
 */
export type { ActionStatus, AuditAction, AuditSource };

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
  /**
   * A change of the alert-driven policy: what it keeps after it (its per-replica reference and the replicas a flood
   * brought), read back after a restart. Internal: the API's AuditAction does not show it.
   */
  kept?: KeptState;
}

/** The alert-driven policy's memory after one of its changes (scale/policy.ts LoadReference and FloodRecord). */
export interface KeptState {
  reference: {
    perReplica: number;
    fromScaleOut?: boolean;
    aim?: { perReplica: number; upTo: number; fromScaleOut?: boolean };
  } | null;
  flood: { before: number; at: number } | null;
}

/** An action as the log's index holds it: what clients see, plus the policy's kept state. */
export type IndexedAction = AuditAction & { kept?: KeptState };

/** What a caller supplies; the log stamps `v` and `at`. */
export type AuditDraft = Omit<AuditEntry, 'v' | 'at'>;
