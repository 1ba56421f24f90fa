/**
 * The automatic scaling policy: a pure function from (signal, target state, time) to a decision.
 * No I/O, so every rule is testable with plain values:
 * - off unless the target's `ntma.scale.auto` says `dry-run` or `on`;
 * - a resolved alert never acts;
 * - a missing or stale metric, or one without a sample time, holds (in both directions, so missing
 *   data never scales in), and so
 *   does an outage alert (kind `outage`: the series stopped reporting), whatever value it carries;
 * - a cooldown after the last change, then at most `step` replicas per action, clamped to min..max;
 * - an attack-like anomaly never scales out past the attack-aware cap, and not at all once the
 *   target's watched load is back inside its band or carried by the replicas there are at the
 *   per-replica reference (the flood has stopped, though the excursion stays open through its
 *   recovery and the alert keeps firing);
 * - the replicas an attack added come back once the flood is over (`returnFloodReplicas`, from the
 *   periodic evaluation), by the scale-in rules below and never below the count before the flood;
 * - a scale-in needs the target's load (the watchers' reading, fresh, and its highest over the
 *   stabilisation window: 5 minutes, or the cooldown when longer) and a per-replica reference (the load per replica right
 *   after the policy's last change, attack-driven ones excepted): it goes no lower than the count
 *   that carries that highest load at that reference, so a dip below the band while the traffic
 *   stays high never takes away replicas the load needs; without either it holds. A scale-in cut
 *   short by `step` keeps the load per replica it aimed at as the next reference (so the next action
 *   can finish it), unless that load came from a scale-out and no capacity is known (a scale-out may
 *   have lagged the load); any other sets the load now ÷ the new count, and one whose count the
 *   window's highest set above what the load now needs also keeps its aim for a load that stays flat;
 * - no per-replica load a scale-in is held to exceeds what one replica is known to carry (a learned
 *   capacity, `ctx.capacity`), when one is known;
 * - dry-run (shadow) when the target or the sidecar says so: the decision is recorded, not applied.
 */
import type { ScaleSettings } from './labels.js';

export type Direction = 'out' | 'in';

/** One firing (or resolved) alert, mapped to a target. */
export interface AutoSignal {
  target: string;
  direction: Direction;
  firing: boolean;
  /** Excursion kind from the detector (spike, drop, sustained, level_shift, attack_suspected), if given. */
  kind: string | null;
  /** True when the anomaly is classified attack-like (DoS/DDoS). */
  attack: boolean;
  /** Latest value of the alert's metric; null when the alert carried none (no data, query error). */
  value: number | null;
  /** When that value was observed (ms since epoch); null when the alert does not say, which holds. */
  observedAt: number | null;
}

/** The target's load, as the watchers read it (the series whose `ntma_target` is this target). */
export interface LoadReading {
  /** Summed latest value; null when a series had none. */
  value: number | null;
  /** When it was observed (ms since epoch); null when unknown. */
  observedAt: number | null;
  /**
   * The highest value over the stabilisation window (`windowSeconds`) up to now; null when a
   * step of that window had no value or the watcher has not seen the whole window yet.
   */
  windowPeak: number | null;
  windowSeconds: number;
  /**
   * The band's upper bound at the latest step (summed over the series, as the value is); null or
   * absent when unknown (no model yet, a missing step).
   */
  upper?: number | null;
}

/** The load per replica right after the policy's last change (scale-ins are held to it). */
export interface LoadReference {
  perReplica: number;
  /** When that change was decided (ms). */
  at: number;
  /**
   * Set by an organic scale-out, or carried from one: its count may have lagged the load (the load per replica
   * then above what a replica serves), so without a known capacity no scale-in chain is built on it.
   */
  fromScaleOut?: boolean;
  /**
   * Left by a scale-in whose count the window's highest set above what the load then needed: the per-replica
   * load that scale-in was held to, which the next scale-in uses while the window's highest stays at most `upTo`
   * (the load at that scale-in, plus a 10% tolerance). A load that rises past it gets the (lower) `perReplica`.
   */
  aim?: LoadAim;
}

export interface LoadAim {
  perReplica: number;
  upTo: number;
  fromScaleOut?: boolean;
}

/** What one replica is known to carry (a learned capacity): no reference a scale-in uses or keeps exceeds it. */
export interface KnownCapacity {
  perReplica: number;
  /** Where it came from, for the notes. */
  origin: string;
}

