import type { BandsAnswer } from '@ntma/contract';
import { PoolBandsEngine } from '../../sidecar/src/bands/pool-engine.js';
import { ForecastPool } from '../../sidecar/src/forecast/pool.js';
import { backfill, cleanBackfill, dailyTraffic, type Backfilled, type KnownSeries } from '../support/backfill.js';
import { describeWith, prometheus, promtool } from '../support/components.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN, type RunningSidecar } from '../support/sidecar.js';

const MINUTE = 60;
const DAY = 86400;
// Whole hours ending two hours ago: every sample sits in a backfilled block.
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 2 * 3600;
const HISTORY_DAYS = 8; // a week of training and the banded day
const T0 = END - HISTORY_DAYS * DAY;
const COUNT = HISTORY_DAYS * 1440 + 1;
const SPIKE_AT = END - 6 * 3600; // inside the banded last day
const DROP_AT = END - 3 * 3600;

const traffic = dailyTraffic(COUNT, MINUTE, T0, 7).map((v, i) => {
  const t = T0 + i * MINUTE;
  return t === SPIKE_AT ? v + 1500 : t === DROP_AT ? v - 900 : v;
});
const seasonal: KnownSeries = {
  metric: 'ntma_test_traffic',
  labels: { instance: 'seasonal' },
  start: T0,
  step: MINUTE,
  values: traffic,
};
// A straight line at 15 s: each value names its own sample, so a split range can be checked point
// by point. 40,320 banded points, 6 h of training and up to 40 warm-up points before them.
const RAMP_STEP = 15;
const RAMP_POINTS = 40320 + 1440 + 40;
const RAMP_START = END - (RAMP_POINTS - 1) * RAMP_STEP;
const ramp: KnownSeries = {
  metric: 'ntma_test_index',
  labels: { case: 'ramp' },
  start: RAMP_START,
  step: RAMP_STEP,
  values: Array.from({ length: RAMP_POINTS }, (_, i) => i),
};

const QUERY = 'ntma_test_traffic{instance="seasonal"}';
const rfc3339 = (seconds: number): string => new Date(seconds * 1000).toISOString();

type Answer = BandsAnswer;

/** A success or an error body; each test reads the fields of the one it expects. */
type Json = Answer & { code: string; message: string };

