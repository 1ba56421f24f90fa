import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const token = 'a-test-token-of-32-characters!!!';
const alertSecret = 'an-alert-secret-of-32-characters';

describe('buildApp', () => {
  let app: FastifyInstance;
  let ready = true;

  beforeAll(async () => {
    const config = loadConfig({ NTMA_API_TOKEN: token, NTMA_ALERT_SECRET: alertSecret });
    app = await buildApp(config, {
      logger: false,
      services: {
        readiness: [
          {
            name: 'fake',
            target: 'fake://dependency',
            check: async () => {
              if (!ready) throw new Error('down for the test');
            },
          },
        ],
      },
    });
  });
  afterAll(() => app.close());

  it('answers /healthz without a token', async () => {
    const response = await app.inject('/healthz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 503 naming the dependency and its error', async () => {
    ready = false;
    const response = await app.inject('/readyz');
    ready = true;
    expect(response.statusCode).toBe(503);
    expect(response.json().message).toBe('fake at fake://dependency: down for the test');
  });

  it('answers /readyz with 200 when every dependency answers', async () => {
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('ready');
  });

  it('refuses /api routes without the bearer token', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/anything' });
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toMatch(/Authorization/);
  });

  it('refuses a wrong bearer token', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/anything',
      headers: { authorization: 'Bearer nope' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers an unknown route with 404 once authenticated', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/anything',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe('no route GET /api/v1/anything');
  });

  describe.each(['grafana', 'alertmanager'])('POST /api/v1/alerts/%s', (sender) => {
    const url = `/api/v1/alerts/${sender}`;
    const payload = { receiver: 'ntma-sidecar', status: 'firing', alerts: [{ labels: { alertname: 'X' } }] };

    it('wants the alert secret, not the API token', async () => {
      const none = await app.inject({ method: 'POST', url, payload });
      expect(none.statusCode).toBe(401);
      const apiToken = await app.inject({
        method: 'POST',
        url,
        payload,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(apiToken.statusCode).toBe(401);
    });

    it('answers one decision per alert; an alert naming no target is ignored, saying why', async () => {
      const response = await app.inject({
        method: 'POST',
        url,
        payload,
        headers: { authorization: `Bearer ${alertSecret}` },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().decisions).toEqual([
        expect.objectContaining({ alertname: 'X', decision: 'ignored', reason: expect.stringMatching(/no target/) }),
      ]);
    });

    it('refuses a body without alerts with 400 naming the field', async () => {
      const response = await app.inject({
        method: 'POST',
        url,
        payload: { receiver: 'x' },
        headers: { authorization: `Bearer ${alertSecret}` },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toMatch(/alerts/);
    });
  });

  it('serves the OpenAPI document', async () => {
    const response = await app.inject('/docs/json');
    expect(response.statusCode).toBe(200);
    expect(response.json().paths['/readyz']).toBeDefined();
  });

  it('serves Prometheus metrics, the process ones under their standard names', async () => {
    const response = await app.inject('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatch(/^process_cpu_seconds_total /m);
    expect(response.body).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(response.body).not.toMatch(/ntma_process_/);
  });
});
