import { SIDECAR_PROXY_URL } from '../constants';
import { installFakeBackend } from '../testing/backend';
import { getAuditPage, getReadiness, listAnomalies, listTargets, newIdempotencyKey, scaleTarget } from './client';
import { SidecarError } from './http';

jest.mock('@grafana/runtime', () => jest.requireActual('../testing/backend').mockRuntime());

describe('sidecar client', () => {
  it('resolves an unready sidecar (503) with its reasons instead of failing', async () => {
    const unready = { status: 'unready', checks: [], message: 'prometheus at http://p:9090: ECONNREFUSED' };
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/readyz`]: { status: 503, body: unready } });
    await expect(getReadiness()).resolves.toEqual(unready);
  });

  it('fails on a 503 that is not a readiness answer (Grafana could not reach the sidecar)', async () => {
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/readyz`]: { status: 503, body: { message: 'proxy error' } } });
    await expect(getReadiness()).rejects.toBeInstanceOf(SidecarError);
  });

  it('scales a target by its encoded id with an Idempotency-Key', async () => {
    const backend = installFakeBackend({
      [`POST ${SIDECAR_PROXY_URL}/api/v1/targets/swarm%3Aweb/scale`]: { body: { after: 3 } },
    });

    await scaleTarget('swarm:web', { replicas: 3, reason: 'test' }, 'key-1');

    expect(backend.requests[0]).toMatchObject({
      method: 'POST',
      data: { replicas: 3, reason: 'test' },
      headers: { 'Idempotency-Key': 'key-1' },
    });
  });

  it('pages the audit log with limit, offset and an optional target filter', async () => {
    const backend = installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/api/v1/audit`]: {
        body: { items: [], total: 0, offset: 50, limit: 25, skippedLines: [] },
      },
    });

    await getAuditPage({ limit: 25, offset: 50 });
    await getAuditPage({ limit: 25, offset: 0, target: 'swarm:web' });

    expect(backend.requests.map((r) => r.params)).toEqual([
      { limit: 25, offset: 50 },
      { limit: 25, offset: 0, target: 'swarm:web' },
    ]);
  });

  it('unwraps the targets and anomalies lists', async () => {
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/api/v1/targets`]: { body: { targets: [{ id: 'swarm:web' }] } },
      [`GET ${SIDECAR_PROXY_URL}/api/v1/anomalies`]: { body: { anomalies: [{ id: 7 }] } },
    });
    await expect(listTargets()).resolves.toEqual([{ id: 'swarm:web' }]);
    await expect(listAnomalies({ since: 10.7 })).resolves.toEqual([{ id: 7 }]);
  });

  it('makes a different 128-bit idempotency key each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });
});
