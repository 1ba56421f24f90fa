/**
 * Every route Fastify registered (read from the app itself, not listed here) through every path
 * spelling, over a real socket so nothing normalises the request target on the way: without
 * credentials each answers 401 (the route matched and refused) or 404 (no route), never 2xx or 5xx.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALERT_SECRET, secureApp, TOKEN, type SecureApp } from './__fixtures__/secure-app.js';
import { spellingsOf } from './__fixtures__/spellings.js';

interface Answer {
  status: number;
}

function send(port: number, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = method === 'POST' ? '{}' : undefined;
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A concrete path for a route pattern: every parameter and wildcard becomes a plain value. */
const concrete = (pattern: string): string => pattern.replace(/:[^/]+/g, 'compose:p:s').replace(/\*/g, 'x');

describe('auth table: every route × every path spelling', () => {
  let s: SecureApp;
  let port: number;
  beforeAll(async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '1000000' });
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    port = (s.app.server.address() as AddressInfo).port;
  });
  afterAll(() => s.close());

  it('every route declares a known auth mode and every /api route needs a credential', () => {
    const routes = s.app.declaredRoutes();
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) expect(['token', 'alert', 'public']).toContain(route.auth);
    for (const route of routes.filter((r) => r.url.startsWith('/api'))) expect(route.auth).not.toBe('public');
  });

  it('answers 401 or 404 to every spelling of every guarded route without credentials', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const guarded = s.app.declaredRoutes().filter((route) => route.auth !== 'public');
    const seen = new Map<number, number>();
    const wrong: string[] = [];
    const unreachedPlain: string[] = [];
    let refused = 0;
    let reached = 0;
    for (const route of guarded) {
      const credential = { authorization: `Bearer ${route.auth === 'alert' ? ALERT_SECRET : TOKEN}` };
      for (const spelling of spellingsOf(concrete(route.url), origin)) {
        const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer not-the-secret-0123456789' }];
        for (const headers of attempts) {
          const { status } = await send(port, route.method, spelling.path, headers);
          refused++;
          seen.set(status, (seen.get(status) ?? 0) + 1);
          if (status !== 401 && status !== 404) {
            wrong.push(`${route.method} ${spelling.path} (${spelling.name}): ${status}`);
          }
        }
        // With the credential, a spelling that does not answer 404 reached the route: those are the
        // ones a URL-based check would have had to recognise.
        const { status } = await send(port, route.method, spelling.path, credential);
        if (status !== 404 && status !== 401) reached++;
        else if (spelling.name === 'as registered') unreachedPlain.push(`${route.method} ${route.url}: ${status}`);
      }
    }
    const spellings = spellingsOf('/a/b', origin).length;
    process.stdout.write(
      `auth table: ${guarded.length} guarded routes × ${spellings} spellings = ${guarded.length * spellings} cells; ` +
        `${refused} requests without or with a wrong credential, status codes ${JSON.stringify(Object.fromEntries(seen))}; ` +
        `${reached} cells reach the route with the right credential\n`,
    );
    expect(wrong).toEqual([]);
    expect(unreachedPlain).toEqual([]);
    // Many spellings do reach the route, which is what makes the table a test of the auth decision.
    expect(reached).toBeGreaterThan(guarded.length * 3);
  });
});
