/**
 * The predictive, capacity-aware policy: a pure function from what the watcher knows now (the
 * latest value, the forecast ahead, the anomaly state) and the target's capacity model to a
 * replica count. No I/O and no clock of its own, so every rule is a table test:
 *
 * - two demands over the lead time (a new replica must be serving when the peak arrives): the
 *   expected one, the highest forecast mean, is planned at the target utilisation; the possible one,
 *   the highest upper bound, must fit the replicas' full capacity. Utilisation below 1 is headroom
 *   for the forecast's error already: planning the upper bound at it too would count that error
 *   twice, and a band widened by a recent surge or a model that runs high after a refit would buy
 *   replicas nothing needs (the bench measured it: a third more replica-hours than a reactive HPA);
 * - when the latest value is above the upper bound, the detector has opened an excursion on it and
 *   the traffic is organic (a surge the model did not foresee), the expected demand is that value
 *   plus its rise per step carried over the lead time: the surge is served, ahead of where it will
 *   be. A lone point above the band (one in forty of them, at 95%) is served as it is, not
 *   extrapolated: its "rise" is noise;
 * - while the anomaly looks like an attack, the latest value is NOT demand (the flood is not
 *   planned for: only the forecast counts) and scale-out never passes the attack-aware cap; nor
 *   does the target scale in while one is open;
 * - desired = max(ceil(expected / (capacity per replica x target utilisation)),
 *   ceil(upper bound / capacity per replica)), within min..max, at most `step` per action, after
 *   the cooldown; a count that serves the expected demand within TOLERANCE of the target
 *   utilisation (and the upper bound at full capacity) is kept, as HPA keeps it;
 * - scale-in only after the stabilisation window since the last change, and only when the forecast
 *   over the next window and the values seen over the last one fit fewer replicas by the same two
 *   rules and fall below the tolerance, so a count does not flap around a boundary;
 * - the forecast is taken at the level the traffic is at: when its one-step errors over the last
 *   steps show a bias that stands out from their noise (forecast-bias.ts: a model refitted over a
 *   surge can run 20% high for hours, inside its own wide band), the whole outlook is moved by that
 *   bias before it is planned on; its shape, and so a peak ahead, is kept;
 * - missing, stale or incomplete data holds, in both directions;
 * - dry-run (shadow) when the target or the sidecar says so.
 */
import type { CapacityModel } from './capacity.js';
import type { ForecastBias } from './forecast-bias.js';
import type { ScaleSettings } from './labels.js';
import type { LiveDemand } from '../watch/demand.js';

/**
 * Kubernetes' HPA tolerance (its default, 10%): a count whose load is within this share of the target
 * utilisation is right, in both directions, so the count does not move on noise around a boundary.
 * It stretches only the target utilisation: the upper bound must still fit full capacity.
 */
export const TOLERANCE = 0.1;

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
  /**
   * The forecast's recent bias (median of value - one-step forecast over the last organic samples),
   * null when unknown or within the noise (forecast-bias.ts). Negative: the forecast has run high.
   */
  forecastBias?: ForecastBias | null;
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
  /** Highest mean of the forecast over the lead time: the expected demand, before the anomaly rules. */
  forecastMean: number | null;
  recentPeak: number | null;
  /** The recent bias the forecast was moved by (value - forecast: negative when it ran high); null: none. */
  forecastBias?: number | null;
  /** The expected demand planned at the target utilisation, after the anomaly rules. */
  demand: number | null;
  capacity: {
    perReplica: number;
    utilisation: number;
    leadSeconds: number;
    stabilisationSeconds: number;
    /** Where perReplica came from: the label, or the history window it was learned from (or why not). */
    origin?: string;
  } | null;
  /** max(ceil(demand / (perReplica x utilisation)), ceil(forecastPeak / perReplica)) before limits. */
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

/** Replicas that serve `demand` at `utilisation` of their capacity, with `margin` of it to spare. */
function replicasAt(demand: number, perReplica: number, utilisation: number, margin = 0): number {
  return Math.ceil(demand / (perReplica * utilisation * (1 - margin)) - 1e-9);
}

