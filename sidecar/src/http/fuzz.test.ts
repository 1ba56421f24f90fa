/**
 * A bounded fuzz of every route Fastify registered (read from the app, not listed here): bodies,
 * query strings and path parameters generated from each route's own schema, plus hostile values,
 * sent over a real socket to an app listening on 127.0.0.1. Prometheus, the model engine and the
 * orchestrator are in-memory stand-ins for our own interfaces, so every 5xx is the API's own bug,
 * not a missing dependency. Seeded: a failure prints what to replay.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AuditLog, AUDIT_FILE_NAME } from '../audit/log.js';
import { FakePrometheus, NaiveEngine } from '../bands/__fixtures__/fakes.js';
import { IdempotencyStore } from '../scale/idempotency.js';
import { Scaler, type ScaleResult } from '../scale/scaler.js';
import { ALERT_SECRET, secureApp, TOKEN, type SecureApp } from './__fixtures__/secure-app.js';
import { mulberry32 } from '../seeded-random.js';
import { bodyFor, paramFor, queryFor } from './__fixtures__/fuzz.js';
import { MemoryBackend } from './__fixtures__/memory-backend.js';

const SEED = Number(process.env.NTMA_FUZZ_SEED ?? 20261201);
const CASES_PER_ROUTE = Number(process.env.NTMA_FUZZ_CASES ?? 100);
/**
 * No rate limit, and no load shedding: shedding is its own test (overload.test.ts), and here a 503 OVERLOADED
 * would only say that the shared machine stalled the event loop past a second (it did, at load 30), not that
 * an input broke a route.
 */
const FUZZ_ENV = { NTMA_RATE_LIMIT_PER_MINUTE: '1000000', NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000' };
const VALID_IDS = ['swarm:web', 'swarm:closed', 'swarm:none', 'compose:p:s'] as const;

interface Answer {
  status: number;
  body: string;
}

function send(port: number, method: string, target: string, headers: Record<string, string>, body?: string) {
  return new Promise<Answer>((resolve) => {
    const request = http.request(
      // A connection per request: an answer sent before a large body was read must not leave the
      // body's remainder to be read as the next request.
      { host: '127.0.0.1', port, method, path: target, headers, timeout: 20000, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += text.length < 2000 ? chunk : ''));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`timeout: ${method} ${target.slice(0, 200)}`)));
    request.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer (401, 413) and close before it has read a large body: the client then
      // sees its write reset. That is an answer, not a failure; status 1 marks it.
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve({ status: 1, body: error.code });
      else resolve({ status: 0, body: `${error.code ?? ''} ${error.message}` });
    });
    request.end(body);
  });
}

