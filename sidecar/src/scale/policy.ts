/**
 * The automatic scaling policy: a pure function from (signal, target state, time) to a decision.
 * No I/O, so every rule is testable with plain values:
 * - off unless the target's `ntma.scale.auto` says `dry-run` or `on`;
 * - a resolved alert never acts;
 * - a missing or stale metric, or one without a sample time, holds (in both directions, so missing
 *   data never scales in), and so
 *   does an outage alert (kind `outage`: the series stopped reporting), whatever value it carries;
 * - a cooldown after the last change, then at most `step` replicas per action, clamped to min..max;
 * - an attack-like anomaly never scales out past the attack-aware cap;
 * - a scale-in needs the target's load (the watchers' reading, fresh, and its highest over the
 *   stabilisation window: 5 minutes, or the cooldown when longer) and a per-replica reference (the load per replica right
 *   after the policy's last change, attack-driven ones excepted): it goes no lower than the count
 *   that carries that highest load at that reference, so a dip below the band while the traffic
 *   stays high never takes away replicas the load needs; without either it holds;
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
}

/** The load per replica right after the policy's last change (scale-ins are held to it). */
export interface LoadReference {
  perReplica: number;
  /** When that change was decided (ms). */
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
    }
  | { kind: 'hold'; reason: string; dryRun: boolean; notes: string[] };

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

  // A shadow run is held back by earlier shadow decisions too, so its trace looks like live would.
  const lastChange = dryRun ? ctx.lastChange.any : ctx.lastChange.live;
  const cooldownMs = limits.cooldownSeconds * 1000;
  if (lastChange !== null && now - lastChange < cooldownMs) {
    const left = Math.ceil((cooldownMs - (now - lastChange)) / 1000);
    return hold(`cooldown: ${left} s left of ${limits.cooldownSeconds} s since the last change`);
  }

  if (signal.attack) {
    notes.push(`anomaly classified attack-like${signal.kind ? ` (${signal.kind})` : ''}`);
  }
  const reading = freshLoad(ctx);
  const load = reading?.value ?? null;
  // A flood's volume is no demand the fleet is sized for: an attack-driven change keeps the reference.
  const scale = (to: number): PolicyDecision => ({
    kind: 'scale',
    from: current,
    to,
    dryRun,
    notes,
    ...(load !== null && !signal.attack && to > 0 ? { perReplica: load / to } : {}),
  });

  if (signal.direction === 'out') {
    let ceiling = limits.max;
    if (signal.attack) {
      const cap = Math.min(limits.max, settings.attackMax ?? ctx.defaultAttackMax);
      notes.push(`attack-aware cap: scale-out limited to ${cap} replicas`);
      if (current >= cap) return hold(`attack-like anomaly: already at the attack-aware cap of ${cap} replicas`);
      ceiling = cap;
    }
    if (current >= ceiling) return hold(`already at max ${ceiling} replicas`);
    const to = Math.min(current + limits.step, ceiling);
    if (to < current + limits.step) notes.push(`step clamped to ${ceiling === limits.max ? 'max' : 'cap'} ${ceiling}`);
    return scale(to);
  }

  if (current <= limits.min) return hold(`already at min ${limits.min} replicas`);
  if (reading === null) {
    return hold(
      'no fresh load reading for the target (no watched series with its ntma_target): never scaling in blind',
    );
  }
  const { windowPeak: peak, windowSeconds } = reading;
  if (peak === null || !Number.isFinite(peak)) {
    return hold(
      `the load over the last ${windowSeconds} s is not fully observed (a missing step, or the watcher is new): never scaling in blind`,
    );
  }
  const reference = dryRun ? ctx.reference.any : ctx.reference.live;
  if (reference === null || !(reference.perReplica > 0)) {
    return hold(
      'no per-replica load known from a change of this policy (none since the sidecar started): never scaling in blind',
    );
  }
  // The fewest replicas that carry the window's highest load at no more per replica than right after the last change.
  const highest = Math.max(peak, reading.value);
  const carries = Math.ceil(highest / reference.perReplica - 1e-9);
  const at =
    `load up to ${round(highest)} over the last ${windowSeconds} s at ${round(reference.perReplica)} ` +
    'per replica (the load per replica after the last change)';
  if (carries >= current) return hold(`${at} needs ${carries} replicas: holding at ${current}`);
  const floor = Math.max(current - limits.step, limits.min);
  const to = Math.max(floor, carries);
  if (carries > floor) notes.push(`step limited by the load: ${at} needs ${carries}`);
  else if (to > current - limits.step) notes.push(`step clamped to min ${limits.min}`);
  return scale(to);
}

const round = (value: number): number => Math.round(value * 10) / 10;

/** The watchers' load reading when its value is a number observed within the stale limit, else null. */
function freshLoad(ctx: PolicyContext): (LoadReading & { value: number }) | null {
  const { load: reading, now } = ctx;
  if (reading === null || reading.value === null || !Number.isFinite(reading.value) || reading.value < 0) return null;
  if (reading.observedAt === null || Math.abs(now - reading.observedAt) > ctx.staleAfterMs) return null;
  return { ...reading, value: reading.value };
}
