/**
 * The predictive, capacity-aware policy: a pure function from what the watcher knows now (the
 * latest value, the forecast ahead, the anomaly state) and the target's capacity model to a
 * replica count. No I/O and no clock of its own, so every rule is a table test:
 *
 * - demand to plan for = the highest upper bound of the forecast over the lead time (a new
 *   replica must be serving when the peak arrives), or, when the latest value is above it and the
 *   traffic is organic (a surge the model did not foresee), that value plus its rise per step
 *   carried over the lead time: the surge is served, ahead of where it will be;
 * - while the anomaly looks like an attack, the latest value is NOT demand (the flood is not
 *   planned for: only the forecast counts) and scale-out never passes the attack-aware cap; nor
 *   does the target scale in while one is open;
 * - desired = ceil(demand / (capacity per replica x target utilisation)), within min..max, at most
 *   `step` per action, after the cooldown;
 * - scale-in only after the stabilisation window since the last change, and only when both the
 *   forecast over the next window and the values seen over the last one stay below the capacity
 *   of fewer replicas with a hysteresis margin, so a count does not flap around a boundary;
 * - missing, stale or incomplete data holds, in both directions;
 * - dry-run (shadow) when the target or the sidecar says so.
 */
import type { CapacityModel } from './capacity.js';
import type { ScaleSettings } from './labels.js';
import type { LiveDemand } from '../watch/demand.js';

/** Scale in only when demand fits `current - 1` replicas with this share of their capacity to spare. */
export const SCALE_IN_HYSTERESIS = 0.1;

/**
 * The target's demand series as the watcher sees it at the moment of deciding (LiveDemand, read from
 * the watchers), with what the evaluator's own history adds.
 */
export interface DemandView extends LiveDemand {
  /**
   * Highest organic value seen over the last stabilisation window, or null when that window is not
   * fully covered by fresh samples (the evaluator's history); attack-suspected points are left out.
   */
  recentPeak: number | null;
  /** The value one watcher step before `actual`, null when unknown; a rising surge is extrapolated from it. */
  previous: number | null;
}

export interface PredictiveInput {
  now: number;
  /** Desired replicas now. */
  current: number;
  settings: ScaleSettings;
  demand: DemandView | null;
  /** Newest replica change (ms): live ones only, and live or dry-run ones. */
  lastChange: { live: number | null; any: number | null };
  /** Older samples than this hold. */
  staleAfterMs: number;
  /** NTMA_SCALE_ATTACK_MAX, for targets without ntma.scale.attack-max. */
  defaultAttackMax: number;
  /** NTMA_SCALE_AUTO_DRY_RUN. */
  forceDryRun: boolean;
}

/** Everything a decision was made from; written to the audit log and shown by GET /api/v1/targets. */
export interface DecisionInputs {
  source?: string;
  actual: number | null;
  /** Highest upper bound of the forecast over the lead time (scale-out horizon). */
  forecastPeak: number | null;
  /** Highest upper bound over the stabilisation window (scale-in horizon). */
  forecastPeakWindow: number | null;
  recentPeak: number | null;
  /** The demand planned for, after the anomaly rules. */
  demand: number | null;
  capacity: { perReplica: number; utilisation: number; leadSeconds: number; stabilisationSeconds: number } | null;
  /** ceil(demand / (perReplica x utilisation)) before limits. */
  desired: number | null;
  bounds: { min: number; max: number; step: number; cooldownSeconds: number; attackCap: number };
  anomaly: { kind: string | null; attack: boolean };
}

export type PredictiveDecision = {
  dryRun: boolean;
  /** Why, in one sentence. */
  reason: string;
  /** A stable name for the reason (e.g. `stale`, `cooldown`), so repeated holds can be recognised. */
  code: string;
  notes: string[];
  inputs: DecisionInputs;
} & ({ kind: 'scale'; from: number; to: number } | { kind: 'hold' });

function maxOf(values: readonly number[], count: number): number | null {
  let best: number | null = null;
  for (let k = 0; k < Math.min(count, values.length); k++) {
    const v = values[k]!;
    if (Number.isFinite(v) && (best === null || v > best)) best = v;
  }
  return best;
}

function replicasFor(demand: number, capacity: CapacityModel, margin = 0): number {
  return Math.ceil(demand / (capacity.perReplica * capacity.utilisation * (1 - margin)) - 1e-9);
}