describe('fuzz: every route, its body, query and path parameters', () => {
  let s: SecureApp;
  let port: number;
  const crashes: unknown[] = [];
  const onCrash = (error: unknown): void => {
    crashes.push(error);
  };

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    s = await secureApp(FUZZ_ENV, (dataDir) => ({
      prometheus: new FakePrometheus([{ job: 'a' }, { job: 'b' }], (t) => (t % 3600) / 60),
      bandsEngine: new NaiveEngine(),
      scaler: new Scaler({
        backends: [
          new MemoryBackend([
            {
              service: 'web',
              replicas: 2,
              labels: {
                'ntma.scale.enabled': 'true',
                'ntma.scale.min': '1',
                'ntma.scale.max': '6',
                'ntma.scale.auto': 'on',
              },
            },
            { service: 'closed', replicas: 1, labels: {} },
          ]),
        ],
        audit: new AuditLog(dataDir),
        idempotency: new IdempotencyStore<ScaleResult>(dataDir, 60_000),
        autoDryRun: false,
        defaultAttackMax: 3,
        staleAfterMs: 300_000,
      }),
    }));
    await s.app.listen({ host: '127.0.0.1', port: 0 });
    port = (s.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await s.close();
  });

  it('never answers 5xx, stays up and keeps the audit log readable', async () => {
    // Bounded: a few thousand requests, about a minute on a busy two-core machine.
    const random = mulberry32(SEED);
    const routes = s.app.declaredRoutes();
    const seen = new Map<number, number>();
    const failures: string[] = [];
    const resets: string[] = [];
    let sent = 0;
    // The slowest answer, to tell an input that stalls a route from a machine that stalls everything.
    let slowest = { ms: 0, what: '' };
    for (const route of routes) {
      const schema = (route.schema ?? {}) as Record<string, Record<string, unknown> | undefined>;
      for (let i = 0; i < CASES_PER_ROUTE; i++) {
        const pathPart = route.url.replace(/:[^/]+/g, () => paramFor(random, VALID_IDS)).replace('*', 'x');
        const query = queryFor(schema.querystring, random);
        const target = query ? `${pathPart}?${query}` : pathPart;
        const credential = route.auth === 'alert' ? ALERT_SECRET : TOKEN;
        const headers: Record<string, string> = {};
        if (random() < 0.9) headers.authorization = `Bearer ${credential}`;
        if (random() < 0.3)
          headers['idempotency-key'] = random() < 0.5 ? `key-${Math.floor(random() * 5)}` : ' bad key ';
        if (random() < 0.3) headers['x-grafana-user'] = random() < 0.5 ? 'alice' : 'x'.repeat(2000);
        let body: string | undefined;
        if (route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH') {
          const generated = bodyFor(schema.body, random);
          body = generated.text;
          headers['content-type'] = generated.contentType;
        }
        if (process.env.NTMA_FUZZ_TRACE) {
          appendFileSync(
            process.env.NTMA_FUZZ_TRACE,
            `${route.method} ${target.slice(0, 500)} ${(body ?? '').slice(0, 1500)}\n`,
          );
          writeFileSync(`${process.env.NTMA_FUZZ_TRACE}.last`, body ?? '');
        }
        const started = performance.now();
        const answer = await send(port, route.method, target, headers, body);
        const ms = performance.now() - started;
        if (ms > slowest.ms) slowest = { ms, what: `${route.method} ${route.url}, body ${(body ?? '').length} chars` };
        sent++;
        seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
        if (answer.status === 1)
          resets.push(
            `${route.method} ${target.slice(0, 120)} body ${(body ?? '').length} chars, auth ${headers.authorization ? 'yes' : 'no'}`,
          );
        if (answer.status >= 500 || answer.status === 0) {
          failures.push(
            `${answer.status} ${route.method} ${target.slice(0, 300)} body=${(body ?? '').slice(0, 300)} → ${answer.body.slice(0, 300)}`,
          );
        }
      }
    }
    // One body past the 16 MiB limit: refused by size, not parsed.
    const huge = await send(
      port,
      'POST',
      '/api/v1/bands/series',
      { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      `{"series":[${'0,'.repeat(9 * 1024 * 1024)}0]}`,
    );
    sent++;
    seen.set(huge.status, (seen.get(huge.status) ?? 0) + 1);
    expect(huge.status).toBe(413);
    // One request line past Node's header limit: answered by Node itself, never reaching the app.
    const long = await send(port, 'GET', `/api/v1/audit?target=${'x'.repeat(20_000)}`, {
      authorization: `Bearer ${TOKEN}`,
    });
    sent++;
    seen.set(long.status, (seen.get(long.status) ?? 0) + 1);
    expect(long.status).toBe(431);

    const codes = Object.fromEntries([...seen.entries()].sort(([a], [b]) => a - b));
    process.stdout.write(
      `fuzz (seed ${SEED}): ${sent} requests over ${routes.length} routes; status codes ${JSON.stringify(codes)}; ` +
        `slowest answer ${Math.round(slowest.ms)} ms (${slowest.what})\n`,
    );
    if (resets.length > 0) process.stdout.write(`connection resets:\n${resets.join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(crashes).toEqual([]);

    expect((await send(port, 'GET', '/healthz', {})).status).toBe(200);
    const audit = await send(port, 'GET', '/api/v1/audit?limit=500', { authorization: `Bearer ${TOKEN}` });
    expect(audit.status).toBe(200);
    const page = JSON.parse(audit.body) as { total: number; skippedLines: unknown[] };
    expect(page.skippedLines).toEqual([]);
    const lines = readFileSync(path.join(s.dataDir, AUDIT_FILE_NAME), 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  }, 240_000);
});
