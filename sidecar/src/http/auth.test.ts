import { secureApp, TOKEN, type SecureApp } from './__fixtures__/secure-app.js';
import { sameSecret } from './auth.js';
import { isLoopbackHost } from './loopback-host.js';

describe('sameSecret', () => {
  it('accepts the secret and refuses anything else, whatever its length', () => {
    const secret = 'the-expected-secret-0123456789';
    expect(sameSecret(secret, secret)).toBe(true);
    for (const guess of ['', 't', secret.slice(0, -1), `${secret}x`, secret.toUpperCase(), 'x'.repeat(10000)]) {
      expect(sameSecret(guess, secret)).toBe(false);
    }
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback names with and without a port, and nothing else', () => {
    for (const host of ['localhost', 'localhost:1', '127.0.0.1', '127.255.255.255:65535', '[::1]', '[::1]:80']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      '127.0.0.256',
      '127.0.0.1.nip.io',
      '[::2]',
      '0.0.0.0',
      'localhost:x',
      'a@localhost',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});

describe('auth is decided by the matched route, never by the URL', () => {
  let s: SecureApp;
  beforeAll(async () => {
    s = await secureApp();
  });
  afterAll(() => s.close());

  it.each(['/%61pi/v1/audit', '/ap%69/v1/targets', '/api/v1/%61udit', '/%61%70%69/v1/watchers'])(
    'refuses GET %s without the token',
    async (url) => {
      const response = await s.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(401);
    },
  );

  it('refuses a scale POST spelled with percent-encoded letters without the token', async () => {
    const response = await s.app.inject({
      method: 'POST',
      url: '/%61pi/v1/targets/compose:p:s/scale',
      payload: { replicas: 2, reason: 'bypass attempt' },
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers the encoded spelling like the plain one once authenticated', async () => {
    const response = await s.app.inject({
      method: 'GET',
      url: '/%61pi/v1/audit',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('every route declares its auth mode', () => {
  it('refuses to start when a route under /api declares none', async () => {
    const s = await secureApp();
    s.app.get('/api/v1/undeclared', async () => ({ leaked: true }));
    await expect(s.app.ready()).rejects.toThrow(/no auth mode declared by GET \/api\/v1\/undeclared/);
    await s.close();
  });
});

describe('the tokenless (loopback-only) mode', () => {
  let s: SecureApp;
  beforeAll(async () => {
    s = await secureApp({ NTMA_API_TOKEN: '' });
  });
  afterAll(() => s.close());

  it.each(['localhost', 'localhost:8787', '127.0.0.1', '127.1.2.3:8787', '[::1]', '[::1]:8787', 'LOCALHOST:8787'])(
    'answers Host %s',
    async (host) => {
      const response = await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { host } });
      expect(response.statusCode).toBe(200);
    },
  );

  it.each(['evil.example', 'evil.example:8787', '127.0.0.1.evil.example', 'localhost.evil.example:8787', '10.0.0.1'])(
    'refuses Host %s (DNS rebinding) with 403 saying why',
    async (host) => {
      const response = await s.app.inject({ method: 'GET', url: '/api/v1/audit', headers: { host } });
      expect(response.statusCode).toBe(403);
      expect(response.json().message).toMatch(/loopback/);
    },
  );
});
