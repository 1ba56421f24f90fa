import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { WebConfig } from './config.js';
import { DistinctSources } from './distinct-sources.js';
import { createWebMetrics, methodLabel, type WebMetrics } from './metrics.js';
import { sourceOf } from './source-of.js';

export interface WebApp {
  server: Server;
  metrics: WebMetrics;
  sources: DistinctSources;
}

/** The page body: small, but big enough that byte rate and packet rate move together under organic load. */
function page(): string {
  return JSON.stringify({ service: 'ntma-demo-web', servedBy: hostname(), at: new Date().toISOString() });
}

/**
 * The demo service the stack watches and scales. Routes: `/` (a page after `workMs`), `/t` (a tiny
 * 204, what a small-packet flood asks for), `/healthz` and `/metrics` (neither counted in the request
 * metrics, so probes and scrapes do not look like traffic). Builds the server; never listens.
 */
export function createWebApp(config: WebConfig, now: () => number = Date.now): WebApp {
  const sources = new DistinctSources({ windowMs: config.sourcesWindowSeconds * 1000 });
  const metrics = createWebMetrics(sources, now);
  let inFlight = 0;

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') return send(response, 200, 'application/json', '{"status":"ok"}');
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (body) => send(response, 200, metrics.registry.contentType, body),
        (error: unknown) => send(response, 500, 'text/plain', `metrics failed: ${String(error)}\n`),
      );
      return;
    }

    const started = process.hrtime.bigint();
    const method = methodLabel(request.method);
    inFlight++;
    metrics.inFlight.inc();
    sources.add(sourceOf(request.headers, request.socket.remoteAddress), now());
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight--;
      metrics.inFlight.dec();
      const code = String(response.statusCode);
      metrics.requests.inc({ code, method });
      metrics.duration.observe({ code, method }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    // 'close' also fires when the client goes away first, so in-flight never leaks.
    response.once('close', finish);
    handle(request, response, path ?? '/', inFlight > config.maxInFlight, config.workMs);
  });

  server.on('connection', () => metrics.connections.inc());
  // Slow or idle clients must not hold sockets for ever; a flood would exhaust them.
  server.requestTimeout = 10000;
  server.headersTimeout = 5000;
  server.keepAliveTimeout = 5000;
  return { server, metrics, sources };
}

function handle(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  overloaded: boolean,
  workMs: number,
): void {
  if (path !== '/' && path !== '/t') return send(response, 404, 'application/json', '{"error":"not found"}');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD');
    return send(response, 405, 'application/json', '{"error":"method not allowed"}');
  }
  if (overloaded) {
    response.setHeader('retry-after', '1');
    return send(response, 503, 'application/json', '{"error":"overloaded"}');
  }
  if (path === '/t') {
    response.writeHead(204).end();
    return;
  }
  if (workMs === 0) return send(response, 200, 'application/json', page());
  setTimeout(() => send(response, 200, 'application/json', page()), workMs);
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}
