import { Registry } from 'prom-client';
import { createHealthMetrics } from './health.js';
import { exposition } from '../routes/metrics.js';
import { EXPOSITION_SERIES_PER_TURN, registerSeriesMetrics, type SeriesSample } from './series-metrics.js';

/** The sample lines of one metric in an exposition, as "labels value" strings. */
function samplesOf(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => line.slice(name.length));
}

function helpOf(text: string, name: string): string | undefined {
  return text
    .split('\n')
    .find((line) => line.startsWith(`# HELP ${name} `))
    ?.slice(`# HELP ${name} `.length);
}

const inside: SeriesSample = {
  labels: { instance: 'a', device: 'eth0', watcher: 'rx' },
  actual: 1010,
  forecast: 1000,
  lower: 950,
  upper: 1050,
  anomaly: 0,
  score: 0.01,
  kind: null,
};

describe('per-series metrics', () => {
  it('exports each watched series with its own labels plus watcher', async () => {
    const registry = new Registry();
    registerSeriesMetrics(registry).setSource(() => [inside]);
    const text = await registry.metrics();
    const labels = '{instance="a",device="eth0",watcher="rx"}';
    expect(samplesOf(text, 'ntma_forecast')).toEqual([`${labels} 1000`]);
    expect(samplesOf(text, 'ntma_band_upper')).toEqual([`${labels} 1050`]);
    expect(samplesOf(text, 'ntma_band_lower')).toEqual([`${labels} 950`]);
    expect(samplesOf(text, 'ntma_actual')).toEqual([`${labels} 1010`]);
    expect(samplesOf(text, 'ntma_anomaly')).toEqual([`${labels} 0`]);
    expect(samplesOf(text, 'ntma_anomaly_score')).toEqual([`${labels} 0.01`]);
    expect(samplesOf(text, 'ntma_anomaly_kind_info')).toEqual([]);
    expect(text).toContain('# TYPE ntma_anomaly gauge');
  });

  it('exports an open excursion as kind info and the anomaly direction', async () => {
    const registry = new Registry();
    const spike: SeriesSample = { ...inside, actual: 9000, anomaly: 1, score: 0.97, kind: 'attack_suspected' };
    registerSeriesMetrics(registry).setSource(() => [spike]);
    const text = await registry.metrics();
    expect(samplesOf(text, 'ntma_anomaly')).toEqual(['{instance="a",device="eth0",watcher="rx"} 1']);
    expect(samplesOf(text, 'ntma_anomaly_kind_info')).toEqual([
      '{instance="a",device="eth0",watcher="rx",kind="attack_suspected"} 1',
    ]);
  });

  it('leaves out what is unknown instead of writing a zero', async () => {
    const registry = new Registry();
    const missing: SeriesSample = { ...inside, actual: null, anomaly: null, score: null };
    const warming: SeriesSample = {
      labels: { instance: 'b', watcher: 'rx' },
      actual: 5,
      forecast: null,
      lower: null,
      upper: null,
      anomaly: null,
      score: null,
      kind: null,
    };
    registerSeriesMetrics(registry).setSource(() => [missing, warming]);
    const text = await registry.metrics();
    // The missing series keeps its forecast and band (the outage rule needs them), nothing else.
    expect(samplesOf(text, 'ntma_forecast')).toEqual(['{instance="a",device="eth0",watcher="rx"} 1000']);
    expect(samplesOf(text, 'ntma_anomaly')).toEqual([]);
    expect(samplesOf(text, 'ntma_anomaly_score')).toEqual([]);
    expect(samplesOf(text, 'ntma_actual')).toEqual(['{instance="b",watcher="rx"} 5']);
  });

  it('drops a series from /metrics as soon as the watchers drop it', async () => {
    const registry = new Registry();
    let samples: SeriesSample[] = [inside, { ...inside, labels: { instance: 'b', watcher: 'rx' } }];
    registerSeriesMetrics(registry).setSource(() => samples);
    expect(samplesOf(await registry.metrics(), 'ntma_forecast')).toHaveLength(2);
    samples = [inside];
    expect(samplesOf(await registry.metrics(), 'ntma_forecast')).toHaveLength(1);
  });

  it('escapes label values so any series label survives the exposition format', async () => {
    const registry = new Registry();
    registerSeriesMetrics(registry).setSource(() => [{ ...inside, labels: { path: 'a"b\\c\nd', watcher: 'rx' } }]);
    expect(samplesOf(await registry.metrics(), 'ntma_forecast')).toEqual(['{path="a\\"b\\\\c\\nd",watcher="rx"} 1000']);
  });

  it('renders for /metrics exactly what prom-client renders, across many slices', async () => {
    const registry = new Registry();
    createHealthMetrics(registry).loopLag.set({ watcher: 'rx' }, 0.5);
    const many: SeriesSample[] = Array.from({ length: 2 * EXPOSITION_SERIES_PER_TURN + 7 }, (_, i) => ({
      ...inside,
      labels: { path: `a"b\\c\nd${i}`, watcher: 'rx' },
      actual: i % 5 === 0 ? null : i * 1.5,
      anomaly: i % 7 === 0 ? 1 : 0,
      score: i % 11 === 0 ? null : 1 / (i + 1),
      kind: i % 13 === 0 ? 'spike' : null,
    }));
    registerSeriesMetrics(registry).setSource(() => many);
    const text = await exposition(registry);
    expect(text).toBe(await registry.metrics());
    expect(samplesOf(text, 'ntma_anomaly_kind_info')).toHaveLength(Math.ceil(many.length / 13));
  });

  it('exports nothing before the watchers are attached, but still describes every metric', async () => {
    const registry = new Registry();
    registerSeriesMetrics(registry);
    const text = await registry.metrics();
    for (const name of [
      'ntma_forecast',
      'ntma_band_upper',
      'ntma_band_lower',
      'ntma_anomaly',
      'ntma_anomaly_score',
      'ntma_anomaly_kind_info',
      'ntma_actual',
    ]) {
      expect(samplesOf(text, name)).toEqual([]);
      expect(helpOf(text, name)?.length).toBeGreaterThan(40);
    }
    expect(helpOf(text, 'ntma_anomaly')).toMatch(/1 above, -1 below, 0 inside/);
  });
});