async function post(
  sidecar: RunningSidecar,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(`${sidecar.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    // A hung socket fails the test here instead of at jest's timeout.
    signal: AbortSignal.timeout(60000),
  });
  return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
}

// Overload shedding is covered by the route tests; a busy CI machine must not shed these requests.
const ENV = { NTMA_MAX_EVENT_LOOP_DELAY_MS: '600000', NTMA_FIT_WORKERS: '2' };
const NO_WATCHERS = { watchers: { source: '<none>', watchers: [] } };

describeWith([prometheus, promtool], 'bands API on a real Prometheus with eight days of known history', () => {
  let history: Backfilled;
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;

  beforeAll(async () => {
    history = await backfill([seasonal, ramp]);
    prom = await startPrometheus({ storageDir: history.storageDir });
    sidecar = await startSidecar({ ...ENV, PROMETHEUS_URL: prom.url }, { services: NO_WATCHERS });
  });

  afterAll(async () => {
    await sidecar?.close();
    await prom?.stop();
    if (prom) cleanPrometheus(prom);
    if (history) cleanBackfill(history);
  });

  const bandsOverLastDay = { query: QUERY, start: rfc3339(END - DAY), end: rfc3339(END), step: '1m', train: '7d' };

  it('bands a seasonal series: the band covers most points and the injected spike and drop are flagged', async () => {
    const { status, body } = await post(sidecar, '/api/v1/bands', bandsOverLastDay);
    expect(status).toBe(200);
    const answer = body as Answer;
    expect(answer.train).toEqual({ start: END - DAY - 7 * DAY, end: END - DAY });
    expect(answer.series).toHaveLength(1);
    const series = answer.series[0]!;
    expect(series.error).toBeUndefined();
    expect(series.model).not.toBe('none');
    expect(series.timestamps).toHaveLength(1441);
    expect(series.timestamps[0]).toBe(END - DAY);
    expect(series.actual[0]).toBeCloseTo(traffic[(END - DAY - T0) / MINUTE]!, 6);
    expect(series.coverage).toBeGreaterThan(0.85);
    const flagged = series.timestamps.filter((_, i) => series.anomaly[i]);
    expect(flagged).toEqual(expect.arrayContaining([SPIKE_AT, DROP_AT]));
    expect(flagged.length).toBeLessThan(0.1 * series.timestamps.length);
    const spike = series.timestamps.indexOf(SPIKE_AT);
    const typical = [...series.score].sort((a, b) => a - b)[Math.floor(series.score.length / 2)]!;
    expect(series.score[spike]).toBeGreaterThan(typical);
    expect(series.score.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(series.cached).toBe(false);
  });

  it('serves a repeated request from the model cache', async () => {
    const { status, body } = await post(sidecar, '/api/v1/bands', bandsOverLastDay);
    expect(status).toBe(200);
    expect((body as Answer).series[0]).toMatchObject({ cached: true, fitMs: 0 });
  });

  it('gives the panel the same band from the points it sends as from the query', async () => {
    const fromQuery = (await post(sidecar, '/api/v1/bands', bandsOverLastDay)).body as Answer;
    const first = (END - 8 * DAY - T0) / MINUTE;
    const points = traffic.slice(first, first + 8 * 1440 + 1).map((v, i) => [END - 8 * DAY + i * MINUTE, v]);
    const { status, body } = await post(sidecar, '/api/v1/bands/series', {
      series: [{ id: 'seasonal', labels: { instance: 'seasonal' }, points }],
      train: '7d',
    });
    expect(status).toBe(200);
    const fromPoints = (body as Answer).series[0]!;
    const expected = fromQuery.series[0]!;
    expect(fromPoints.timestamps).toEqual(expected.timestamps);
    expect(fromPoints.model).toBe(expected.model);
    for (let i = 0; i < expected.forecast.length; i += 97) {
      expect(fromPoints.forecast[i]).toBeCloseTo(expected.forecast[i]!, 6);
      expect(fromPoints.upper[i]).toBeCloseTo(expected.upper[i]!, 6);
    }
    // The compact form of the same points (start + values, with the step) is the same request.
    const compact = await post(sidecar, '/api/v1/bands/series', {
      series: [
        { id: 'seasonal', labels: { instance: 'seasonal' }, start: END - 8 * DAY, values: points.map(([, v]) => v) },
      ],
      step: '1m',
      train: '7d',
    });
    expect(compact.status).toBe(200);
    const fromValues = (compact.body as Answer).series[0]!;
    expect(fromValues.timestamps).toEqual(fromPoints.timestamps);
    expect(fromValues.forecast).toEqual(fromPoints.forecast);
    expect(fromValues.upper).toEqual(fromPoints.upper);
  });

  it('splits a 40,320-point range over Prometheus limit and joins it without duplicate or missing timestamps', async () => {
    const start = END - 40319 * RAMP_STEP;
    const { status, body } = await post(sidecar, '/api/v1/bands', {
      query: 'ntma_test_index{case="ramp"}',
      start,
      end: END,
      step: RAMP_STEP,
      train: '6h',
    });
    expect(status).toBe(200);
    const series = body.series[0]!;
    expect(series.timestamps).toHaveLength(40320);
    const offTime = series.timestamps.filter((t, k) => t !== start + k * RAMP_STEP);
    expect(offTime).toEqual([]);
    // Value i sits at RAMP_START + i·15 s.
    const wrong = series.actual.filter((v, k) => v !== (start + k * RAMP_STEP - RAMP_START) / RAMP_STEP);
    expect(wrong).toEqual([]);
    for (const key of ['forecast', 'lower', 'upper', 'score', 'anomaly'] as const) {
      expect(series[key]).toHaveLength(40320);
    }
  });

  it("answers a bad PromQL expression with 400 and Prometheus' own message", async () => {
    const { status, body } = await post(sidecar, '/api/v1/bands', {
      ...bandsOverLastDay,
      query: 'rate(ntma_test_traffic[5m]',
    });
    expect(status).toBe(400);
    expect(body.code).toBe('BAD_QUERY');
    expect(body.message).toMatch(/parse error/);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const missing = await post(sidecar, '/api/v1/bands', { ...bandsOverLastDay, step: undefined });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toBe('step: is required');
    const tooMany = await post(sidecar, '/api/v1/bands/series', {
      series: Array.from({ length: 51 }, (_, i) => ({
        id: `s${i}`,
        labels: {},
        points: [
          [END, 1],
          [END + 60, 2],
        ],
      })),
    });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.message).toMatch(/^series: 51 series/);
    const ms = await post(sidecar, '/api/v1/bands', { ...bandsOverLastDay, start: (END - DAY) * 1000 });
    expect(ms.status).toBe(400);
    expect(ms.body.message).toMatch(/^start: .*milliseconds/);
  });

  it('answers 502 naming the Prometheus URL once Prometheus is stopped', async () => {
    await prom.stop();
    const { status, body } = await post(sidecar, '/api/v1/bands', { ...bandsOverLastDay, start: rfc3339(END - 3600) });
    expect(status).toBe(502);
    expect(body.code).toBe('PROMETHEUS_UNAVAILABLE');
    expect(body.message).toContain(prom.url);
  });

  it('counts its fits and the failed query in the health metrics', async () => {
    const text = await (await fetch(`${sidecar.url}/metrics`)).text();
    const value = (series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('ntma_fit_duration_seconds_count{source="bands",outcome="ok"}')).toBeGreaterThanOrEqual(2);
    expect(value('ntma_prometheus_query_errors_total{source="bands",code="PROMETHEUS_UNAVAILABLE"}')).toBe(1);
    expect(value('ntma_fit_queue_depth{queue="pool"}')).toBe(0);
  });
});

describeWith([prometheus], 'bands API when a fit worker crashes or hangs', () => {
  const CRASH = -424242;
  const HANG = -434343;
  let sidecar: RunningSidecar;
  let pool: ForecastPool;

  beforeAll(async () => {
    const workerUrl = new URL('./bands-crash-worker.mjs', `file://${__filename}`);
    pool = new ForecastPool({ workers: 1, timeoutMs: 3000, workerUrl });
    const engine = new PoolBandsEngine({ pool });
    // Prometheus is never asked: these requests carry their points.
    sidecar = await startSidecar(
      { ...ENV, PROMETHEUS_URL: 'http://127.0.0.1:9' },
      { services: { ...NO_WATCHERS, bandsEngine: engine } },
    );
  });

  afterAll(async () => {
    await sidecar?.close();
    await pool?.close();
  });

  const body = (first: number, seed: number) => {
    const values = dailyTraffic(2 * 1440, MINUTE, END - 2 * DAY, seed);
    values[0] = first;
    return {
      series: [
        {
          id: `seed-${seed}`,
          labels: { seed: String(seed) },
          points: values.map((v, i) => [END - 2 * DAY + i * MINUTE, v]),
        },
      ],
      train: '1d',
    };
  };

  it('answers 503 with Retry-After when the worker dies mid-fit, then serves the next request', async () => {
    const started = Date.now();
    const crashed = await post(sidecar, '/api/v1/bands/series', body(CRASH, 1));
    expect(crashed.status).toBe(503);
    expect(crashed.body.code).toBe('FORECAST_WORKER_CRASHED');
    expect(crashed.body.message).toMatch(/memory access out of bounds/);
    expect(crashed.headers.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeLessThan(10000);
    const next = await post(sidecar, '/api/v1/bands/series', body(500, 2));
    expect(next.status).toBe(200);
    expect(next.body.series[0]!.model).not.toBe('none');
  });

  it('answers 503 when a fit hangs past its budget, then serves the next request', async () => {
    const hung = await post(sidecar, '/api/v1/bands/series', body(HANG, 3));
    expect(hung.status).toBe(503);
    expect(hung.body.code).toBe('FORECAST_TIMEOUT');
    const next = await post(sidecar, '/api/v1/bands/series', body(500, 4));
    expect(next.status).toBe(200);
  });
});
