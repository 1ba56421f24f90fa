import type { AddressInfo } from 'node:net';
import { createWebApp, type WebApp } from './app.js';
import { loadWebConfig } from './config.js';

async function listen(app: WebApp): Promise<string> {
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function close(app: WebApp): Promise<void> {
  app.server.closeAllConnections();
  await new Promise((resolve) => app.server.close(resolve));
}

function sample(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

describe('the demo web service', () => {
  let app: WebApp;
  let base: string;

  beforeEach(async () => {
    app = createWebApp(loadWebConfig({ WEB_WORK_MS: '0' }));
    base = await listen(app);
  });

  afterEach(() => close(app));

  it('counts requests by code and method, but not probes or scrapes', async () => {
    await fetch(`${base}/`);
    await fetch(`${base}/`);
    await fetch(`${base}/t`);
    await fetch(`${base}/missing`);
    await fetch(`${base}/`, { method: 'POST' });
    await fetch(`${base}/healthz`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(sample(metrics, 'http_requests_total{code="200",method="GET"}')).toBe(2);
    expect(sample(metrics, 'http_requests_total{code="204",method="GET"}')).toBe(1);
    expect(sample(metrics, 'http_requests_total{code="404",method="GET"}')).toBe(1);
    expect(sample(metrics, 'http_requests_total{code="405",method="POST"}')).toBe(1);
    expect(sample(metrics, 'http_request_duration_seconds_count{code="200",method="GET"}')).toBe(2);
    expect(sample(metrics, 'http_requests_in_flight')).toBe(0);
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('estimates distinct sources from X-Forwarded-For and X-Source', async () => {
    for (let i = 0; i < 40; i++) await fetch(`${base}/t`, { headers: { 'x-forwarded-for': `100.64.0.${i}` } });
    for (let i = 0; i < 10; i++) await fetch(`${base}/t`, { headers: { 'x-source': 'same-bot' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(sample(metrics, 'http_request_distinct_sources')).toBe(41);
  });

  it('bounds the method label whatever the client sends', async () => {
    const { request } = await import('node:http');
    await new Promise<void>((resolve, reject) => {
      const req = request(`${base}/`, { method: 'PURGE' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(sample(metrics, 'http_requests_total{code="405",method="OTHER"}')).toBe(1);
  });

  it('sheds load with 503 above WEB_MAX_IN_FLIGHT', async () => {
    await close(app);
    app = createWebApp(loadWebConfig({ WEB_WORK_MS: '300', WEB_MAX_IN_FLIGHT: '2' }));
    base = await listen(app);
    const codes = await Promise.all(Array.from({ length: 6 }, () => fetch(`${base}/`).then((r) => r.status)));
    expect(codes.filter((c) => c === 200)).toHaveLength(2);
    expect(codes.filter((c) => c === 503)).toHaveLength(4);
  });

  it('counts each accepted TCP connection', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(base).port);
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect({ port, host: '127.0.0.1' }, () =>
          socket.end('GET /t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
        );
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
      });
    }
    const metrics = await (await fetch(`${base}/metrics`, { headers: { connection: 'close' } })).text();
    expect(sample(metrics, 'http_connections_opened_total')).toBeGreaterThanOrEqual(4);
    expect(sample(metrics, 'http_requests_total{code="204",method="GET"}')).toBe(3);
  });
});

describe('loadWebConfig', () => {
  it('defaults to loopback port 8080', () => {
    expect(loadWebConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, maxInFlight: 200 });
  });

  it('names the variable it cannot read', () => {
    expect(() => loadWebConfig({ WEB_PORT: '70000' })).toThrow(/WEB_PORT: expected 0\.\.65535/);
    expect(() => loadWebConfig({ WEB_MAX_IN_FLIGHT: 'many' })).toThrow(/WEB_MAX_IN_FLIGHT: expected a number/);
  });
});
