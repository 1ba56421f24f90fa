import { SIDECAR_PROXY_URL } from '../constants';
import { installFakeBackend } from '../testing/backend';
import { SidecarError, request, sidecar, toSidecarError } from './http';

jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());

describe('sidecar requests', () => {
  it('go through the plugin proxy route without Grafana toasts', async () => {
    const backend = installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/healthz`]: { body: { status: 'ok' } } });

    await expect(sidecar('/healthz')).resolves.toEqual({ status: 'ok' });

    expect(backend.requests[0]).toMatchObject({
      url: '/api/plugin-proxy/ntma-anomaly-app/sidecar/healthz',
      showErrorAlert: false,
      showSuccessAlert: false,
    });
  });

  it("reject with the sidecar's own message, status and code", async () => {
    installFakeBackend({
      [`POST ${SIDECAR_PROXY_URL}/api/v1/targets/web/scale`]: {
        status: 409,
        body: { statusCode: 409, code: 'LIMIT_EXCEEDED', message: 'replicas: 9 is above the maximum 5' },
      },
    });

    const error = await sidecar('/api/v1/targets/web/scale', { method: 'POST', data: {} }).catch((e) => e);

    expect(error).toBeInstanceOf(SidecarError);
    expect(error).toMatchObject({ status: 409, code: 'LIMIT_EXCEEDED', message: 'replicas: 9 is above the maximum 5' });
  });

  it('explain a bad gateway without a body as an unreachable sidecar', async () => {
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/readyz`]: { status: 502, body: '' } });

    const error = (await sidecar('/readyz').catch((e: unknown) => e)) as SidecarError;

    expect(error.status).toBe(502);
    expect(error.message).toMatch(/not reachable through Grafana.*check the sidecar URL/);
  });

  it('name the status when the answer has no message', async () => {
    installFakeBackend({ 'GET /api/x': { status: 418, body: null } });

    await expect(request({ url: '/api/x' })).rejects.toThrow('HTTP 418 Client Error');
  });
});

describe('toSidecarError', () => {
  it('keeps a thrown Error as the message with status 0 (no answer)', () => {
    const error = toSidecarError(new TypeError('Failed to fetch'));
    expect(error).toMatchObject({ status: 0, message: 'Failed to fetch' });
  });

  it('returns a SidecarError unchanged', () => {
    const original = new SidecarError('x', 400, 'BAD_REQUEST');
    expect(toSidecarError(original)).toBe(original);
  });
});
