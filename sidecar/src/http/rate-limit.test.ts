import { secureApp, TOKEN, type SecureApp } from './__fixtures__/secure-app.js';

const auth = { authorization: `Bearer ${TOKEN}` };

async function codes(s: SecureApp, requests: Array<{ url: string; headers?: Record<string, string> }>) {
  const result: number[] = [];
  for (const { url, headers } of requests) {
    result.push((await s.app.inject({ method: 'GET', url, headers: headers ?? {} })).statusCode);
  }
  return result;
}

describe('rate limiting', () => {
  let s: SecureApp;
  afterEach(() => s.close());

  it('counts failed logins against the limit', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '2' });
    const bad = { authorization: 'Bearer wrong-token-0123456789' };
    expect(
      await codes(s, [
        { url: '/api/v1/audit', headers: bad },
        { url: '/api/v1/audit', headers: bad },
      ]),
    ).toEqual([401, 401]);
    expect(
      await codes(s, [
        { url: '/api/v1/audit', headers: bad },
        { url: '/api/v1/audit', headers: auth },
      ]),
    ).toEqual([429, 429]);
  });

  it('limits a route however its path is spelled', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '2' });
    const urls = ['/%61pi/v1/audit', '/ap%69/v1/audit', '/api/v1/%61udit'];
    expect(
      await codes(
        s,
        urls.map((url) => ({ url, headers: auth })),
      ),
    ).toEqual([200, 200, 429]);
  });

  it('gives each Grafana user behind one address a budget of their own', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '2' });
    const as = (user: string) => ({ url: '/api/v1/audit', headers: { ...auth, 'x-grafana-user': user } });
    expect(await codes(s, [as('alice'), as('alice'), as('alice')])).toEqual([200, 200, 429]);
    expect(await codes(s, [as('bob'), as('bob')])).toEqual([200, 200]);
  });

  it('still caps the address, so a caller cannot mint budgets by inventing users', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '2', NTMA_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '3' });
    const as = (user: string) => ({ url: '/api/v1/audit', headers: { ...auth, 'x-grafana-user': user } });
    expect(await codes(s, [as('u1'), as('u2'), as('u3'), as('u4')])).toEqual([200, 200, 200, 429]);
  });

  it('answers 429 with Retry-After through the one error handler', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '1' });
    await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: auth });
    const response = await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: auth });
    expect(response.statusCode).toBe(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/per minute/) });
  });

  it('never limits health, readiness or metrics', async () => {
    s = await secureApp({ NTMA_RATE_LIMIT_PER_MINUTE: '1' });
    expect(
      await codes(s, [{ url: '/healthz' }, { url: '/healthz' }, { url: '/metrics' }, { url: '/metrics' }]),
    ).toEqual([200, 200, 200, 200]);
  });
});