describe('health metrics', () => {
  it('reports queue depths read at scrape time', async () => {
    const registry = new Registry();
    const health = createHealthMetrics(registry);
    let depth = 3;
    health.addQueue('watch', () => depth);
    health.addQueue('pool', () => 7);
    let text = await registry.metrics();
    expect(samplesOf(text, 'ntma_fit_queue_depth').sort()).toEqual(['{queue="pool"} 7', '{queue="watch"} 3']);
    depth = 0;
    text = await registry.metrics();
    expect(samplesOf(text, 'ntma_fit_queue_depth')).toContain('{queue="watch"} 0');
  });

  it('reports series per watcher and state', async () => {
    const registry = new Registry();
    createHealthMetrics(registry).setSeriesCounts(() => [
      { watcher: 'rx', state: 'present', count: 9 },
      { watcher: 'rx', state: 'missing', count: 1 },
    ]);
    expect(samplesOf(await registry.metrics(), 'ntma_watch_series')).toEqual([
      '{watcher="rx",state="present"} 9',
      '{watcher="rx",state="missing"} 1',
    ]);
  });

  it('counts query errors and fit durations with their labels', async () => {
    const registry = new Registry();
    const health = createHealthMetrics(registry);
    health.queryErrors.inc({ source: 'watch', code: 'PROMETHEUS_UNAVAILABLE' });
    health.fitDuration.observe({ source: 'watch', outcome: 'ok' }, 0.03);
    health.loopLag.set({ watcher: 'rx' }, 0.2);
    const text = await registry.metrics();
    expect(samplesOf(text, 'ntma_prometheus_query_errors_total')).toEqual([
      '{source="watch",code="PROMETHEUS_UNAVAILABLE"} 1',
    ]);
    expect(samplesOf(text, 'ntma_fit_duration_seconds_count')).toEqual(['{source="watch",outcome="ok"} 1']);
    expect(samplesOf(text, 'ntma_fit_duration_seconds_bucket')).toContain('{le="0.05",source="watch",outcome="ok"} 1');
    expect(samplesOf(text, 'ntma_watch_lag_seconds')).toEqual(['{watcher="rx"} 0.2']);
    expect(helpOf(text, 'ntma_watch_lag_seconds')).toMatch(/scheduled evaluation time/);
  });
});
