import { type Env, integer, text } from '../env/env.js';
import { LOOPBACK, NATIVE_PORTS } from '../stack/ports.js';

export interface WebConfig {
  host: string;
  port: number;
  /** Simulated latency of a page request: a timer, not CPU, so in-flight requests pile up under load. */
  workMs: number;
  /** Above this many requests in flight the service sheds load with 503, as a saturated replica would. */
  maxInFlight: number;
  /** Window of the distinct-sources estimate. */
  sourcesWindowSeconds: number;
}

export function loadWebConfig(env: Env = process.env): WebConfig {
  return {
    host: text(env, 'WEB_HOST') ?? LOOPBACK,
    port: integer(env, 'WEB_PORT', NATIVE_PORTS.web, 0, 65535),
    workMs: integer(env, 'WEB_WORK_MS', 5, 0, 10000),
    maxInFlight: integer(env, 'WEB_MAX_IN_FLIGHT', 200, 1, 100000),
    sourcesWindowSeconds: integer(env, 'WEB_SOURCES_WINDOW_SECONDS', 60, 1, 3600),
  };
}
