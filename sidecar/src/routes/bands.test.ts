import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { FakePrometheus, NaiveEngine } from '../bands/__fixtures__/fakes.js';
import { loadConfig } from '../config.js';
import { BadQuery, PrometheusUnavailable } from '../errors.js';
import { STARTUP_GRACE_MS } from '../http/overload.js';

const token = 'bands-route-test-token-0123456789';
const auth = { authorization: `Bearer ${token}` };
const START = 1699999800;

async function appWith(prometheus: FakePrometheus, engine: NaiveEngine, env: Record<string, string> = {}) {
  return buildApp(loadConfig({ NTMA_API_TOKEN: token, ...env }), {
    logger: false,
    // No watchers: they would read the fake Prometheus and fit in the background.
    services: { prometheus, bandsEngine: engine, readiness: [], watchers: { source: '<none>', watchers: [] } },
  });
}

const queryBody = { query: 'rate(x[5m])', start: START, end: START + 600, step: '1m', train: '1h' };
const seriesBody = {
  series: [{ id: 'a', labels: { pod: 'a' }, points: Array.from({ length: 120 }, (_, i) => [START + i * 60, i % 7]) }],
  train: '1h',
};

describe('POST /api/v1/bands and /api/v1/bands/series', () => {
  let app: FastifyInstance;
  let prometheus: FakePrometheus;
  let engine: NaiveEngine;

  beforeAll(async () => {
    prometheus = new FakePrometheus([{ job: 'a' }, { job: 'b' }], (t) => (t / 60) % 10);
    engine = new NaiveEngine();
    app = await appWith(prometheus, engine);
  });
  afterAll(() => app.close());
  afterEach(() => {
    prometheus.fail = undefined;
    engine.fail = undefined;
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = auth) =>
    app.inject({ method: 'POST', url, payload: payload as object, headers });

  it('requires the bearer token', async () => {
    expect((await post('/api/v1/bands', queryBody, {})).statusCode).toBe(401);
    expect((await post('/api/v1/bands/series', seriesBody, {})).statusCode).toBe(401);
  });

  it('answers a band per series with aligned arrays', async () => {
    const response = await post('/api/v1/bands', queryBody);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.series.map((s: { labels: unknown }) => s.labels)).toEqual([{ job: 'a' }, { job: 'b' }]);
    for (const series of body.series) {
      for (const key of ['timestamps', 'actual', 'forecast', 'lower', 'upper', 'score', 'anomaly']) {
        expect(series[key]).toHaveLength(11);
      }
      expect(series.model).toBe('naive');
      expect(typeof series.coverage).toBe('number');
      expect(typeof series.fitMs).toBe('number');
    }
    expect(body).toMatchObject({ start: START, end: START + 600, step: 60, confidence: 0.95 });
  });

  it('answers the series endpoint from the points in the body', async () => {
    const response = await post('/api/v1/bands/series', seriesBody);
    expect(response.statusCode).toBe(200);
    const [series] = response.json().series;
    expect(series.labels).toEqual({ pod: 'a' });
    expect(series.timestamps[0]).toBe(START + 3600);
    expect(series.actual.slice(0, 3)).toEqual([60 % 7, 61 % 7, 62 % 7]);
  });

  it('answers the compact form (start + values, with the step) exactly as the points it stands for', async () => {
    const [sent] = seriesBody.series;
    const compact = {
      series: [{ id: 'a', labels: { pod: 'a' }, start: START, values: sent!.points.map(([, v]) => v) }],
      step: '1m',
      train: '1h',
    };
    const fromPoints = await post('/api/v1/bands/series', { ...seriesBody, step: '1m' });
    const fromValues = await post('/api/v1/bands/series', compact);
    expect(fromValues.statusCode).toBe(200);
    expect(fromValues.json()).toEqual(fromPoints.json());
    expect(fromValues.json().series[0].timestamps[0]).toBe(START + 3600);
  });

  it('keeps the gaps of the compact form as gaps', async () => {
    const values = Array.from({ length: 120 }, (_, i) => (i === 100 ? null : i === 101 ? 0 : 5));
    const body = { series: [{ id: 'x', labels: {}, start: START, values }], step: 60, train: '1h' };
    const response = await post('/api/v1/bands/series', body);
    expect(response.statusCode).toBe(200);
    const [series] = response.json().series;
    expect(series.actual[40]).toBeNull();
    expect(series.actual[41]).toBe(0);
  });

  it('keeps null points as null and zero points as zero', async () => {
    const points = Array.from({ length: 120 }, (_, i) => [START + i * 60, i === 100 ? null : i === 101 ? 0 : 5]);
    const response = await post('/api/v1/bands/series', { series: [{ id: 'x', labels: {}, points }], train: '1h' });
    expect(response.statusCode).toBe(200);
    const [series] = response.json().series;
    expect(series.actual[40]).toBeNull();
    expect(series.anomaly[40]).toBe(false);
    expect(series.actual[41]).toBe(0);
  });

  it.each([
    [{ ...queryBody, query: undefined }, /^query: is required$/],
    [{ ...queryBody, confidence: 0.5 }, /^confidence: must be >= 0.8$/],
    [{ ...queryBody, confidence: 1 }, /^confidence: must be <= 0.999$/],
    [{ ...queryBody, confidance: 0.9 }, /^confidance: unknown field$/],
    [{ ...queryBody, model: 'arima' }, /^model: expected "auto" or an ARIMA order/],
    [{ ...queryBody, model: { p: 9, d: 1, q: 1 } }, /^model/],
    [{ ...queryBody, start: null }, /^start: /],
    [{ ...queryBody, start: 'last tuesday' }, /^start: expected RFC3339/],
    [{ ...queryBody, step: '1 minute' }, /^step: expected a duration/],
    [{ ...queryBody, step: 0 }, /^step: must be positive/],
    [{ ...queryBody, train: '5m' }, /^train: 5m is 5 points/],
    [{ ...queryBody, end: START - 60 }, /^end: must not be before start/],
  ])('answers 400 naming the field for %j', async (body, message) => {
    const response = await post('/api/v1/bands', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it.each([
    [
      { series: [{ id: 'x', labels: {}, points: [[START, 'high']] }] },
      /^series\[0\]\.points\[0\]\[1\]: must be number,null$/,
    ],
    [{ series: [{ id: 'x', labels: { a: { b: 1 } }, points: [] }] }, /^series\[0\]\.labels\.a: must be string$/],
    [{ series: [{ id: 'x', points: [] }] }, /^series\[0\]\.labels: is required$/],
    [{ series: [{ labels: {}, points: [] }] }, /^series\[0\]\.id: is required$/],
    [{ series: [] }, /^series: at least one series/],
    [
      {
        series: [
          {
            id: 'x',
            labels: {},
            points: [
              [START * 1000, 1],
              [START * 1000 + 60000, 1],
            ],
          },
        ],
      },
      /^series\[0\]\.points: .*milliseconds/,
    ],
    [
      { series: [{ id: 'x', labels: {}, start: START, values: [1, 2, 3] }] },
      /^step: is required when a series is sent as start and values$/,
    ],
    [
      { series: [{ id: 'x', labels: {}, start: START, values: [1, 'high'] }], step: 60 },
      /^series\[0\]\.values\[1\]: must be number,null$/,
    ],
    [
      { series: [{ id: 'x', labels: {}, values: [1, 2] }], step: 60 },
      /^series\[0\]: expected \{id, labels, points\} or the compact/,
    ],
    [
      { series: [{ id: 'x', labels: {}, start: START * 1000, values: [1, 2] }], step: 60 },
      /^series\[0\]\.start: .*milliseconds/,
    ],
    [
      { series: [{ id: 'x', labels: {} }] },
      /^series\[0\]: expected \{id, labels, points\} or the compact \{id, labels, start, values\}$/,
    ],
    [
      { series: [{ id: 'x', labels: {}, start: START, values: [1, 2], points: [] }], step: 60 },
      /^series\[0\]: expected \{id, labels, points\} or the compact/,
    ],
  ])('answers 400 naming the field of a bad series body %#', async (body, message) => {
    const response = await post('/api/v1/bands/series', body);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it('answers 413 naming the field when the body has too many series', async () => {
    const one = seriesBody.series[0]!;
    const response = await post('/api/v1/bands/series', { series: Array.from({ length: 51 }, () => one) });
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toBe('series: 51 series; at most 50 per request');
  });

  it('answers 413 saying how large a body may be when it is larger', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/bands/series',
      payload: `{"series":[${'0,'.repeat(9 * 1024 * 1024)}0]}`,
      headers: { ...auth, 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      message: 'request body is larger than this route takes (16 MiB)',
    });
  });

  it('answers 413 naming the field when a series has too many points', async () => {
    const points = Array.from({ length: 50_001 }, (_, i) => [START + i * 60, i % 7]);
    const response = await post('/api/v1/bands/series', { series: [{ id: 'x', labels: {}, points }] });
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toBe('series[0].points: 50001 points; at most 50000 per series');
  });

  const sendText = (payload: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/bands/series',
      payload,
      headers: { ...auth, 'content-type': 'application/json' },
    });
  const pointsText = (pairs: string) => `{"series":[{"id":"x","labels":{},"points":[${pairs}]}],"train":"1h"}`;

  it.each([
    ['malformed JSON', pointsText('[1699999800,1],[1699999860,'), /^Body is not valid JSON/],
    ['an empty body', '', /^Body cannot be empty/],
    [
      'a __proto__ key',
      '{"series":[{"id":"x","labels":{"__proto__":{"a":"b"}},"points":[]}]}',
      /^Body is not valid JSON/,
    ],
    ['an escaped __proto__ key', '{"\\u005f_proto__":{"a":1},"series":[]}', /^Body is not valid JSON/],
    ['a pair of three numbers', pointsText('[1699999800,1],[1699999860,1,2]'), /^series\[0\]\.points\[1\]: /],
    ['a value past double range', pointsText('[1699999800,1],[1699999860,1e400]'), /^series\[0\]\.points\[1\]\[1\]: /],
  ])('answers 400 for %s', async (_name, payload, message) => {
    const response = await sendText(payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(message);
  });

  it("answers a bad query with 400 and Prometheus' message", async () => {
    prometheus.fail = new BadQuery('1:6: parse error: unexpected <EOF>');
    const response = await post('/api/v1/bands', queryBody);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'BAD_QUERY', message: '1:6: parse error: unexpected <EOF>' });
  });

  it('answers 502 when Prometheus is down', async () => {
    prometheus.fail = new PrometheusUnavailable(
      'Prometheus at http://prometheus.test:9090 is unreachable (ECONNREFUSED)',
    );
    const response = await post('/api/v1/bands', queryBody);
    expect(response.statusCode).toBe(502);
    expect(response.json().message).toContain('http://prometheus.test:9090');
  });

  it('documents both routes in the OpenAPI document', async () => {
    const paths = (await app.inject('/docs/json')).json().paths;
    expect(paths['/api/v1/bands'].post.requestBody.content['application/json'].schema.required).toEqual([
      'query',
      'start',
      'end',
      'step',
    ]);
    expect(paths['/api/v1/bands/series'].post.responses['413']).toBeDefined();
  });
});

describe('bands under load', () => {
  it('applies the per-client rate limit', async () => {
    const app = await appWith(new FakePrometheus([{}], () => 1), new NaiveEngine(), {
      NTMA_RATE_LIMIT_PER_MINUTE: '2',
    });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push(
          (await app.inject({ method: 'POST', url: '/api/v1/bands', payload: queryBody, headers: auth })).statusCode,
        );
      }
      expect(codes).toEqual([200, 200, 429]);
    } finally {
      await app.close();
    }
  });

  it('answers 503 with Retry-After while the event loop is saturated, and keeps /healthz up', async () => {
    const app = await appWith(new FakePrometheus([{}], () => 1), new NaiveEngine(), {
      NTMA_MAX_EVENT_LOOP_DELAY_MS: '50',
    });
    try {
      await app.ready();
      // Past the start-up grace, so what follows is overload rather than start-up.
      await new Promise((resolve) => setTimeout(resolve, STARTUP_GRACE_MS + 100));
      // Saturate the loop with 200 ms tasks for 3 s: at least one whole under-pressure sample (1 s)
      // then lies inside the load, wherever the sampling timer happens to fall.
      for (let i = 0; i < 15; i++) {
        const until = Date.now() + 200;
        while (Date.now() < until) {
          /* busy */
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      const response = await app.inject({ method: 'POST', url: '/api/v1/bands', payload: queryBody, headers: auth });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({
        code: 'OVERLOADED',
        message: expect.stringMatching(/overloaded \(eventLoopDelay \d+\)/),
      });
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
