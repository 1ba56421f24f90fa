/**
 * When the sidecar sheds load: @fastify/under-pressure's options. Only routes that are not public
 * are shed, by the matched route's declared auth mode (health, readiness and metrics must keep
 * answering, or an overloaded sidecar would also look dead), and the answer is the Overloaded
 * domain error: 503 with Retry-After through the one error handler. A route may also declare
 * `shed: false`: the watch loop's own read-outs (its state, its anomalies) are cheap reads of what
 * the loop already holds, and the moment the loop is busiest (a warm-up of 100,000 series) is
 * the moment an operator asks how far it got.
 */
import type { FastifyUnderPressureOptions } from '@fastify/under-pressure';
import { Overloaded } from '../errors.js';
import { modeOf } from './auth.js';

/** Seconds a shed client is asked to wait. */
export const OVERLOAD_RETRY_AFTER_SECONDS = 5;
/**
 * Start-up (module loading, schema compilation at ready) blocks the loop once for a second or
 * more on a busy machine; under-pressure's first samples after it would read that as overload.
 */
export const STARTUP_GRACE_MS = 2000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: never shed this route (a cheap read the overload itself must not hide). */
    shed?: boolean;
  }
}

export interface Overload {
  options: FastifyUnderPressureOptions;
  /** Call when the app is ready; pressure is ignored for STARTUP_GRACE_MS after it. */
  ready(): void;
}

export function overload(maxEventLoopDelayMs: number, now: () => number = Date.now): Overload {
  let readyAt: number | undefined;
  return {
    ready: () => {
      readyAt = now();
    },
    options: {
      maxEventLoopDelay: maxEventLoopDelayMs,
      pressureHandler: (request, _reply, type, value) => {
        if (modeOf(request) === 'public' || request.routeOptions.config?.shed === false) return undefined;
        if (readyAt === undefined || now() - readyAt < STARTUP_GRACE_MS) return undefined;
        const detail = typeof value === 'number' ? `${type} ${Math.round(value)}` : type;
        return Promise.reject(
          new Overloaded(`the sidecar is overloaded (${detail}); retry shortly`, OVERLOAD_RETRY_AFTER_SECONDS),
        );
      },
    },
  };
}
