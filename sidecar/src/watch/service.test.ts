import { Registry } from 'prom-client';
import { createHealthMetrics } from '../metrics/health.js';
import { BandDetector, recordingFit, ScriptedPrometheus } from './__fixtures__/fakes.js';
import { parseWatchConfig } from './config.js';
import { WatchService } from './service.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 400);

async function metric(registry: Registry, name: string): Promise<number | undefined> {
  const json = await registry.getSingleMetric(name)?.get();
  return json?.values[0]?.value;
}

function service(prom: ScriptedPrometheus, released: string[] = []) {
  const registry = new Registry();
  const watch = new WatchService({
    config: parseWatchConfig('watchers:\n  - name: w\n    expr: x\n    step: 1s\n    train: 20s\n', 'w.yml'),
    source: prom,
    fit: recordingFit(),
    detectors: (spec, classify) => new BandDetector(Math.floor(spec.trainSeconds / spec.stepSeconds), classify),
    health: createHealthMetrics(registry),
    logger: silent,
    maxFitsInFlight: 2,
    release: async () => {
      released.push('pool');
    },
  });
  return { watch, registry };
}

describe('the watch loop', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('backfills, then evaluates every step on the step grid, once each', async () => {
    const prom = new ScriptedPrometheus((_e, t) => [{ labels: { i: 'a' }, value: 10 + (t % 3) }]);
    const { watch, registry } = service(prom);
    watch.start();
    await watch.ready();
    expect(prom.rangeCalls).toHaveLength(1);
    const first = Math.ceil(T0 / 1000);
    expect(prom.rangeCalls[0]!.end).toBe(first - 1);
    await jest.advanceTimersByTimeAsync(3500);
    const stepTimes = prom.instantCalls.slice(1).map((c) => c.time);
    expect(stepTimes).toEqual([first, first + 1, first + 2]);
    expect(await metric(registry, 'ntma_watch_lag_seconds')).toBeLessThan(1);
    await watch.stop();
  });

  it('skips a step while the previous one still runs, and counts it', async () => {
    let release: (() => void) | undefined;
    const prom = new ScriptedPrometheus((_e, t) => [{ labels: { i: 'a' }, value: t }]);
    const slow = prom.query.bind(prom);
    let calls = 0;
    prom.query = async (query, time) => {
      calls++;
      // The third live step hangs for 2.5 steps.
      if (calls === 4) await new Promise<void>((resolve) => (release = resolve));
      return slow(query, time);
    };
    const { watch, registry } = service(prom);
    watch.start();
    await watch.ready();
    await jest.advanceTimersByTimeAsync(5200);
    release?.();
    await jest.advanceTimersByTimeAsync(100);
    expect(await metric(registry, 'ntma_watch_steps_skipped_total')).toBe(2);
    expect(await metric(registry, 'ntma_watch_lag_seconds')).toBeGreaterThan(2);
    const times = prom.instantCalls.slice(1).map((c) => c.time!);
    // Still on the grid and in order after the slow step.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1);
    expect(times.every(Number.isInteger)).toBe(true);
    await watch.stop();
  });

  it('stops stepping when stopped, and releases what it owns', async () => {
    const prom = new ScriptedPrometheus(() => []);
    const released: string[] = [];
    const { watch } = service(prom, released);
    watch.start();
    await watch.ready();
    await jest.advanceTimersByTimeAsync(1500);
    await watch.stop();
    const calls = prom.instantCalls.length;
    await jest.advanceTimersByTimeAsync(5000);
    expect(prom.instantCalls.length).toBe(calls);
    expect(released).toEqual(['pool']);
    expect(watch.describe()[0]!.state.status).toBe('stopped');
  });

  it('counts failed queries by code and keeps stepping', async () => {
    const down = Object.assign(new Error('Prometheus at http://x is unreachable (ECONNREFUSED)'), {
      code: 'PROMETHEUS_UNAVAILABLE',
    });
    const prom = new ScriptedPrometheus(() => down);
    const { watch, registry } = service(prom);
    watch.start();
    // The backfill tries its first query three times, 1 s and 2 s apart, before it gives up.
    await jest.advanceTimersByTimeAsync(3000);
    await watch.ready();
    await jest.advanceTimersByTimeAsync(3500);
    const errors = await registry.getSingleMetric('ntma_prometheus_query_errors_total')!.get();
    expect(errors.values).toEqual([
      {
        labels: { source: 'watch', code: 'PROMETHEUS_UNAVAILABLE' },
        value: prom.instantCalls.length + prom.rangeCalls.length,
      },
    ]);
    expect(watch.describe()[0]!.state).toMatchObject({
      status: 'running',
      lastError: expect.stringMatching(/ECONNREFUSED/),
    });
    await watch.stop();
  });
});
