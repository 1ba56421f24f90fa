import { secureApp, TOKEN, type SecureApp } from '../http/__fixtures__/secure-app.js';

const auth = { authorization: `Bearer ${TOKEN}` };

describe('numeric query parameters', () => {
  let s: SecureApp;
  beforeAll(async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '1000000' });
  });
  afterAll(() => s.close());

  const get = (url: string) => s.app.inject({ method: 'GET', url, headers: auth });

  it.each([
    ['/api/v1/audit?limit=Infinity', 'limit'],
    ['/api/v1/audit?limit=-Infinity', 'limit'],
    ['/api/v1/audit?limit=NaN', 'limit'],
    ['/api/v1/audit?limit=1e400', 'limit'],
    ['/api/v1/audit?limit=2.5', 'limit'],
    ['/api/v1/audit?offset=1000000001', 'offset'],
    ['/api/v1/audit?limit=', 'limit'],
    ['/api/v1/audit?offset=Infinity', 'offset'],
    ['/api/v1/audit?offset=1e300', 'offset'],
    ['/api/v1/audit?offset=-1', 'offset'],
    ['/api/v1/audit?limit=1&limit=2', 'limit'],
    ['/api/v1/anomalies?limit=Infinity', 'limit'],
    ['/api/v1/anomalies?since=Infinity', 'since'],
    ['/api/v1/anomalies?since=1e400', 'since'],
    ['/api/v1/anomalies?since=NaN', 'since'],
    ['/api/v1/anomalies?since=100000000001', 'since'],
  ])('answers %s with 400 naming %s', async (url, field) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(new RegExp(field));
  });

  it.each(['/api/v1/audit?limit=10&offset=0', '/api/v1/anomalies?limit=5&since=0'])('still answers %s', async (url) => {
    expect((await get(url)).statusCode).toBe(200);
  });

  it.each([
    ['/api/v1/targets/compose:p:s/scale', '{"replicas": "1e400", "reason": "r"}', 'replicas'],
    ['/api/v1/targets/compose:p:s/scale', '{"delta": 1e400, "reason": "r"}', 'delta'],
    [
      '/api/v1/bands/series',
      '{"series": [{"id": "a", "labels": {}, "points": [[1e400, 1]]}]}',
      'series[0].points[0][0]',
    ],
    [
      '/api/v1/bands/series',
      '{"series": [{"id": "a", "labels": {}, "points": [[1, -1e400]]}]}',
      'series[0].points[0][1]',
    ],
    [
      '/api/v1/bands/series',
      '{"series": [{"id": "a", "labels": {}, "start": 1, "values": [1, 2, 1e400]}], "step": 60}',
      'series[0].values[2]',
    ],
    ['/api/v1/bands', '{"query": "up", "start": 1e400, "end": 1, "step": 60}', 'start'],
    ['/api/v1/bands', '{"query": "up", "start": 1, "end": 2, "step": "1e400"}', 'step'],
  ])(
    'answers a body to %s holding a number beyond float range with 400 naming the field',
    async (url, payload, field) => {
      const response = await s.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { ...auth, 'content-type': 'application/json' },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain(field);
    },
  );
});