/** The tolerance on a window-limited scale-in's load (HPA's 10%): noise around a flat load keeps its aim. */
export const AIM_TOLERANCE = 0.1;

/** The replicas a flood brought: the count before the first attack-driven scale-out of it. */
export interface FloodRecord {
  before: number;
  /** When the last attack-driven scale-out was decided (ms). */
  at: number;
}

export interface PolicyContext {
  /** Desired replicas now. */
  current: number;
  settings: ScaleSettings;
  /** Newest replica change (ms): live ones only, and live or dry-run ones. */
  lastChange: { live: number | null; any: number | null };
  /** The target's load now; null when no watched series carries it. */
  load: LoadReading | null;
  /** The per-replica reference after the last live change, and after the last live or dry-run one. */
  reference: { live: LoadReference | null; any: LoadReference | null };
  /** Replicas added for a flood and not yet given back, after live changes and after live or dry-run ones. */
  flood?: { live: FloodRecord | null; any: FloodRecord | null };
  /** What one replica is known to carry (learned); null or absent: not known. */
  capacity?: KnownCapacity | null;
  now: number;
  staleAfterMs: number;
  /** Attack-aware cap when the target sets none (NTMA_SCALE_ATTACK_MAX). */
  defaultAttackMax: number;
  /** NTMA_SCALE_AUTO_DRY_RUN: every automatic action is a dry-run. */
  forceDryRun: boolean;
}

export type PolicyDecision =
  | {
      kind: 'scale';
      from: number;
      to: number;
      dryRun: boolean;
      notes: string[];
      /** The load per replica after this change, to keep as the next reference; absent when unknown or attack-driven. */
      perReplica?: number;
      /** With perReplica: it was set by an organic scale-out (or carried from one). */
      fromScaleOut?: boolean;
      /** With perReplica: the aim a window-limited scale-in leaves (LoadReference.aim). */
      aim?: LoadAim;
      /** The flood record to keep after this change (null: none is left); absent: unchanged. */
      flood?: FloodRecord | null;
    }
  | {
      kind: 'hold';
      reason: string;
      dryRun: boolean;
      notes: string[];
      /** Why, in one word, for logging a periodic hold only when it changes; absent on alert holds. */
      code?: string;
      /** As on a scale decision: null when the flood record is done with. */
      flood?: FloodRecord | null;
    };

