import { lastValueFrom } from 'rxjs';
import {
  type DataQueryRequest,
  type DataSourceInstanceSettings,
  DataTopic,
  dateTime,
  LoadingState,
  type ScopedVars,
} from '@grafana/data';
import type { BandsQueryRequest } from '@ntma/contract';
import { SIDECAR_PROXY_URL } from '../../constants';
import { installFakeBackend } from '../../testing/backend';
import { BandsDataSource } from './datasource';
import { answerOf, seriesBand } from './testAnswer';
import type { BandsQuery } from './types';

jest.mock('@grafana/runtime', () => jest.requireActual('../../testing/backend').mockRuntime());

const BANDS = `POST ${SIDECAR_PROXY_URL}/api/v1/bands`;
const SETTINGS = { uid: 'ntma-bands', type: 'ntma-bands-datasource', name: 'NTMA bands' } as DataSourceInstanceSettings;
const FROM = Date.UTC(2026, 0, 1, 0, 0, 0);
const TO = FROM + 3 * 3_600_000;

/** Replaces $name and ${name} from scopedVars, then the dashboard's own values, as Grafana's template service does. */
function templateSrv(dashboard: Record<string, string | string[]>) {
  return {
    replace: (text = '', scopedVars?: ScopedVars, format?: string | Function) =>
      text.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => {
        const value = scopedVars?.[name]?.value ?? dashboard[name];
        if (value === undefined) {
          return whole;
        }
        return typeof format === 'function' ? format(value) : String(value);
      }),
  };
}