/** The expected demand at the target utilisation, the possible one (an upper bound) at full capacity. */
function replicasFor(expected: number, possible: number, capacity: CapacityModel, margin = 0): number {
  return Math.max(
    replicasAt(expected, capacity.perReplica, capacity.utilisation, margin),
    replicasAt(possible, capacity.perReplica, 1, margin),
  );
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
    forecastMean: null,
    recentPeak: demand?.recentPeak ?? null,
    forecastBias: null,
    demand: null,
    capacity: capacity
      ? {
          perReplica: capacity.perReplica,
          utilisation: capacity.utilisation,
          leadSeconds: capacity.leadSeconds,
          stabilisationSeconds: capacity.stabilisationSeconds,
          ...(capacity.origin !== undefined ? { origin: capacity.origin } : {}),
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
  if (!(capacity.perReplica > 0)) {
    return hold('no_capacity', `capacity ${capacity.origin ?? 'not learned'}: holding rather than guessing`);
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
  // The outlook at the traffic's level: a bias that stands out moves it, never below zero.
  const bias = demand.forecastBias ?? null;
  inputs.forecastBias = bias === null ? null : bias.bias;
  const forecast =
    bias === null
      ? demand.forecast
      : {
          mean: demand.forecast.mean.map((v) => Math.max(0, v + bias.bias)),
          upper: demand.forecast.upper.map((v) => Math.max(0, v + bias.bias)),
        };
  if (bias !== null && forecast.upper.length > 0) {
    notes.push(
      `forecast moved by ${bias.bias > 0 ? '+' : ''}${round(bias.bias)}: it ran ${bias.bias < 0 ? 'above' : 'below'} the last ${bias.samples} values by that much (noise ${round(bias.sigma)})`,
    );
  }
  const leadSteps = Math.max(1, Math.ceil(capacity.leadSeconds / demand.stepSeconds));
  const windowSteps = Math.max(1, Math.ceil(capacity.stabilisationSeconds / demand.stepSeconds));
  const forecastPeak = maxOf(forecast.upper, leadSteps);
  inputs.forecastPeak = forecastPeak;
  const windowPeak = maxOf(forecast.upper, Math.max(leadSteps, windowSteps));
  inputs.forecastPeakWindow = windowPeak;
  if (forecastPeak === null) {
    return hold('no_forecast', 'no forecast yet for the demand series (its model is warming up): holding');
  }
  // A forecast without a mean (none of ours) is planned on its upper bound: never less than before.
  const forecastMean = Math.min(maxOf(forecast.mean, leadSteps) ?? forecastPeak, forecastPeak);
  inputs.forecastMean = forecastMean;

  // The flood is not demand: while an attack is suspected only the forecast counts. The actual
  // counts at the target utilisation whenever it is above the expected demand.
  let planned = demand.attack ? forecastMean : Math.max(forecastMean, demand.actual);
  let possible = forecastPeak;
  if (demand.attack) notes.push(`attack suspected: the current ${round(demand.actual)} is not counted as demand`);
  else if (demand.actual > forecastPeak && demand.kind !== null) {
    // A surge the model did not foresee: served, and ahead of it by its own rise over the lead time.
    const rise = demand.previous === null ? 0 : demand.actual - demand.previous;
    planned = demand.actual + Math.max(0, rise) * leadSteps;
    possible = planned;
    notes.push(
      rise > 0
        ? `serving a surge above the forecast (${round(demand.actual)}, rising ${round(rise)} per step: planning ${round(planned)})`
        : `serving a surge above the forecast (${round(demand.actual)})`,
    );
  }
  inputs.demand = planned;
  const desired = replicasFor(planned, possible, capacity);
  inputs.desired = desired;

  const ceiling = demand.attack ? attackCap : limits.max;
  const target = Math.max(limits.min, Math.min(desired, ceiling));
  const lastChange = dryRun ? input.lastChange.any : input.lastChange.live;
  const sinceChange = lastChange === null ? Number.POSITIVE_INFINITY : now - lastChange;

  // Enough already: the expected demand within the tolerance of the target, the upper bound at full capacity.
  const tolerated = Math.min(1, capacity.utilisation * (1 + TOLERANCE));
  const enough =
    current >= replicasAt(planned, capacity.perReplica, tolerated) &&
    current >= replicasAt(possible, capacity.perReplica, 1);
  if (target > current && !enough) {
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
      reason: `${explainDesire(planned, possible, desired, capacity)}: scale out ${current} -> ${to}`,
    };
  }
  if (desired > current && current >= ceiling) {
    return demand.attack
      ? hold('attack_cap', `attack suspected: wants ${desired} replicas, held at the attack-aware cap of ${attackCap}`)
      : hold('at_max', `wants ${desired} replicas, already at max ${limits.max}`);
  }
  if (target > current) {
    return hold(
      'tolerance',
      `${explainDesire(planned, possible, desired, capacity)}; ${current} serve it within the ${TOLERANCE * 100}% tolerance: holding`,
    );
  }
  if (target >= current) {
    return hold('steady', `${explainDesire(planned, possible, desired, capacity)}; ${current} is right`);
  }

  // Scale in: only when the window ahead and the window behind both fit fewer replicas, beyond the tolerance.
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
  const meanWindow = Math.min(
    maxOf(forecast.mean, Math.max(leadSteps, windowSteps)) ?? Infinity,
    windowPeak ?? forecastPeak,
  );
  const inExpected = Math.max(Number.isFinite(meanWindow) ? meanWindow : forecastPeak, demand.recentPeak, planned);
  const inPossible = Math.max(windowPeak ?? forecastPeak, possible);
  const inTarget = Math.max(limits.min, replicasFor(inExpected, inPossible, capacity));
  const inTolerance = inExpected >= current * capacity.perReplica * capacity.utilisation * (1 - TOLERANCE);
  if (inTarget >= current || inTolerance) {
    return hold(
      'hysteresis',
      `demand over the stabilisation window reaches ${round(inExpected)} expected, ${round(inPossible)} at most: ${
        inTarget >= current ? `${current - 1} replicas would not serve it` : `within the ${TOLERANCE * 100}% tolerance`
      }: holding`,
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
    reason: `demand over the next and last ${capacity.stabilisationSeconds} s stays at or below ${round(inExpected)} expected, ${round(inPossible)} at most, which ${inTarget} replicas serve: scale in ${current} -> ${to}`,
  };
}

function explainDesire(expected: number, possible: number, desired: number, capacity: CapacityModel): string {
  const { perReplica, utilisation } = capacity;
  return `forecast demand ${round(expected)} (at most ${round(possible)}) needs ${desired} replicas of ${perReplica} at ${utilisation * 100}% (${perReplica} at most)`;
}

function round(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