export function decide(signal: AutoSignal, ctx: PolicyContext): PolicyDecision {
  const { current, settings, now } = ctx;
  const { limits } = settings;
  const dryRun = ctx.forceDryRun || settings.auto === 'dry-run';
  const notes: string[] = [];
  const hold = (reason: string): PolicyDecision => ({ kind: 'hold', reason, dryRun, notes });

  if (settings.auto === 'off') return hold('automatic scaling is off for this target (label ntma.scale.auto)');
  if (!signal.firing) return hold('the alert is resolved; resolution never scales');
  if (signal.kind === 'outage') {
    return hold('the series stopped reporting (outage): holding, never scaling on missing data');
  }
  if (signal.value === null || !Number.isFinite(signal.value)) {
    return hold('the metric is missing (the alert carries no value): holding, never scaling on missing data');
  }
  if (signal.observedAt === null) {
    return hold('the alert carries no sample time (ntma_observed_at): holding, never reading a missing time as now');
  }
  const ageMs = now - signal.observedAt;
  if (-ageMs > ctx.staleAfterMs) {
    return hold(`the sample time is ${Math.round(-ageMs / 1000)} s in the future: holding on an unreadable clock`);
  }
  if (ageMs > ctx.staleAfterMs) {
    return hold(
      `the metric is stale (observed ${Math.round(ageMs / 1000)} s ago, limit ${Math.round(ctx.staleAfterMs / 1000)} s): holding`,
    );
  }

  const cooling = cooldownLeft(ctx, dryRun);
  if (cooling !== null) return hold(cooling);

  if (signal.attack) {
    notes.push(`anomaly classified attack-like${signal.kind ? ` (${signal.kind})` : ''}`);
  }
  const reading = freshLoad(ctx);
  const load = reading?.value ?? null;
  // A flood's volume is no demand the fleet is sized for: an attack-driven change keeps the reference.
  const scale = (to: number, flood?: FloodRecord, kept?: Kept): PolicyDecision => {
    const next: Kept | null = kept ?? (load !== null ? { perReplica: load / to, fromScaleOut: true } : null);
    return {
      kind: 'scale',
      from: current,
      to,
      dryRun,
      notes,
      ...(next !== null && !signal.attack && to > 0 ? next : {}),
      ...(flood ? { flood } : {}),
    };
  };

  if (signal.direction === 'out') {
    let ceiling = limits.max;
    let flood: FloodRecord | undefined;
    if (signal.attack) {
      // The alert fires while the attack excursion is open, and it stays open through the recovery
      // after the flood: the load itself says whether there is still a flood to absorb.
      if (reading !== null && reading.upper != null && reading.value <= reading.upper) {
        return hold(
          `the flood has stopped: the load now (${round(reading.value)}) is back inside its band (up to ` +
            `${round(reading.upper)}); an attack alert adds replicas only while the flood goes on`,
        );
      }
      // One noisy organic point above a band still at its pre-flood level is no flood: it must also need
      // more replicas than there are, at the load per replica after the last change.
      const reference = dryRun ? ctx.reference.any : ctx.reference.live;
      const perReplica = reference !== null && reference.perReplica > 0 ? reference : null;
      if (reading !== null && perReplica !== null) {
        const needs = Math.ceil(reading.value / perReplica.perReplica - 1e-9);
        if (needs <= current) {
          return hold(
            `the flood has stopped: the ${current} replicas carry the load now (${round(reading.value)} at ` +
              `${round(perReplica.perReplica)} per replica, the load per replica after the last change); an attack ` +
              'alert adds replicas only while the load needs them',
          );
        }
      }
      const cap = Math.min(limits.max, settings.attackMax ?? ctx.defaultAttackMax);
      notes.push(`attack-aware cap: scale-out limited to ${cap} replicas`);
      if (current >= cap) return hold(`attack-like anomaly: already at the attack-aware cap of ${cap} replicas`);
      ceiling = cap;
      if (ctx.load === null) {
        // Nothing could give them back (a scale-in needs the load), so nothing is recorded to give back.
        notes.push(
          'no watched series carries the target: whether the flood goes on cannot be told, and the replicas it ' +
            'adds are not given back automatically',
        );
      } else {
        if (reading === null || (reading.upper == null && perReplica === null)) {
          notes.push(
            'no fresh load reading, with its band or a per-replica load, for the target: whether the flood goes on ' +
              'cannot be told; the replicas it adds come back once the load can be read',
          );
        }
        flood = { before: floodOf(ctx, dryRun)?.before ?? current, at: now };
      }
    }
    if (current >= ceiling) return hold(`already at max ${ceiling} replicas`);
    const to = Math.min(current + limits.step, ceiling);
    if (to < current + limits.step) notes.push(`step clamped to ${ceiling === limits.max ? 'max' : 'cap'} ${ceiling}`);
    return scale(to, flood);
  }

  if (current <= limits.min) return hold(`already at min ${limits.min} replicas`);
  const lower = lowerToLoad(ctx, reading, dryRun, { count: limits.min, what: `min ${limits.min}` }, notes);
  if (!('to' in lower)) return hold(lower.reason);
  const { to, ...kept } = lower;
  return scale(to, undefined, kept);
}

/**
 * The periodic counterpart of an attack alert: gives back the replicas attack alerts added, once the
 * flood is over. Over means what a scale-in needs anyway: a fresh load back inside its band, a fully
 * observed window (5 minutes, or the cooldown when longer) whose highest load the remaining replicas
 * carry at the per-replica reference (which attack-driven changes leave as it was before the flood),
 * after the cooldown, at most `step` per action, and never below the count before the flood (nor min).
 */
