import { type Env, EnvError, flag, httpUrl, integer, isLoopbackHost, number, text } from '../env/env.js';
import { LOOPBACK, NATIVE_PORTS } from '../stack/ports.js';
import {
  type AttackProfile,
  type NormalProfile,
  type ProfileName,
  DEFAULT_ATTACK,
  DEFAULT_NORMAL,
  checkAttack,
  checkNormal,
} from './profiles.js';

export interface LoadgenConfig {
  target: URL;
  controlHost: string;
  controlPort: number;
  /** Hard ceiling on requests per second, whatever a profile asks. */
  rateCap: number;
  /** Requests or tiny connections open at once; beyond it new ones are dropped and counted. */
  maxInFlight: number;
  tickMs: number;
  requestTimeoutMs: number;
  initialProfile: ProfileName;
  normal: NormalProfile;
  attack: AttackProfile;
}

/**
 * Everything the generator reads from its environment. A flood tool must not be pointed at someone
 * else by accident: a target outside loopback needs LOADGEN_ALLOW_REMOTE_TARGET=true (the compose
 * file sets it for the `web` service on its private network).
 */
export function loadLoadgenConfig(env: Env = process.env): LoadgenConfig {
  const target = httpUrl(env, 'LOADGEN_TARGET_URL', `http://${LOOPBACK}:${NATIVE_PORTS.web}`);
  if (target.protocol !== 'http:') {
    throw new EnvError('LOADGEN_TARGET_URL', `only http:// targets are supported, got "${target.href}"`);
  }
  if (!isLoopbackHost(target.hostname) && !flag(env, 'LOADGEN_ALLOW_REMOTE_TARGET', false)) {
    throw new EnvError(
      'LOADGEN_TARGET_URL',
      `"${target.hostname}" is not a loopback address; set LOADGEN_ALLOW_REMOTE_TARGET=true to flood it anyway`,
    );
  }
  const initialProfile = text(env, 'LOADGEN_PROFILE') ?? 'normal';
  if (initialProfile !== 'normal' && initialProfile !== 'attack') {
    throw new EnvError('LOADGEN_PROFILE', `expected "normal" or "attack", got "${initialProfile}"`);
  }
  const normal: NormalProfile = {
    periodSeconds: number(env, 'LOADGEN_DAY_SECONDS', DEFAULT_NORMAL.periodSeconds, 10, 7 * 86400),
    minRps: number(env, 'LOADGEN_NORMAL_MIN_RPS', DEFAULT_NORMAL.minRps, 0, 100000),
    maxRps: number(env, 'LOADGEN_NORMAL_MAX_RPS', DEFAULT_NORMAL.maxRps, 0, 100000),
    peakAt: number(env, 'LOADGEN_PEAK_AT', DEFAULT_NORMAL.peakAt, 0, 0.999),
    noise: number(env, 'LOADGEN_NOISE', DEFAULT_NORMAL.noise, 0, 0.5),
    rpsPerSource: number(env, 'LOADGEN_RPS_PER_SOURCE', DEFAULT_NORMAL.rpsPerSource, 0.001, 1000),
  };
  const attack: AttackProfile = {
    floodSeconds: number(env, 'LOADGEN_FLOOD_SECONDS', DEFAULT_ATTACK.floodSeconds, 0, 86400),
    floodRps: number(env, 'LOADGEN_FLOOD_RPS', DEFAULT_ATTACK.floodRps, 0, 100000),
    floodSources: integer(env, 'LOADGEN_FLOOD_SOURCES', DEFAULT_ATTACK.floodSources, 1, 1 << 22),
    smallPacketSeconds: number(env, 'LOADGEN_SMALL_PACKET_SECONDS', DEFAULT_ATTACK.smallPacketSeconds, 0, 86400),
    smallPacketRps: number(env, 'LOADGEN_SMALL_PACKET_RPS', DEFAULT_ATTACK.smallPacketRps, 0, 100000),
    smallPacketSources: integer(env, 'LOADGEN_SMALL_PACKET_SOURCES', DEFAULT_ATTACK.smallPacketSources, 1, 1 << 22),
  };
  try {
    checkNormal(normal);
    checkAttack(attack);
  } catch (error) {
    throw new EnvError('LOADGEN_*', (error as Error).message);
  }
  return {
    target,
    controlHost: text(env, 'LOADGEN_CONTROL_HOST') ?? LOOPBACK,
    controlPort: integer(env, 'LOADGEN_CONTROL_PORT', NATIVE_PORTS.loadgenControl, 0, 65535),
    rateCap: number(env, 'LOADGEN_RATE_CAP', 2000, 1, 20000),
    maxInFlight: integer(env, 'LOADGEN_MAX_IN_FLIGHT', 256, 1, 5000),
    tickMs: integer(env, 'LOADGEN_TICK_MS', 100, 10, 1000),
    requestTimeoutMs: integer(env, 'LOADGEN_REQUEST_TIMEOUT_MS', 5000, 100, 60000),
    initialProfile,
    normal,
    attack,
  };
}