export function decide(input: PredictiveInput): PredictiveDecision {
  const { settings, current, now, demand } = input;
  const { limits, capacity } = settings;
  const dryRun = input.forceDryRun || settings.auto === 'dry-run';
  const attackCap = Math.min(limits.max, settings.attackMax ?? input.defaultAttackMax);
  const notes: string[] = [];
  const inputs: DecisionInputs = {
    actual: demand?.actual ?? null,
    forecastPeak: null,
    forecastPeakWindow: null,
    recentPeak: demand?.recentPeak ?? null,
    demand: null,
    capacity: capacity
      ? {
          perReplica: capacity.perReplica,
          utilisation: capacity.utilisation,
          leadSeconds: capacity.leadSeconds,
          stabilisationSeconds: capacity.stabilisationSeconds,
        }
      : null,
    desired: null,
    bounds: { ...limits, attackCap },
    anomaly: { kind: demand?.kind ?? null, attack: demand?.attack ?? false },
  };
  if (demand) inputs.source = demand.source;
  const hold = (code: string, reason: string): PredictiveDecision => ({
    kind: 'hold',
    code,
    reason,
    dryRun,
    notes,
    inputs,
  });

  if (settings.auto === 'off') return hold('off', 'automatic scaling is off for this target (label ntma.scale.auto)');
  if (!capacity) {
    return hold('no_capacity', 'no capacity model (label ntma.scale.capacity): holding rather than guessing');
  }
  if (!demand) return hold('no_series', 'no watched series carries this target’s demand: holding');
  if (demand.actual === null || demand.observedAt === null || !Number.isFinite(demand.actual)) {
    return hold('missing', 'the demand series has no current sample: holding, never scaling on missing data');
  }
  const age = now - demand.observedAt;
  if (age > input.staleAfterMs) {
    return hold(
      'stale',
      `the demand series is stale (last sample ${Math.round(age / 1000)} s ago, limit ${Math.round(input.staleAfterMs / 1000)} s): holding`,
    );
  }
  const leadSteps = Math.max(1, Math.ceil(capacity.leadSeconds / demand.stepSeconds));
  const windowSteps = Math.max(1, Math.ceil(capacity.stabilisationSeconds / demand.stepSeconds));
  const forecastPeak = maxOf(demand.forecast.upper, leadSteps);
  inputs.forecastPeak = forecastPeak;
  inputs.forecastPeakWindow = maxOf(demand.forecast.upper, Math.max(leadSteps, windowSteps));
  if (forecastPeak === null) {
    return hold('no_forecast', 'no forecast yet for the demand series (its model is warming up): holding');
  }

  // The flood is not demand: while an attack is suspected only the forecast counts.
  let planned = demand.attack ? forecastPeak : Math.max(forecastPeak, demand.actual);
  if (demand.attack) notes.push(`attack suspected: the current ${round(demand.actual)} is not counted as demand`);
  else if (demand.actual > forecastPeak) {
    // A surge the model did not foresee: served, and ahead of it by its own rise over the lead time.
    const rise = demand.previous === null ? 0 : demand.actual - demand.previous;
    planned = demand.actual + Math.max(0, rise) * leadSteps;
    notes.push(
      rise > 0
        ? `serving a surge above the forecast (${round(demand.actual)}, rising ${round(rise)} per step: planning ${round(planned)})`
        : `serving a surge above the forecast (${round(demand.actual)})`,
    );
  }
  inputs.demand = planned;
  const desired = replicasFor(planned, capacity);
  inputs.desired = desired;

  const ceiling = demand.attack ? attackCap : limits.max;
  const target = Math.max(limits.min, Math.min(desired, ceiling));
  const lastChange = dryRun ? input.lastChange.any : input.lastChange.live;
  const sinceChange = lastChange === null ? Number.POSITIVE_INFINITY : now - lastChange;

  if (target > current) {
    if (sinceChange < limits.cooldownSeconds * 1000) {
      const left = Math.ceil((limits.cooldownSeconds * 1000 - sinceChange) / 1000);
      return hold('cooldown', `wants ${target} replicas, cooldown: ${left} s left of ${limits.cooldownSeconds} s`);
    }
    if (desired > ceiling) {
      notes.push(demand.attack ? `attack-aware cap: limited to ${attackCap}` : `limited to max ${limits.max}`);
    }
    const to = Math.min(target, current + limits.step);
    if (to < target) notes.push(`step: ${current} -> ${to} of ${target} wanted`);
    return {
      kind: 'scale',
      code: 'out',
      from: current,
      to,
      dryRun,
      notes,
      inputs,
      reason: `forecast demand ${round(planned)} needs ${desired} replicas of ${capacity.perReplica} at ${capacity.utilisation * 100}%: scale out ${current} -> ${to}`,
    };
  }
  if (desired > current && current >= ceiling) {
    return demand.attack
      ? hold('attack_cap', `attack suspected: wants ${desired} replicas, held at the attack-aware cap of ${attackCap}`)
      : hold('at_max', `wants ${desired} replicas, already at max ${limits.max}`);
  }
  if (target >= current) {
    return hold('steady', `forecast demand ${round(planned)} needs ${desired} replicas; ${current} is right`);
  }

  // Scale in: only when the window ahead and the window behind both fit fewer replicas, with margin.
  if (demand.attack)
    return hold('attack', 'attack suspected: never scaling in while an excursion looks like an attack');
  if (sinceChange < capacity.stabilisationSeconds * 1000 || sinceChange < limits.cooldownSeconds * 1000) {
    const wait = Math.max(capacity.stabilisationSeconds, limits.cooldownSeconds) * 1000;
    return hold(
      'stabilising',
      `would scale in to ${target}; stabilisation: ${Math.ceil((wait - sinceChange) / 1000)} s left since the last change`,
    );
  }
  if (demand.recentPeak === null) {
    return hold(
      'window_incomplete',
      `would scale in to ${target}; the last ${capacity.stabilisationSeconds} s are not fully observed yet`,
    );
  }
  const inDemand = Math.max(inputs.forecastPeakWindow ?? forecastPeak, demand.recentPeak, planned);
  const inTarget = Math.max(limits.min, replicasFor(inDemand, capacity, SCALE_IN_HYSTERESIS));
  if (inTarget >= current) {
    return hold(
      'hysteresis',
      `demand over the stabilisation window reaches ${round(inDemand)}, too close to what ${current - 1} replicas serve: holding`,
    );
  }
  const to = Math.max(inTarget, current - limits.step);
  if (to > inTarget) notes.push(`step: ${current} -> ${to} of ${inTarget} wanted`);
  return {
    kind: 'scale',
    code: 'in',
    from: current,
    to,
    dryRun,
    notes,
    inputs,
    reason: `demand over the next and last ${capacity.stabilisationSeconds} s stays at or below ${round(inDemand)}, which ${inTarget} replicas serve: scale in ${current} -> ${to}`,
  };
}

function round(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