export function returnFloodReplicas(ctx: PolicyContext): PolicyDecision {
  const { current, settings } = ctx;
  const dryRun = ctx.forceDryRun || settings.auto === 'dry-run';
  const notes: string[] = [];
  const hold = (code: string, reason: string, flood?: null): PolicyDecision => ({
    kind: 'hold',
    code,
    reason,
    dryRun,
    notes,
    ...(flood === null ? { flood } : {}),
  });
  if (settings.auto === 'off') return hold('off', 'automatic scaling is off for this target (label ntma.scale.auto)');
  const flood = floodOf(ctx, dryRun);
  if (flood === null) return hold('none', 'no replicas added for a flood to give back');
  const lowest = Math.max(settings.limits.min, flood.before);
  if (current <= lowest) {
    return hold('done', `no replicas of the flood left: ${current} now, ${flood.before} before it`, null);
  }
  const cooling = cooldownLeft(ctx, dryRun);
  if (cooling !== null) return hold('cooldown', cooling);
  const reading = freshLoad(ctx);
  if (reading !== null && reading.upper != null && reading.value > reading.upper) {
    return hold(
      'flood',
      `the flood goes on: the load now (${round(reading.value)}) is above its band (up to ${round(reading.upper)})`,
    );
  }
  notes.push(`giving back the replicas added for a flood (${flood.before} before it)`);
  const what = lowest === flood.before ? `the ${flood.before} replicas before the flood` : `min ${lowest}`;
  const lower = lowerToLoad(ctx, reading, dryRun, { count: lowest, what }, notes);
  if (!('to' in lower)) return hold(lower.code, lower.reason);
  const { to, ...kept } = lower;
  return { kind: 'scale', from: current, to, dryRun, notes, ...kept, ...(to <= lowest ? { flood: null } : {}) };
}

/** The reference a decision leaves for the next scale-in (the scaler and the bench keep it); undefined: unchanged. */
export function referenceAfter(decision: PolicyDecision, at: number): LoadReference | undefined {
  if (decision.kind !== 'scale' || decision.perReplica === undefined) return undefined;
  const { perReplica, fromScaleOut, aim } = decision;
  return { perReplica, at, ...(fromScaleOut ? { fromScaleOut } : {}), ...(aim ? { aim } : {}) };
}

/** The cooldown's hold reason, or null once it is over (a dry-run counts dry-run changes too). */
function cooldownLeft(ctx: PolicyContext, dryRun: boolean): string | null {
  // A shadow run is held back by earlier shadow decisions too, so its trace looks like live would.
  const lastChange = dryRun ? ctx.lastChange.any : ctx.lastChange.live;
  const { cooldownSeconds } = ctx.settings.limits;
  const cooldownMs = cooldownSeconds * 1000;
  if (lastChange === null || ctx.now - lastChange >= cooldownMs) return null;
  const left = Math.ceil((cooldownMs - (ctx.now - lastChange)) / 1000);
  return `cooldown: ${left} s left of ${cooldownSeconds} s since the last change`;
}

function floodOf(ctx: PolicyContext, dryRun: boolean): FloodRecord | null {
  return (dryRun ? ctx.flood?.any : ctx.flood?.live) ?? null;
}

/** The reference a scale-in leaves for the next one. */
type Kept = { perReplica: number; fromScaleOut?: boolean; aim?: LoadAim };

/** The per-replica load a scale-in is held to, with where it came from. */
interface Basis {
  perReplica: number;
  fromScaleOut: boolean;
  what: string;
}

/**
 * The per-replica load this scale-in is held to: the reference, or the aim a window-limited scale-in left while
 * the load has stayed within it, never above a known capacity.
 */
function basisOf(ctx: PolicyContext, reference: LoadReference, highest: number, notes: string[]): Basis {
  const aim = reference.aim;
  const basis: Basis =
    aim !== undefined && aim.perReplica > reference.perReplica && highest <= aim.upTo
      ? {
          perReplica: aim.perReplica,
          fromScaleOut: aim.fromScaleOut === true,
          what: `the load per replica the last scale-in was held to, the load having stayed at or below ${round(aim.upTo)}`,
        }
      : {
          perReplica: reference.perReplica,
          fromScaleOut: reference.fromScaleOut === true,
          what: 'the load per replica after the last change',
        };
  const capacity = ctx.capacity;
  if (capacity != null && capacity.perReplica > 0 && capacity.perReplica < basis.perReplica) {
    notes.push(
      `per-replica load capped at the capacity one replica is known to carry: ${round(capacity.perReplica)} ` +
        `(${capacity.origin}), not ${round(basis.perReplica)} (${basis.what})`,
    );
    return { perReplica: capacity.perReplica, fromScaleOut: false, what: 'the capacity one replica is known to carry' };
  }
  return basis;
}

/**
 * The count a scale-in may go to: one step, never below `lowest`, and never below the fewest
 * replicas that carry the highest load of the window at no more per replica than right after the
 * last change (or than a known capacity); with the reference to keep after it. Without a fresh reading, a fully
 * observed window or that reference: why it holds.
 */
