import type { AddressInfo } from 'node:net';
import { createWebApp, type WebApp } from '../web/app.js';
import { loadWebConfig } from '../web/config.js';
import { Sender } from './sender.js';

describe('Sender against the real web service', () => {
  let app: WebApp;
  let target: URL;

  beforeAll(async () => {
    app = createWebApp(loadWebConfig({ WEB_WORK_MS: '0' }));
    await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    target = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    app.server.closeAllConnections();
    await new Promise((resolve) => app.server.close(resolve));
  });

  it('sends pages over pooled connections and tiny requests over fresh ones', async () => {
    const sender = new Sender({ target, maxSockets: 4, timeoutMs: 2000 });
    const pages = await Promise.all(Array.from({ length: 20 }, (_, i) => sender.send('keep-alive', `10.0.0.${i}`)));
    const tiny = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sender.send('tiny-connection', `100.64.0.${i}`)),
    );
    sender.close();
    expect(pages.every((o) => o === 'ok')).toBe(true);
    expect(tiny.every((o) => o === 'ok')).toBe(true);
    const metrics = await app.metrics.registry.metrics();
    const connections = Number(/http_connections_opened_total (\d+)/.exec(metrics)?.[1]);
    // At most 4 pooled sockets for the pages, one per tiny request.
    expect(connections).toBeGreaterThanOrEqual(20);
    expect(connections).toBeLessThanOrEqual(24);
    expect(app.sources.estimate(Date.now())).toBe(40);
  });

  it('reports refused connections as errors and does not reject', async () => {
    const closed = new URL('http://127.0.0.1:1');
    const sender = new Sender({ target: closed, maxSockets: 1, timeoutMs: 1000 });
    expect(await sender.send('keep-alive', '10.0.0.1')).toBe('error');
    expect(await sender.send('tiny-connection', '10.0.0.1')).toBe('error');
    sender.close();
  });
});
