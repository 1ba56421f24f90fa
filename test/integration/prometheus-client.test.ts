import { AnswerTooLarge, BadQuery, PrometheusUnavailable } from '../../sidecar/src/errors.js';
import { PrometheusClient } from '../../sidecar/src/prometheus/client.js';
import { timeAt } from '../../sidecar/src/series/grid.js';
import { backfill, cleanBackfill, type Backfilled, type KnownSeries } from '../support/backfill.js';
import { describeWith, prometheus, promtool } from '../support/components.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN } from '../support/sidecar.js';

const MINUTE = 60;
const STEP = 15;
// A week at 15 s: four requests' worth for Prometheus. (promtool writes one block per 2 hours of
// history, so a short step rather than a long span is the cheap way to many points.)
const POINTS = 40320;
// Whole hours, ending two hours ago, so every sample lives in a backfilled block.
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 2 * 3600;
const T0 = END - (POINTS - 1) * STEP;

/** value = its own index, so a value read back says exactly which sample Prometheus returned. */
const ramp: KnownSeries = {
  metric: 'ntma_test_index',
  labels: { case: 'ramp' },
  start: T0,
  step: STEP,
  values: Array.from({ length: POINTS }, (_, i) => i),
};

const NAN_AT = 100;
const INF_AT = 200;
const HOLE = { from: 300, to: 330 }; // 30 minutes without samples
const odd: KnownSeries = {
  metric: 'ntma_test_index',
  labels: { case: 'odd' },
  start: T0,
  step: MINUTE,
  values: Array.from({ length: 1000 }, (_, i) =>
    i === NAN_AT ? NaN : i === INF_AT ? Infinity : i >= HOLE.from && i < HOLE.to ? null : i,
  ),
};

