import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Registry } from 'prom-client';
import { installErrorHandler } from '../http/error-handler.js';
import { createHealthMetrics } from '../metrics/health.js';
import { BandDetector, flush, recordingFit, ScriptedPrometheus } from '../watch/__fixtures__/fakes.js';
import { parseWatchConfig } from '../watch/config.js';
import { WatchService } from '../watch/service.js';
import { anomaliesRoutes } from './anomalies.js';
import { watchersRoutes } from './watchers.js';

const CONFIG = `watchers:
  - name: rx
    expr: rx_bytes
    step: 15s
    train: 10m
    role: bytes
    target: compose:shop:{{service}}
    signals:
      packets: rx_packets
  - name: quiet
    expr: nothing
    step: 1m
    train: 1h
    sensitivity: 0.97
`;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

describe('watch routes', () => {
  let app: FastifyInstance;
  let watch: WatchService;
  let spike = false;

  beforeAll(async () => {
    const prom = new ScriptedPrometheus((expr, t) =>
      expr === 'rx_bytes' ? [{ labels: { service: 'web' }, value: spike ? 1e7 : 1000 + 10 * Math.sin(t) }] : [],
    );
    watch = new WatchService({
      config: parseWatchConfig(CONFIG, 'watchers.yml'),
      source: prom,
      fit: recordingFit(),
      detectors: (spec, classify) => new BandDetector(Math.floor(spec.trainSeconds / spec.stepSeconds), classify),
      health: createHealthMetrics(new Registry()),
      logger: silent,
      maxFitsInFlight: 2,
    });
    const rx = watch.watchers[0]!;
    const start = Math.floor(Date.now() / 15000) * 15;
    await rx.backfill(start);
    await flush();
    await rx.step(start);
    spike = true;
    await rx.step(start + 15);

    // The app's own validator settings (app.ts), so unknown parameters are refused as they are there.
    app = Fastify({
      logger: false,
      ajv: {
        customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, allowUnionTypes: true },
      },
    }).withTypeProvider<TypeBoxTypeProvider>();
    installErrorHandler(app);
    await app.register(watchersRoutes, { watch });
    await app.register(anomaliesRoutes, { anomalies: watch.anomalies });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await watch.stop();
  });

  it('lists every watcher with its configuration and live state', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/watchers' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.source).toBe('watchers.yml');
    expect(body.watchers).toHaveLength(2);
    expect(body.watchers[0]).toEqual({
      name: 'rx',
      expr: 'rx_bytes',
      step: '15s',
      stepSeconds: 15,
      train: '10m',
      trainSeconds: 600,
      sensitivity: 'medium',
      confidence: 0.99,
      role: 'bytes',
      maxSeries: 10000,
      target: 'compose:shop:{{service}}',
      signals: { packets: 'rx_packets' },
      state: expect.objectContaining({ status: 'running', series: 1, present: 1, openExcursions: 1, lastError: null }),
    });
    expect(body.watchers[1]).toMatchObject({
      name: 'quiet',
      sensitivity: 0.97,
      confidence: 0.97,
      target: null,
      signals: {},
    });
    expect(body.watchers[1].state).toMatchObject({ status: 'idle', series: 0, lastStep: null });
  });

  it('lists recent anomalies with the series labels, kind, score and band', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/anomalies' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.capacity).toBe(1000);
    expect(body.anomalies).toEqual([
      {
        id: expect.any(Number),
        watcher: 'rx',
        labels: { service: 'web' },
        target: 'compose:shop:web',
        kind: 'spike',
        direction: 1,
        score: expect.any(Number),
        start: expect.any(Number),
        end: null,
        peak: {
          t: expect.any(Number),
          value: 1e7,
          forecast: expect.any(Number),
          lower: expect.any(Number),
          upper: expect.any(Number),
        },
        reasons: [],
      },
    ]);
  });

  it('filters anomalies by watcher and state', async () => {
    const open = await app.inject({ method: 'GET', url: '/api/v1/anomalies?watcher=rx&open=true&limit=5' });
    expect(open.json().anomalies).toHaveLength(1);
    const closed = await app.inject({ method: 'GET', url: '/api/v1/anomalies?open=false' });
    expect(closed.json().anomalies).toHaveLength(0);
    const other = await app.inject({ method: 'GET', url: '/api/v1/anomalies?watcher=quiet' });
    expect(other.json().anomalies).toHaveLength(0);
  });

  it('answers 400 naming the field for a bad query', async () => {
    const badLimit = await app.inject({ method: 'GET', url: '/api/v1/anomalies?limit=0' });
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().message).toMatch(/limit/);
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/anomalies?colour=red' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/colour|additional/);
    const badOpen = await app.inject({ method: 'GET', url: '/api/v1/anomalies?open=maybe' });
    expect(badOpen.statusCode).toBe(400);
    expect(badOpen.json().message).toMatch(/open/);
  });
});
