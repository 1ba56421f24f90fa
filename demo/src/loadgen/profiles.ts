/**
 * The traffic the generator plays, as pure functions of time so they can be tested with plain
 * numbers. Two profiles:
 * - `normal`: a diurnal day compressed into `periodSeconds`, quiet at night and peaking in the
 *   afternoon, with a population of sources that grows and shrinks with the load (organic traffic:
 *   more users, not more requests per user);
 * - `attack`: first a request flood from many pseudo-sources (DDoS-like: the source count jumps),
 *   then a small-packet flood (one tiny request per new TCP connection: packets and connection
 *   opens rise much faster than bytes), then back to normal.
 */

export type ProfileName = 'normal' | 'attack';
export type Stage = 'normal' | 'flood' | 'small-packet';
/** `keep-alive`: pooled HTTP requests for a page; `tiny-connection`: a new TCP connection per tiny request. */
export type Transport = 'keep-alive' | 'tiny-connection';

export interface NormalProfile {
  /** Length of one compressed "day". */
  periodSeconds: number;
  /** Requests per second at the quietest point of the night. */
  minRps: number;
  /** Requests per second at the daily peak. */
  maxRps: number;
  /** Where in the day the peak falls, as a fraction (0.6 is about 14:24). */
  peakAt: number;
  /** Relative jitter, e.g. 0.1 for ±10 %. */
  noise: number;
  /** How often one user asks; sets how many sources a given load comes from. */
  rpsPerSource: number;
}

export interface AttackProfile {
  floodSeconds: number;
  floodRps: number;
  /** Size of the pseudo-source pool the flood draws from. */
  floodSources: number;
  smallPacketSeconds: number;
  smallPacketRps: number;
  smallPacketSources: number;
}

export interface Plan {
  profile: ProfileName;
  stage: Stage;
  /** Requests to send per second now, before the global cap. */
  rps: number;
  transport: Transport;
  /** Which pool the sources come from, and how many of it are active. */
  pool: 'users' | 'attackers';
  sources: number;
  /** Seconds left in the current attack stage; undefined under the normal profile. */
  stageRemainingSeconds?: number;
}

export const DEFAULT_NORMAL: NormalProfile = {
  periodSeconds: 600,
  minRps: 5,
  maxRps: 40,
  peakAt: 0.6,
  noise: 0.1,
  rpsPerSource: 0.5,
};

export const DEFAULT_ATTACK: AttackProfile = {
  floodSeconds: 90,
  floodRps: 400,
  floodSources: 20000,
  smallPacketSeconds: 90,
  smallPacketRps: 500,
  smallPacketSources: 50,
};

/** Where in the compressed day `timeSeconds` (Unix time) falls, in [0, 1). Wall-clock based, so a restart keeps the day's phase. */
export function dayPhase(timeSeconds: number, periodSeconds: number): number {
  const phase = (timeSeconds / periodSeconds) % 1;
  return phase < 0 ? phase + 1 : phase;
}

/** Daily load shape in [0, 1]: 1 at the peak, 0 half a day away, smooth in between. */
export function diurnalShape(phase: number, peakAt: number): number {
  return 0.5 * (1 + Math.cos(2 * Math.PI * (phase - peakAt)));
}

/**
 * Normal request rate at `timeSeconds`. `jitter` in [-1, 1] comes from the caller's random source,
 * so tests can pin it.
 */
export function normalRps(profile: NormalProfile, timeSeconds: number, jitter = 0): number {
  const shape = diurnalShape(dayPhase(timeSeconds, profile.periodSeconds), profile.peakAt);
  const base = profile.minRps + (profile.maxRps - profile.minRps) * shape;
  return Math.max(0, base * (1 + profile.noise * Math.max(-1, Math.min(1, jitter))));
}

/** Organic load comes from more users, each at the same pace: sources scale with the rate. */
export function normalSources(profile: NormalProfile, rps: number): number {
  return Math.max(1, Math.ceil(rps / profile.rpsPerSource));
}

/** Which attack stage `elapsedSeconds` after onset falls in; `normal` once both stages are over. */
export function attackStage(attack: AttackProfile, elapsedSeconds: number): { stage: Stage; remaining: number } {
  if (elapsedSeconds < attack.floodSeconds) {
    return { stage: 'flood', remaining: attack.floodSeconds - elapsedSeconds };
  }
  const end = attack.floodSeconds + attack.smallPacketSeconds;
  if (elapsedSeconds < end) return { stage: 'small-packet', remaining: end - elapsedSeconds };
  return { stage: 'normal', remaining: 0 };
}

export interface PlanInput {
  normal: NormalProfile;
  attack: AttackProfile;
  /** Unix seconds now. */
  nowSeconds: number;
  /** Unix seconds the attack started; undefined under the normal profile. */
  attackStartedAt: number | undefined;
  jitter?: number;
}

/** What to send now. An attack whose stages are over plays the normal profile again. */
export function plan(input: PlanInput): Plan {
  if (input.attackStartedAt !== undefined) {
    const { stage, remaining } = attackStage(input.attack, input.nowSeconds - input.attackStartedAt);
    if (stage === 'flood') {
      return {
        profile: 'attack',
        stage,
        rps: input.attack.floodRps,
        transport: 'keep-alive',
        pool: 'attackers',
        sources: input.attack.floodSources,
        stageRemainingSeconds: remaining,
      };
    }
    if (stage === 'small-packet') {
      return {
        profile: 'attack',
        stage,
        rps: input.attack.smallPacketRps,
        transport: 'tiny-connection',
        pool: 'attackers',
        sources: input.attack.smallPacketSources,
        stageRemainingSeconds: remaining,
      };
    }
  }
  const rps = normalRps(input.normal, input.nowSeconds, input.jitter ?? 0);
  return {
    profile: 'normal',
    stage: 'normal',
    rps,
    transport: 'keep-alive',
    pool: 'users',
    sources: normalSources(input.normal, rps),
  };
}

/** Validates a profile's numbers; the message names the field. */
export function checkNormal(profile: NormalProfile): void {
  positive('periodSeconds', profile.periodSeconds);
  nonNegative('minRps', profile.minRps);
  nonNegative('maxRps', profile.maxRps);
  if (profile.maxRps < profile.minRps) {
    throw new RangeError(`maxRps (${profile.maxRps}) must not be below minRps (${profile.minRps})`);
  }
  if (!(profile.peakAt >= 0 && profile.peakAt < 1))
    throw new RangeError(`peakAt must be in [0, 1), got ${profile.peakAt}`);
  if (!(profile.noise >= 0 && profile.noise <= 0.5))
    throw new RangeError(`noise must be in [0, 0.5], got ${profile.noise}`);
  positive('rpsPerSource', profile.rpsPerSource);
}

export function checkAttack(attack: AttackProfile): void {
  nonNegative('floodSeconds', attack.floodSeconds);
  nonNegative('floodRps', attack.floodRps);
  wholeAtLeastOne('floodSources', attack.floodSources);
  nonNegative('smallPacketSeconds', attack.smallPacketSeconds);
  nonNegative('smallPacketRps', attack.smallPacketRps);
  wholeAtLeastOne('smallPacketSources', attack.smallPacketSources);
}

function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`${name} must be a positive number, got ${value}`);
}

function nonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
}

function wholeAtLeastOne(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1))
    throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
}