describeWith([prometheus, promtool], 'Prometheus client against a real Prometheus with a week of history', () => {
  let prom: RunningPrometheus;
  let client: PrometheusClient;
  let history: Backfilled;

  beforeAll(async () => {
    history = await backfill([ramp, odd]);
    prom = await startPrometheus({ storageDir: history.storageDir });
    client = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 30000 });
  });

  afterAll(async () => {
    client?.close();
    await prom?.stop();
    if (prom) cleanPrometheus(prom);
    if (history) cleanBackfill(history);
  });

  it('needs the split: Prometheus itself refuses 40,320 points in one request', async () => {
    const form = new URLSearchParams({ query: 'ntma_test_index', start: `${T0}`, end: `${END}`, step: `${STEP}` });
    const response = await fetch(`${prom.url}/api/v1/query_range`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /exceeded maximum resolution of 11,000 points/,
    );
  });

  it("stops reading Prometheus' answer at the byte cap with 422 naming it", async () => {
    const capped = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 30000, maxResponseBytes: 64 * 1024 });
    try {
      const promise = capped.queryRange({ query: 'ntma_test_index', start: T0, end: END, step: STEP });
      await expect(promise).rejects.toBeInstanceOf(AnswerTooLarge);
      await expect(promise).rejects.toThrow(/65536 bytes \(NTMA_PROMETHEUS_MAX_BYTES\)/);
    } finally {
      capped.close();
    }
  });

  it('answers the bands API with 422 ANSWER_TOO_LARGE naming the byte cap', async () => {
    const sidecar = await startSidecar(
      { PROMETHEUS_URL: prom.url, NTMA_PROMETHEUS_MAX_BYTES: '16384' },
      { services: { watchers: { source: '<none>', watchers: [] } } },
    );
    try {
      const response = await fetch(`${sidecar.url}/api/v1/bands`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'ntma_test_index', start: END - 6 * 3600, end: END, step: STEP, train: '6h' }),
        signal: AbortSignal.timeout(60000),
      });
      expect(response.status).toBe(422);
      expect(await response.json()).toMatchObject({
        code: 'ANSWER_TOO_LARGE',
        message: expect.stringMatching(/16384 bytes \(NTMA_PROMETHEUS_MAX_BYTES\)/),
      });
    } finally {
      await sidecar.close();
    }
  });

  it('refuses a range whose series × steps pass the point cap', async () => {
    const capped = new PrometheusClient({ baseUrl: prom.url, timeoutMs: 30000, maxPoints: 50000 });
    try {
      // Two series × 40,320 steps: the second series is refused before it is allocated.
      const promise = capped.queryRange({ query: 'ntma_test_index', start: T0, end: END, step: STEP });
      await expect(promise).rejects.toThrow(/more than 50000 points \(NTMA_PROMETHEUS_MAX_POINTS\)/);
    } finally {
      capped.close();
    }
  });

  it('splits a 40,320-point range and returns every stored sample once, at its timestamp', async () => {
    const answer = await client.queryRange({
      query: 'ntma_test_index{case="ramp"}',
      start: T0,
      end: END,
      step: STEP,
    });
    expect(answer.grid.count).toBe(POINTS);
    expect(answer.series).toHaveLength(1);
    const values = answer.series[0]!.values;
    expect(values).toHaveLength(POINTS);
    const wrong = values.flatMap((v, k) => (v === k && timeAt(answer.grid, k) === T0 + k * STEP ? [] : [k]));
    expect(wrong).toEqual([]);
  });

  it('joins seams on a grid between the samples (10 s step over 15 s samples, 2 requests)', async () => {
    const end = T0 + 17280 * 10;
    const answer = await client.queryRange({ query: 'ntma_test_index{case="ramp"}', start: T0, end, step: 10 });
    expect(answer.grid.count).toBe(17281);
    const values = answer.series[0]!.values;
    // Between samples Prometheus returns the latest one at or before t.
    const wrong = values.flatMap((v, k) => (v === Math.floor((k * 10) / STEP) ? [] : [k]));
    expect(wrong).toEqual([]);
  });

  it('keeps NaN, +Inf and missing samples as gaps, never zeros', async () => {
    const answer = await client.queryRange({
      query: 'ntma_test_index{case="odd"}',
      start: T0,
      end: T0 + 999 * MINUTE,
      step: MINUTE,
    });
    const values = answer.series[0]!.values;
    expect(values[NAN_AT]).toBeNull();
    expect(values[INF_AT]).toBeNull();
    expect(values[NAN_AT - 1]).toBe(NAN_AT - 1);
    expect(values[INF_AT + 1]).toBe(INF_AT + 1);
    // Prometheus' 5-minute lookback carries the last sample into the hole, then it is a gap.
    expect(values.slice(HOLE.from, HOLE.from + 5)).toEqual(Array(5).fill(HOLE.from - 1));
    expect(values.slice(HOLE.from + 5, HOLE.to)).toEqual(Array(HOLE.to - HOLE.from - 5).fill(null));
    expect(values[HOLE.to]).toBe(HOLE.to);
    expect(values.filter((v) => v === 0)).toHaveLength(1); // only the real sample 0
  });

  it('answers instant queries and series lookups', async () => {
    const samples = await client.query('ntma_test_index{case="ramp"}', T0 + 600);
    expect(samples).toEqual([
      { labels: { __name__: 'ntma_test_index', case: 'ramp' }, t: T0 + 600, value: 600 / STEP },
    ]);
    const series = await client.series(['ntma_test_index'], T0, END);
    expect(series.map((s) => s.case).sort()).toEqual(['odd', 'ramp']);
  });

  it("answers a bad expression with BadQuery carrying Prometheus' message", async () => {
    const promise = client.queryRange({ query: 'rate(ntma_test_index[5m]', start: T0, end: T0 + 600, step: 60 });
    await expect(promise).rejects.toBeInstanceOf(BadQuery);
    await expect(promise).rejects.toThrow(/parse error/);
  });

  it('answers PrometheusUnavailable naming the URL once Prometheus is stopped', async () => {
    await prom.stop();
    const promise = client.queryRange({ query: 'ntma_test_index', start: T0, end: T0 + 600, step: 60 });
    await expect(promise).rejects.toBeInstanceOf(PrometheusUnavailable);
    await expect(promise).rejects.toThrow(`Prometheus at ${prom.url} is unreachable (ECONNREFUSED)`);
  });
});
