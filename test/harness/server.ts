import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';

export interface HarnessServerOptions {
  /** Directory with index.html and harness.js (buildHarness()). */
  dist: string;
  sidecarUrl: string;
  /** The sidecar's bearer token; the proxy adds it, the page never sees it. */
  apiToken: string;
  prometheusUrl: string;
  /** Sent as X-Grafana-User, as Grafana's proxy does for the signed-in user. */
  user?: string;
}

export interface RunningHarness {
  url: string;
  close(): Promise<void>;
}

const ICONS_DIR = path.resolve(
  __dirname,
  '..',
  '..',
  'node_modules',
  '@grafana',
  'ui',
  'dist',
  'public',
  'img',
  'icons',
);
// Where @grafana/ui's Icon fetches its SVGs outside Grafana (no __grafana_public_path__ set).
const ICON_PATH = /^\/public\/build\/img\/icons\/(unicons|mono|solid|custom)\/([a-z0-9-]+)\.svg$/;
const SIDECAR_PREFIX = '/api/plugin-proxy/ntma-anomaly-app/sidecar';
const PROMETHEUS_PREFIX = '/api/datasources/proxy/uid/prometheus';

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

/**
 * Forwards to `base + rest` the way Grafana's data/plugin proxy does: the browser's own credentials are dropped,
 * the configured ones added; an unreachable upstream is an empty 502.
 */
async function forward(
  request: IncomingMessage,
  response: ServerResponse,
  base: string,
  rest: string,
  headers: Record<string, string>,
): Promise<void> {
  const body = await readBody(request);
  const contentType = request.headers['content-type'];
  const idempotencyKey = request.headers['idempotency-key'];
  try {
    const upstream = await fetch(`${base}${rest}`, {
      method: request.method,
      headers: {
        ...(contentType ? { 'content-type': contentType } : {}),
        ...(typeof idempotencyKey === 'string' ? { 'idempotency-key': idempotencyKey } : {}),
        ...headers,
      },
      body,
    });
    const text = Buffer.from(await upstream.arrayBuffer());
    response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    response.end(text);
  } catch {
    response.writeHead(502);
    response.end();
  }
}

function serveFile(response: ServerResponse, file: string, type: string): void {
  if (!existsSync(file)) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end(`${path.basename(file)} is not built; run buildHarness()`);
    return;
  }
  response.writeHead(200, { 'content-type': type });
  createReadStream(file).pipe(response);
}

/** Serves the harness page on a free loopback port and proxies its API calls to the real services. */
export async function startHarnessServer(options: HarnessServerOptions): Promise<RunningHarness> {
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url.startsWith(`${SIDECAR_PREFIX}/`)) {
      void forward(request, response, options.sidecarUrl, url.slice(SIDECAR_PREFIX.length), {
        authorization: `Bearer ${options.apiToken}`,
        'x-grafana-user': options.user ?? 'admin',
      });
      return;
    }
    if (url.startsWith(`${PROMETHEUS_PREFIX}/`)) {
      void forward(request, response, options.prometheusUrl, url.slice(PROMETHEUS_PREFIX.length), {});
      return;
    }
    const pathname = url.split('?')[0];
    if (pathname === '/' || pathname === '/index.html') {
      serveFile(response, path.join(options.dist, 'index.html'), 'text/html; charset=utf-8');
      return;
    }
    const icon = ICON_PATH.exec(pathname ?? '');
    if (icon) {
      serveFile(response, path.join(ICONS_DIR, icon[1]!, `${icon[2]!}.svg`), 'image/svg+xml');
      return;
    }
    if (pathname === '/harness.js') {
      serveFile(response, path.join(options.dist, 'harness.js'), 'text/javascript; charset=utf-8');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: `the harness has no ${pathname}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