function lowerToLoad(
  ctx: PolicyContext,
  reading: FreshLoad | null,
  dryRun: boolean,
  lowest: { count: number; what: string },
  notes: string[],
): ({ to: number } & Kept) | { code: string; reason: string } {
  const { current } = ctx;
  const { step } = ctx.settings.limits;
  if (reading === null) {
    return {
      code: 'blind',
      reason: 'no fresh load reading for the target (no watched series with its ntma_target): never scaling in blind',
    };
  }
  const { windowPeak: peak, windowSeconds } = reading;
  if (peak === null || !Number.isFinite(peak)) {
    return {
      code: 'window',
      reason: `the load over the last ${windowSeconds} s is not fully observed (a missing step, or the watcher is new): never scaling in blind`,
    };
  }
  const reference = dryRun ? ctx.reference.any : ctx.reference.live;
  if (reference === null || !(reference.perReplica > 0)) {
    return {
      code: 'reference',
      reason:
        'no per-replica load known from a change of this policy (none since the sidecar started): never scaling in blind',
    };
  }
  const highest = Math.max(peak, reading.value);
  const basis = basisOf(ctx, reference, highest, notes);
  const carries = Math.ceil(highest / basis.perReplica - 1e-9);
  const at = `load up to ${round(highest)} over the last ${windowSeconds} s at ${round(basis.perReplica)} per replica (${basis.what})`;
  if (carries >= current) return { code: 'load', reason: `${at} needs ${carries} replicas: holding at ${current}` };
  const floor = Math.max(current - step, lowest.count);
  const to = Math.max(floor, carries);
  if (carries > floor) notes.push(`step limited by the load: ${at} needs ${carries}`);
  else if (to > current - step) notes.push(`step clamped to ${lowest.what}`);
  const ratchet: Kept = { perReplica: reading.value / to };
  // The load per replica this scale-in aimed at: the window's highest ÷ the count that carries it, at most the basis.
  const aimed = carries > 0 ? Math.min(basis.perReplica, highest / carries) : basis.perReplica;
  const from = basis.fromScaleOut ? { fromScaleOut: true } : {};
  if (to > carries && to > lowest.count) {
    // Cut short by the step alone, it keeps the load per replica it aimed at, so the next action can finish it at
    // the same load (ref24). Not on a basis from a scale-out without a known capacity: that scale-out may have
    // lagged the load, and a chain built on it would walk the fleet below what the load needs (scl25).
    if (basis.fromScaleOut) {
      notes.push(
        'no capacity known and the per-replica load comes from a scale-out, which may have lagged the load: ' +
          'the next scale-in is held to the load now per replica, not to this aim',
      );
      return { to, ...ratchet };
    }
    return { to, perReplica: aimed };
  }
  // Got to the count the window's highest needs, or to the lowest: the load now ÷ the new count (alr23's ratchet,
  // the margin that keeps a reference from a lagging scale-out out of a falling load). When the window's highest
  // set that count above what the load now needs, the per-replica load it was held to is kept beside it as the aim
  // for a load that stays flat (scl25). Not the window's highest ÷ the count: that is below the basis by up to a
  // replica's share, and at a flat load it can ask for the count just reached again (13.4 ÷ 2 = 6.7 for a flat 8).
  const needsNow = Math.ceil(reading.value / basis.perReplica - 1e-9);
  if (carries > floor && needsNow < to && basis.perReplica > ratchet.perReplica) {
    const upTo = reading.value * (1 + AIM_TOLERANCE);
    return { to, ...ratchet, aim: { perReplica: basis.perReplica, upTo, ...from } };
  }
  return { to, ...ratchet };
}

const round = (value: number): number => Math.round(value * 10) / 10;

type FreshLoad = LoadReading & { value: number };

/** The watchers' load reading when its value is a number observed within the stale limit, else null. */
function freshLoad(ctx: PolicyContext): FreshLoad | null {
  const { load: reading, now } = ctx;
  if (reading === null || reading.value === null || !Number.isFinite(reading.value) || reading.value < 0) return null;
  if (reading.observedAt === null || Math.abs(now - reading.observedAt) > ctx.staleAfterMs) return null;
  return { ...reading, value: reading.value };
}
