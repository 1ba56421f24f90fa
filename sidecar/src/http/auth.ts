import type { FastifyInstance, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { Unauthorized } from '../errors.js';

/**
 * Who may call a route:
 * - `token`: the API bearer token (NTMA_API_TOKEN), the default under /api/;
 * - `alert`: the Grafana webhook secret (NTMA_ALERT_SECRET);
 * - `public`: anyone (health, metrics, docs).
 * Routes declare it as `config: { auth: 'alert' }`.
 */
export type AuthMode = 'token' | 'alert' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
  }
}

export interface AuthOptions {
  apiToken: string | undefined;
  alertSecret: string | undefined;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim();
}

export function modeOf(request: FastifyRequest): AuthMode {
  const declared = request.routeOptions.config?.auth;
  if (declared) return declared;
  return request.url.startsWith('/api/') ? 'token' : 'public';
}

/**
 * One onRequest hook for the whole server. Without a configured token the server only listens on
 * loopback (config.ts enforces that), so `token` routes are open to local callers.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.addHook('onRequest', async (request) => {
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
