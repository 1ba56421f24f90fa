import os from 'node:os';
import path from 'node:path';
import { WITHHOLD_SCOPES, type WithholdScope } from './detect/forecast-detector.js';
import { DEFAULT_ANSWER_CAPS, type AnswerCaps } from './prometheus/caps.js';

/** Everything the sidecar reads from its environment, validated once at start. */
export interface Config {
  host: string;
  port: number;
  prometheusUrl: string;
  /** Bearer token for every /api/v1 route; undefined means loopback-only, unauthenticated. */
  apiToken: string | undefined;
  /** Secret Grafana's webhook contact point sends as its bearer credential. */
  alertSecret: string | undefined;
  dockerSocket: string;
  /** Path of the watchers YAML; undefined means the shipped defaults. */
  watchersFile: string | undefined;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Per-request timeout towards Prometheus. */
  prometheusTimeoutMs: number;
  /** Caps on one Prometheus answer (prometheus/caps.ts). */
  prometheusCaps: AnswerCaps;
  /** Worker threads for model fits; defaults to the core count. */
  fitWorkers: number;
  /** A fit that runs longer than this is abandoned and its worker respawned. */
  fitTimeoutMs: number;
  /**
   * Fit time the watchers' refits of already fitted series may take on average, in thousandths
   * of a core (first fits are not held to it): what keeps a watcher of 100,000 series, whose
   * models all want refreshing every quarter of their window, from taking every core.
   */
  watchRefitMillicores: number;
  /**
   * NTMA_WATCH_WITHHOLD (default `attacks`): which excursions the watchers keep from their models,
   * only those classified `attack_suspected` or every `excursions` (the old setting, measured in
   * docs/detection.md). The NAB backtest runs the default.
   */
  watchWithhold: WithholdScope;
  /** Requests per minute per client (address and Grafana user) on every route that is not public. */
  rateLimitPerMinute: number;
  /** Requests per minute per address, all Grafana users together; defaults to 10 × the per-client budget. */
  rateLimitPerAddressPerMinute: number;
  /** Mean event-loop delay above which /api/ answers 503 with Retry-After (@fastify/under-pressure). */
  maxEventLoopDelayMs: number;
  /** Scaling (sidecar/src/scale/labels.ts documents the per-target labels). */
  scale: {
    /** NTMA_SCALE_AUTO_DRY_RUN (default true): automatic actions are recorded, not applied. */
    autoDryRun: boolean;
    /** NTMA_SCALE_ATTACK_MAX (default 3): attack-aware cap for targets without ntma.scale.attack-max. */
    attackMax: number;
    /** NTMA_SCALE_STALE_SECONDS (default 300): an alert value older than this holds. */
    staleSeconds: number;
    /** NTMA_SCALE_STOP_GRACE_SECONDS (default 10): stop grace for containers without StopTimeout. */
    stopGraceSeconds: number;
    /** NTMA_IDEMPOTENCY_TTL_SECONDS (default 86400): how long an Idempotency-Key is remembered. */
    idempotencyTtlSeconds: number;
    /** NTMA_SCALE_EVAL_SECONDS (default 15, 0 = off): period of the predictive policy's evaluation of auto targets. */
    evalSeconds: number;
  };
}

/** A bad environment value; the message names the variable so the operator can fix it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: ReadonlyArray<Config['logLevel']> = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number in ${min}..${max}, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}..${max}, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = allowed.find((a) => a === raw);
  if (value === undefined) throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = text(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  }
  // Trailing slashes would double up when API paths are appended.
  return raw.replace(/\/+$/, '');
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function loadConfig(env: Env = process.env): Config {
  const host = text(env, 'NTMA_HOST') ?? '127.0.0.1';
  const apiToken = text(env, 'NTMA_API_TOKEN');
  if (apiToken !== undefined && apiToken.length < 16) {
    throw new ConfigError('NTMA_API_TOKEN', 'must be at least 16 characters');
  }
  const alertSecret = text(env, 'NTMA_ALERT_SECRET');
  if (alertSecret !== undefined && alertSecret.length < 16) {
    throw new ConfigError('NTMA_ALERT_SECRET', 'must be at least 16 characters');
  }
  const rateLimitPerMinute = integer(env, 'NTMA_RATE_LIMIT_PER_MINUTE', 600, 1, 1000000);
  const logLevel = (text(env, 'NTMA_LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('NTMA_LOG_LEVEL', `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const cores = Math.max(1, os.availableParallelism());
  return {
    host,
    port: integer(env, 'NTMA_PORT', 8787, 0, 65535),
    prometheusUrl: httpUrl(env, 'PROMETHEUS_URL', 'http://127.0.0.1:9090'),
    apiToken,
    alertSecret,
    dockerSocket: text(env, 'DOCKER_SOCKET') ?? '/var/run/docker.sock',
    watchersFile: text(env, 'NTMA_WATCHERS'),
    dataDir: path.resolve(text(env, 'NTMA_DATA_DIR') ?? './data'),
    logLevel,
    prometheusTimeoutMs: integer(env, 'NTMA_PROMETHEUS_TIMEOUT_MS', 10000, 100, 600000),
    prometheusCaps: {
      maxResponseBytes: integer(env, 'NTMA_PROMETHEUS_MAX_BYTES', DEFAULT_ANSWER_CAPS.maxResponseBytes, 1024, 2 ** 30),
      maxSeries: integer(env, 'NTMA_PROMETHEUS_MAX_SERIES', DEFAULT_ANSWER_CAPS.maxSeries, 1, 1_000_000),
      maxPoints: integer(env, 'NTMA_PROMETHEUS_MAX_POINTS', DEFAULT_ANSWER_CAPS.maxPoints, 1000, 100_000_000),
    },
    fitWorkers: integer(env, 'NTMA_FIT_WORKERS', cores, 1, 64),
    fitTimeoutMs: integer(env, 'NTMA_FIT_TIMEOUT_MS', 20000, 100, 600000),
    watchRefitMillicores: integer(env, 'NTMA_WATCH_REFIT_MILLICORES', 500, 1, 64000),
    watchWithhold: oneOf(env, 'NTMA_WATCH_WITHHOLD', WITHHOLD_SCOPES, 'attacks'),
    rateLimitPerMinute,
    rateLimitPerAddressPerMinute: integer(
      env,
      'NTMA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE',
      Math.min(10 * rateLimitPerMinute, 10000000),
      1,
      10000000,
    ),
    maxEventLoopDelayMs: integer(env, 'NTMA_MAX_EVENT_LOOP_DELAY_MS', 1000, 10, 600000),
    scale: {
      autoDryRun: boolean(env, 'NTMA_SCALE_AUTO_DRY_RUN', true),
      attackMax: integer(env, 'NTMA_SCALE_ATTACK_MAX', 3, 0, 1000),
      staleSeconds: integer(env, 'NTMA_SCALE_STALE_SECONDS', 300, 1, 86400),
      stopGraceSeconds: integer(env, 'NTMA_SCALE_STOP_GRACE_SECONDS', 10, 0, 3600),
      idempotencyTtlSeconds: integer(env, 'NTMA_IDEMPOTENCY_TTL_SECONDS', 86400, 1, 30 * 86400),
      evalSeconds: integer(env, 'NTMA_SCALE_EVAL_SECONDS', 15, 0, 3600),
    },
  };
}