function request(
  targets: BandsQuery[],
  overrides: Partial<DataQueryRequest<BandsQuery>> = {},
): DataQueryRequest<BandsQuery> {
  const from = dateTime(FROM);
  const to = dateTime(TO);
  return {
    requestId: 'Q1',
    app: 'explore',
    interval: '1m',
    intervalMs: 60_000,
    maxDataPoints: 1000,
    range: { from, to, raw: { from: 'now-3h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    startTime: FROM,
    ...overrides,
  };
}

describe('the bands data source', () => {
  it('posts the interpolated PromQL, the aligned range, step, confidence and training window through the app proxy', async () => {
    const backend = installFakeBackend({ [BANDS]: { body: answerOf([seriesBand({ device: 'eth0' }, [100])]) } });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({ instance: ['h1', 'h2'], device: 'eth0' }) });

    await lastValueFrom(
      ds.query(
        request([
          {
            refId: 'A',
            expr: 'sum by (device) (rate(rx{instance=~"$instance", device="$device"}[$__rate_interval]))',
            confidence: 0.99,
            train: '2d',
          },
        ]),
      ),
    );

    expect(backend.requests).toHaveLength(1);
    expect(backend.requests[0]!.url).toBe('/api/plugin-proxy/ntma-anomaly-app/sidecar/api/v1/bands');
    const body = backend.requests[0]!.data as BandsQueryRequest;
    expect(body).toEqual({
      // Multi-value variables become a regex alternation; $__rate_interval covers the step and four scrapes.
      query: 'sum by (device) (rate(rx{instance=~"(h1|h2)", device="eth0"}[$__rate_interval]))'.replace(
        '$__rate_interval',
        '1m15s',
      ),
      start: FROM / 1000,
      end: TO / 1000,
      step: 60,
      confidence: 0.99,
      train: '2d',
    });
  });

  it('returns the band frames and an annotations frame per query, refIds kept', async () => {
    const answer = answerOf([seriesBand({ device: 'eth0' }, [100, 200, 100]), seriesBand({ device: 'eth1' }, [100])]);
    installFakeBackend({ [BANDS]: { body: answer } });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });

    const response = await lastValueFrom(ds.query(request([{ refId: 'B', expr: 'rx', legendFormat: '{{device}}' }])));

    expect(response.state).toBe(LoadingState.Done);
    expect(response.errors).toBeUndefined();
    const frames = response.data as Array<{
      name?: string;
      refId?: string;
      meta?: { dataTopic?: DataTopic };
      length: number;
    }>;
    expect(frames.map((f) => [f.name, f.refId, f.meta?.dataTopic ?? 'series'])).toEqual([
      ['eth0', 'B', 'series'],
      ['eth1', 'B', 'series'],
      ['anomalies', 'B', DataTopic.Annotations],
    ]);
    expect(frames[2]!.length).toBe(1);
  });

  it('skips hidden and empty queries without asking the sidecar', async () => {
    const backend = installFakeBackend({ [BANDS]: { body: answerOf([]) } });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', expr: 'rx', hide: true },
          { refId: 'B', expr: '  ' },
        ]),
      ),
    );
    expect(backend.requests).toHaveLength(0);
    expect(response.data).toEqual([]);
  });

  it('shows an invalid confidence or training window as the query error without sending it', async () => {
    const backend = installFakeBackend({ [BANDS]: { body: answerOf([]) } });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', expr: 'rx', confidence: 0.5 },
          { refId: 'B', expr: 'rx', train: 'a week' },
        ]),
      ),
    );
    expect(backend.requests).toHaveLength(0);
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors).toEqual([
      { refId: 'A', message: 'Confidence 0.5 is outside 0.8..0.999' },
      { refId: 'B', message: expect.stringMatching(/^Training window: "a week" is not a duration/) },
    ]);
  });

  it("shows the sidecar's own message for a 4xx, naming the field", async () => {
    installFakeBackend({
      [BANDS]: {
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', code: 'BAD_QUERY', message: 'query: parse error at char 4' },
      },
    });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });
    const response = await lastValueFrom(ds.query(request([{ refId: 'A', expr: 'rx{' }])));
    expect(response.state).toBe(LoadingState.Error);
    expect(response.errors).toEqual([{ refId: 'A', message: 'Bands: query: parse error at char 4', status: 400 }]);
  });

  it('explains a 5xx without a body (Grafana could not reach the sidecar)', async () => {
    installFakeBackend({ [BANDS]: { status: 502, body: undefined } });
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });
    const response = await lastValueFrom(ds.query(request([{ refId: 'A', expr: 'rx' }])));
    expect(response.errors).toEqual([
      {
        refId: 'A',
        message: 'Bands: the sidecar is not reachable through Grafana (HTTP 502); check the sidecar URL',
        status: 502,
      },
    ]);
  });

  it('gives up after its timeout with a clear error, aborting the request', async () => {
    let aborted = false;
    const ds = new BandsDataSource(SETTINGS, {
      templateSrv: templateSrv({}),
      timeoutMs: 50,
      transport: (_body, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          }),
        ),
    });
    const response = await lastValueFrom(ds.query(request([{ refId: 'A', expr: 'rx' }])));
    expect(aborted).toBe(true);
    expect(response.errors).toEqual([{ refId: 'A', message: 'Bands: the sidecar did not answer within 50ms' }]);
  });

  it('keeps the answered queries when another one fails', async () => {
    const ds = new BandsDataSource(SETTINGS, {
      templateSrv: templateSrv({}),
      transport: async (body) => {
        if (body.query === 'bad') {
          throw new Error('boom');
        }
        return answerOf([seriesBand({ device: 'eth0' }, [100])]);
      },
    });
    const response = await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', expr: 'rx' },
          { refId: 'B', expr: 'bad' },
        ]),
      ),
    );
    expect(response.data.filter((f: { refId?: string }) => f.refId === 'A')).toHaveLength(2);
    expect(response.errors).toEqual([{ refId: 'B', message: 'Bands: boom' }]);
  });

  it('aborts the sidecar request when Grafana unsubscribes (a newer query replaced it)', async () => {
    let signal: AbortSignal | undefined;
    const ds = new BandsDataSource(SETTINGS, {
      templateSrv: templateSrv({}),
      transport: (_body, s) => {
        signal = s;
        return new Promise(() => {});
      },
    });
    const subscription = ds.query(request([{ refId: 'A', expr: 'rx' }])).subscribe();
    await new Promise((r) => setTimeout(r, 0));
    subscription.unsubscribe();
    expect(signal?.aborted).toBe(true);
  });

  it('tests the connection through the proxy route and says which dependency is down', async () => {
    const ds = new BandsDataSource(SETTINGS, { templateSrv: templateSrv({}) });
    installFakeBackend({ [`GET ${SIDECAR_PROXY_URL}/readyz`]: { body: { status: 'ready', checks: [] } } });
    await expect(ds.testDatasource()).resolves.toMatchObject({ status: 'success' });
    installFakeBackend({
      [`GET ${SIDECAR_PROXY_URL}/readyz`]: {
        status: 503,
        body: {
          status: 'unready',
          checks: [{ name: 'prometheus', target: 'http://p:9090', ok: false, error: 'ECONNREFUSED' }],
        },
      },
    });
    await expect(ds.testDatasource()).resolves.toEqual({
      status: 'error',
      message: 'The NTMA sidecar answers but is not ready: prometheus (http://p:9090): ECONNREFUSED',
    });
  });
});
