/**
 * Request budgets for every route that is not public, keyed off the matched route's declared auth
 * mode (never the URL). It runs before auth, so failed logins spend the budget too.
 *
 * Two budgets per request, both must have room:
 * - per client: the address plus the `X-Grafana-User` header, so the users behind Grafana's proxy
 *   (which all share its address) each get their own;
 * - per address: a wider cap, because before auth the header is only a claim: a caller could
 *   otherwise mint a fresh budget per invented user name.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TooManyRequests } from '../errors.js';
import { modeOf } from './auth.js';

export interface RateLimitOptions {
  /** Requests per minute per address and Grafana user. */
  perClient: number;
  /** Requests per minute per address, all users together. */
  perAddress: number;
}

/** Longest user name that goes into a key; longer ones are cut, so keys stay small. */
const MAX_USER_IN_KEY = 256;

function userOf(request: FastifyRequest): string {
  const header = request.headers['x-grafana-user'];
  return typeof header === 'string' ? header.slice(0, MAX_USER_IN_KEY) : '';
}

export async function installRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  // global: false: the plugin only supplies its bounded store; the one hook below decides.
  await app.register(rateLimit, { global: false, timeWindow: '1 minute' });
  const perClient = app.createRateLimit({
    max: options.perClient,
    keyGenerator: (request) => `client\u0000${request.ip}\u0000${userOf(request)}`,
  });
  const perAddress = app.createRateLimit({
    max: options.perAddress,
    keyGenerator: (request) => `address\u0000${request.ip}`,
  });
  app.addHook('onRequest', async (request, reply) => {
    if (modeOf(request) === 'public') return;
    const address = await perAddress(request);
    const client = await perClient(request);
    if (address.isAllowed || client.isAllowed) return;
    const exceeded = address.isExceeded ? address : client.isExceeded ? client : undefined;
    reply.header('x-ratelimit-limit', client.max);
    reply.header('x-ratelimit-remaining', Math.min(client.remaining, address.remaining));
    if (exceeded === undefined) return;
    const which = exceeded === address ? 'this address' : 'this client';
    throw new TooManyRequests(
      `more than ${exceeded.max} requests per minute from ${which}; retry in ${exceeded.ttlInSeconds}s`,
      Math.max(1, exceeded.ttlInSeconds),
    );
  });
}
