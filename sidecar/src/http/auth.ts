import type { FastifyInstance, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Forbidden, Unauthorized } from '../errors.js';
import { isLoopbackHost } from './loopback-host.js';

/**
 * Who may call a route:
 * - `token`: the API bearer token (NTMA_API_TOKEN);
 * - `alert`: the webhook secret (NTMA_ALERT_SECRET);
 * - `public`: anyone (health, readiness, metrics, docs).
 * Every route declares it as `config: { auth: ... }`; the app refuses to start otherwise. The
 * decision never looks at the URL: the router decodes and normalises the path before it matches,
 * so any test on `request.url` can be dodged by spelling the path differently (`/%61pi/...`).
 */
export type AuthMode = 'token' | 'alert' | 'public';

const AUTH_MODES: ReadonlySet<unknown> = new Set<AuthMode>(['token', 'alert', 'public']);

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

export interface AuthOptions {
  apiToken: string | undefined;
  alertSecret: string | undefined;
}

export interface DeclaredRoute {
  method: string;
  url: string;
  auth: AuthMode | undefined;
  /** The route's own schema (body, querystring, params), e.g. for a fuzzer to start from. */
  schema: FastifySchema | undefined;
}

// Per-process key: both sides are hashed to the same length before comparing, so neither the
// secret's length nor where a guess first differs shows in the time the comparison takes.
const COMPARE_KEY = randomBytes(32);
const digest = (value: string): Buffer => createHmac('sha256', COMPARE_KEY).update(value, 'utf8').digest();

export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim();
}

/**
 * The matched route's declared mode. A request that matched no route (the 404 handler) needs the
 * token: a stranger learns nothing about which paths exist.
 */
export function modeOf(request: FastifyRequest): AuthMode {
  return request.routeOptions.config?.auth ?? 'token';
}

/**
 * Records every route's declared mode as Fastify registers it, and fails `ready()` (so the server
 * never listens) when one declares none. The check runs at ready rather than in onRoute because a
 * plugin's own context may declare the mode for its routes after the root hook has seen them.
 */
export function requireDeclaredAuth(app: FastifyInstance): () => DeclaredRoute[] {
  const routes: Array<{ method: string; url: string; options: RouteOptions }> = [];
  app.addHook('onRoute', (options) => {
    const methods = Array.isArray(options.method) ? options.method : [options.method];
    for (const method of methods) routes.push({ method, url: options.url, options });
  });
  const declared = (): DeclaredRoute[] =>
    routes.map(({ method, url, options }) => ({ method, url, auth: options.config?.auth, schema: options.schema }));
  app.addHook('onReady', async () => {
    const missing = declared().filter((route) => !AUTH_MODES.has(route.auth));
    if (missing.length > 0) {
      const list = missing.map((route) => `${route.method} ${route.url}`).join(', ');
      throw new Error(
        `no auth mode declared by ${list}; set config: { auth: 'token' | 'alert' | 'public' } in the route's options`,
      );
    }
  });
  return declared;
}

/**
 * One onRequest hook for the whole server. Without a configured token the server only listens on
 * loopback (server.ts enforces that), so `token` routes are open to local callers; it then answers
 * only requests addressed to a loopback name, or a web page could reach it by DNS rebinding.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request) => {
    if (options.apiToken === undefined && !isLoopbackHost(request.headers.host)) {
      throw new Forbidden(
        `Host "${String(request.headers.host ?? '')}" is not a loopback name: without NTMA_API_TOKEN the sidecar ` +
          'answers only requests addressed to localhost, 127.x.x.x or [::1] (a defence against DNS rebinding)',
      );
    }
    const mode = modeOf(request);
    if (mode === 'public') return;
    const expected = mode === 'alert' ? options.alertSecret : options.apiToken;
    if (expected === undefined) {
      if (mode === 'alert' && options.apiToken !== undefined) {
        // A server with a token must not accept unauthenticated webhooks just because no secret is set.
        throw new Unauthorized('NTMA_ALERT_SECRET is not configured; the alert webhook is disabled');
      }
      return;
    }
    const given = bearer(request);
    if (given === undefined) throw new Unauthorized('missing "Authorization: Bearer <token>" header');
    if (!sameSecret(given, expected)) throw new Unauthorized('invalid bearer token');
  });
}
