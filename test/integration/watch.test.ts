/**
 * The watch loop end to end, with the real Prometheus on both sides: a test exporter plays a
 * normal pattern (its history backfilled with promtool, so the models train at once) and then
 * injects a spike, a small-packet flood and a proportional rise. Prometheus scrapes the exporter
 * and the sidecar every second; the sidecar's watchers step every second. Everything asserted
 * about ntma_* is read back from Prometheus, as Grafana's alert rules would read it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_EXCURSION } from '../../sidecar/src/detect/excursion.js';
import { describeWith, prometheus, promtool } from '../support/components.js';
import { backfillHistory, noise, startExporter, type CounterSpec, type RunningExporter } from '../support/exporter.js';
import { waitFor } from '../support/ports.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { startSidecar, TEST_TOKEN, type RunningSidecar } from '../support/sidecar.js';

const SCRAPE_SECONDS = 1;
const STEP_SECONDS = 1;
/** The bound: two scrape intervals (exporter, then sidecar) plus one watcher step. */
const DELAY_BOUND_SECONDS = 2 * SCRAPE_SECONDS + STEP_SECONDS;
/**
 * What the bound leaves out and a real run spends: the watcher waits 100 ms past its grid time for
 * the scrape to land, then queries Prometheus; the sidecar's scrape takes a few ms.
 */
const PROCESSING_ALLOWANCE_SECONDS = 0.5;
const HISTORY_SECONDS = 330;
const SPIKE_SECONDS = 6;
/**
 * Watcher steps from the spike's end until ntma_anomaly is 0 again (two zeros in a row). After the spike the series
 * settles back inside its band, and the excursion closes once it has been back for its close delay (10 s). The model
 * steps over the spike (a burst, arima-filter.ts) rather than carrying it into its next forecasts; before it did, this
 * took up to about 45 s. The tail is long: noise that leaves the band while the excursion closes restarts its close
 * delay. `node bench/spike-recovery.mjs --live --seeds 1000` (the spike seconds after the first model, as here;
 * 2026-12-04): median 17 steps, 64 or fewer in 97.8%, 67 in 99%, 72 in 99.7%, 73 at most. That bench fits whenever
 * the detector asks and has the model at once; live, a fit comes back later (seconds, on a loaded machine) and the
 * older model scores meanwhile, which can hold the excursion for one more close delay: that on top. (The bound this
 * replaces, 70 s from detection, about 64 steps after the spike's end, read the bench without --live, whose longest
 * was 61 steps; 49 of the 1,000 live-like seeds took longer, and a run at load 10+ failed it at 71.9 s.)
 */
const RECOVERY_STEPS = 73 + DEFAULT_EXCURSION.closeAfterSeconds / STEP_SECONDS;
/**
 * From the step that reads 0 to its sample in Prometheus: the step finishes within one step (a later one is
 * skipped, and counted), then one scrape of the sidecar, and the processing the delay bound leaves out.
 */
const READ_BACK_SECONDS = STEP_SECONDS + SCRAPE_SECONDS + PROCESSING_ALLOWANCE_SECONDS;
/** The recovery's wait, in wall time: twice its bound, so a slow poll or scrape on a loaded machine is not a failure. */
const RECOVERY_WAIT_SECONDS = 2 * (RECOVERY_STEPS * STEP_SECONDS + READ_BACK_SECONDS);
/** The spike test's own timeout: the detection's wait (15 s), the spike and the recovery's wait, with room. */
const SPIKE_TEST_TIMEOUT_MS = (15 + SPIKE_SECONDS + RECOVERY_WAIT_SECONDS + 20) * 1000;

const WATCHERS = `
defaults:
  step: ${STEP_SECONDS}s
  train: 5m
  sensitivity: low
watchers:
  - name: spike
    expr: irate(ntma_test_requests_total[5s])
    role: requests
  - name: rx_packets
    expr: sum by (device) (irate(ntma_test_rx_packets_total[5s]))
    role: packets
    target: compose:test:{{device}}
    signals:
      bytes: sum by (device) (irate(ntma_test_rx_bytes_total[5s]))
`;

interface Sample {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

describeWith([prometheus, promtool], 'continuous watch against a real Prometheus', () => {
  let exporter: RunningExporter;
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;
  /** The backfilled history, Prometheus' data and the watchers file. */
  let dir: string | undefined;
  /** Unix seconds each scenario starts; Infinity until the test injects it. */
  const onset = { spike: Infinity, flood: Infinity, prop: Infinity };

  const within = (t: number, from: number, seconds: number): boolean => t >= from && t < from + seconds;
  /** Normal traffic: a level with ±5% deterministic noise each second (see noise() for its shape). */
  const normal = (level: number, key: string) => (t: number) => level * (1 + 0.05 * noise(key, t));

  const counters: CounterSpec[] = [
    {
      family: 'ntma_test_requests',
      labels: { series: 'spike' },
      rate: (t) => normal(100, 'req')(t) * (within(t, onset.spike, SPIKE_SECONDS) ? 8 : 1),
    },
    {
      family: 'ntma_test_rx_packets',
      labels: { device: 'flood' },
      rate: (t) => normal(1000, 'fp')(t) * (t >= onset.flood ? 10 : 1),
    },
    {
      family: 'ntma_test_rx_bytes',
      labels: { device: 'flood' },
      rate: (t) => normal(1e6, 'fb')(t) * (t >= onset.flood ? 1.2 : 1),
    },
    {
      family: 'ntma_test_rx_packets',
      labels: { device: 'prop' },
      rate: (t) => normal(1000, 'pp')(t) * (t >= onset.prop ? 5 : 1),
    },
    {
      family: 'ntma_test_rx_bytes',
      labels: { device: 'prop' },
      rate: (t) => normal(1e6, 'pb')(t) * (t >= onset.prop ? 5 : 1),
    },
  ];

  const promQuery = async <T>(query: string): Promise<T> => {
    const response = await fetch(`${prom.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query }),
    });
    const body = (await response.json()) as { status: string; data: { result: T }; error?: string };
    if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
    return body.data.result;
  };

  /** Raw samples (with Prometheus' own scrape timestamps) of a selector over the last `seconds`. */
  const rawSamples = (selector: string, seconds: number): Promise<Sample[]> =>
    promQuery<Sample[]>(`${selector}[${seconds}s]`);

  /** actual / forecast / band / anomaly of a watcher since `from`, one line per second, for failure messages. */
  const trace = async (watcher: string, from: number): Promise<string> => {
    const lines: string[] = [];
    const seconds = Math.ceil(Date.now() / 1000 - from) + 5;
    const columns = [
      'ntma_actual',
      'ntma_forecast',
      'ntma_band_lower',
      'ntma_band_upper',
      'ntma_anomaly',
      'ntma_anomaly_score',
    ];
    const data = await Promise.all(columns.map((m) => rawSamples(`${m}{watcher="${watcher}"}`, seconds)));
    const first = data[0]![0]?.values ?? [];
    for (const [t] of first) {
      const row = data.map((series) => series[0]?.values.find(([u]) => Math.abs(u - t) < 0.5)?.[1] ?? '-');
      lines.push(`${(t - from).toFixed(1)}\t${row.map((v) => (v.length > 9 ? Number(v).toFixed(1) : v)).join('\t')}`);
    }
    return `t-onset\t${columns.join('\t')}\n${lines.join('\n')}\n`;
  };

  /** Steps the sidecar has skipped on `watcher` so far (ntma_watch_steps_skipped_total; absent until one is). */
  const stepsSkipped = async (watcher: string): Promise<number> => {
    const text = await (await fetch(`${sidecar.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`ntma_watch_steps_skipped_total{watcher="${watcher}"}`));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };

  const api = async <T>(route: string): Promise<T> => {
    const response = await fetch(`${sidecar.url}${route}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ntma-watch-'));
    exporter = await startExporter();
    // History up to a whole second just past, continued live from the same totals.
    const to = Math.floor(Date.now() / 1000);
    const totals = backfillHistory({
      promtool: promtool.path!,
      dataDir: path.join(dir, 'data'),
      file: path.join(dir, 'history.om'),
      counters,
      scrapeLabels: { job: 'exporter', instance: exporter.target },
      from: to - HISTORY_SECONDS,
      to,
      step: SCRAPE_SECONDS,
    });
    exporter.add(counters.map((c, i) => ({ ...c, start: { total: totals[i]!, at: to } })));
    prom = await startPrometheus({
      storageDir: path.join(dir, 'data'),
      scrape: [{ job: 'exporter', targets: [exporter.target], intervalSeconds: SCRAPE_SECONDS }],
    });

    const watchersFile = path.join(dir, 'watchers.yml');
    writeFileSync(watchersFile, WATCHERS);
    sidecar = await startSidecar({ PROMETHEUS_URL: prom.url, NTMA_WATCHERS: watchersFile, NTMA_FIT_WORKERS: '1' });

    // Now that the sidecar has a port, Prometheus scrapes it too. honor_labels keeps the watched
    // series' own job/instance on the ntma_* series, as the stack's Prometheus should.
    writeFileSync(
      path.join(prom.dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - { job_name: exporter, static_configs: [{ targets: ['${exporter.target}'] }] }`,
        `  - { job_name: ntma, honor_labels: true, static_configs: [{ targets: ['${new URL(sidecar.url).host}'] }] }`,
        '',
      ].join('\n'),
    );
    const reload = await fetch(`${prom.url}/-/reload`, { method: 'POST' });
    expect(reload.status).toBe(200);

    // Every watched series has a model and Prometheus has scraped its verdict. The first fits run
    // on one worker beside Prometheus and the exporter: on a busy 2-core CI machine that has taken
    // more than 30 s, so the wait is generous and its failure says where the watchers stood.
    const readyFrom = Date.now();
    await waitFor(
      'ntma_anomaly for all three watched series in Prometheus',
      async () => {
        const seen = (await promQuery<Sample[]>('ntma_anomaly')).length;
        if (seen === 3) return true;
        const state = await fetch(`${sidecar.url}/api/v1/watchers`, {
          headers: { authorization: `Bearer ${TEST_TOKEN}` },
        }).then((r) => r.text());
        throw new Error(`${seen} of 3 in Prometheus; watchers: ${state.slice(0, 1500)}`);
      },
      75000,
    );
    console.log(
      `watch: all three series had a verdict in Prometheus ${((Date.now() - readyFrom) / 1000).toFixed(1)} s after start`,
    );
  }, 150000);

  afterAll(async () => {
    await sidecar?.close();
    await prom?.stop();
    await exporter?.stop();
    if (prom) cleanPrometheus(prom);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports every watcher running, with a model for each series', async () => {
    const body = await api<{ watchers: Array<{ name: string; state: { series: number; present: number } }> }>(
      '/api/v1/watchers',
    );
    expect(body.watchers.map((w) => [w.name, w.state.series, w.state.present])).toEqual([
      ['spike', 1, 1],
      ['rx_packets', 2, 2],
    ]);
    // The series has no spike yet, so it reads 0. Its first verdicts come from a model fitted on a
    // few seconds of history, and one point outside a 95% band then is noise, not a fault (CI once
    // read -1 at this moment): it must read 0 within a few scrapes, which an excursion held open
    // on a normal series would not.
    let last = '';
    await waitFor(
      'ntma_anomaly 0 for the series without a spike',
      async () => {
        const normal = await promQuery<Array<{ value: [number, string] }>>('ntma_anomaly{watcher="spike"}');
        last = normal[0]?.value[1] ?? 'absent';
        if (last === '0') return true;
        throw new Error(`ntma_anomaly{watcher="spike"} is ${last}`);
      },
      15000,
    );
    expect(last).toBe('0');
  });

  it(
    'sees a spike within two scrapes and a step, reads it back from Prometheus, and returns to 0 after it',
    async () => {
      const skippedBefore = await stepsSkipped('spike');
      const start = Date.now() / 1000;
      onset.spike = start;
      onset.flood = start;
      onset.prop = start;

      // The first sidecar sample (Prometheus' own scrape timestamp) that shows the spike's value
      // above the band: the actual value proves it is the spike and not a noisy point before it.
      let seen: number | undefined;
      await waitFor(
        'ntma_anomaly{watcher="spike"} == 1 with the spike\'s value, in Prometheus',
        async () => {
          const [anomaly] = await rawSamples('ntma_anomaly{watcher="spike"}', 30);
          const [actual] = await rawSamples('ntma_actual{watcher="spike"}', 30);
          const spiking = new Set((actual?.values ?? []).filter(([, v]) => Number(v) > 300).map(([t]) => t));
          seen = anomaly?.values.find(([t, v]) => t >= start && v === '1' && spiking.has(t))?.[0];
          return seen !== undefined;
        },
        15000,
      );
      const delay = seen! - start;
      process.stdout.write(
        `watch detection delay: ${delay.toFixed(2)} s after onset (bound ${DELAY_BOUND_SECONDS} s)\n`,
      );
      expect(delay).toBeGreaterThan(0);
      expect(delay).toBeLessThanOrEqual(DELAY_BOUND_SECONDS + PROCESSING_ALLOWANCE_SECONDS);

      // The labels Prometheus stores are the watched series' own (honor_labels) plus the watcher's.
      const [latest] = await promQuery<Array<{ metric: Record<string, string> }>>('ntma_anomaly{watcher="spike"}');
      expect(latest!.metric).toMatchObject({ series: 'spike', job: 'exporter', instance: exporter.target });

      // Back to 0 after the spike (RECOVERY_STEPS says how soon), timed from the spike's end to the first of the zero
      // samples Prometheus holds from then on, by their own timestamps: neither how long the detection took nor how
      // often this test polls counts. Steps the sidecar skipped (a loaded machine) are steps the detector never took.
      const spikeEnd = start + SPIKE_SECONDS;
      let recoveredAt = Number.NaN;
      await waitFor(
        'ntma_anomaly{watcher="spike"} back to 0 after the spike',
        async () => {
          const [series] = await rawSamples(
            'ntma_anomaly{watcher="spike"}',
            Math.ceil(Date.now() / 1000 - spikeEnd) + 2,
          );
          const values = (series?.values ?? []).filter(([t]) => t > spikeEnd);
          if (values.length < 2 || values.at(-1)![1] !== '0' || values.at(-2)![1] !== '0') return false;
          let first = values.length - 2;
          while (first > 0 && values[first - 1]![1] === '0') first--;
          recoveredAt = values[first]![0];
          return true;
        },
        RECOVERY_WAIT_SECONDS * 1000,
      ).catch(async (error: unknown) => {
        process.stdout.write(await trace('spike', start));
        throw error;
      });
      const skipped = (await stepsSkipped('spike')) - skippedBefore;
      const recovery = recoveredAt - spikeEnd;
      const bound = (RECOVERY_STEPS + skipped) * STEP_SECONDS + READ_BACK_SECONDS;
      process.stdout.write(
        `watch recovery: ntma_anomaly 0 again ${recovery.toFixed(1)} s after the spike's end (bound ${bound} s: ${RECOVERY_STEPS} steps, ${skipped} skipped, read-back ${READ_BACK_SECONDS} s)\n`,
      );
      if (recovery > bound) process.stdout.write(await trace('spike', start));
      expect(recovery).toBeLessThanOrEqual(bound);
      if (process.env.NTMA_WATCH_TRACE) process.stdout.write(await trace('spike', start - 10));
      const [history] = await rawSamples('ntma_anomaly{watcher="spike"}', Math.ceil(Date.now() / 1000 - start) + 5);
      const during = history!.values.filter(([t]) => t >= start && t < start + SPIKE_SECONDS).map(([, v]) => v);
      expect(during).toContain('1');
    },
    SPIKE_TEST_TIMEOUT_MS,
  );

  it('labels the small-packet flood attack_suspected and the proportional rise not', async () => {
    // Both began with the spike above. Look at every kind each excursion was given since its onset:
    // how long the spike test took depends on the machine's load, and the flood's excursion may
    // have closed (and a later one opened) by now.
    const since = Math.ceil(Date.now() / 1000 - Math.min(onset.flood, onset.prop)) + 2;
    const kinds = async (device: string): Promise<Sample[]> =>
      promQuery<Sample[]>(`ntma_anomaly_kind_info{watcher="rx_packets",device="${device}"}[${since}s]`);

    const flood = await kinds('flood');
    const floodAttack = flood.find((series) => series.metric.kind === 'attack_suspected');
    expect(floodAttack?.metric).toMatchObject({ kind: 'attack_suspected', ntma_target: 'compose:test:flood' });

    const prop = await kinds('prop');
    expect(prop.length).toBeGreaterThan(0);
    for (const series of prop) expect(series.metric.kind).not.toBe('attack_suspected');

    const { anomalies } = await api<{
      anomalies: Array<{
        watcher: string;
        labels: Record<string, string>;
        kind: string;
        reasons: string[];
        target: string;
      }>;
    }>('/api/v1/anomalies?watcher=rx_packets');
    const floodAnomalies = anomalies.filter((a) => a.labels.device === 'flood');
    const attack = floodAnomalies.find((a) => a.kind === 'attack_suspected');
    expect(attack).toMatchObject({ kind: 'attack_suspected', target: 'compose:test:flood' });
    expect(attack!.reasons.join(' ')).toMatch(/small-packet flood/);
    const propAnomalies = anomalies.filter((a) => a.labels.device === 'prop');
    expect(propAnomalies.length).toBeGreaterThan(0);
    for (const a of propAnomalies) {
      expect(a.kind).not.toBe('attack_suspected');
      expect(a.reasons).toEqual([]);
    }
  });

  it('exports its own health: loop lag under a step, fit durations, no query errors', async () => {
    const lag =
      await promQuery<Array<{ metric: Record<string, string>; value: [number, string] }>>('ntma_watch_lag_seconds');
    expect(lag.map((s) => s.metric.watcher).sort()).toEqual(['rx_packets', 'spike']);
    for (const s of lag) expect(Number(s.value[1])).toBeLessThan(STEP_SECONDS);
    const fits = await promQuery<Array<{ value: [number, string] }>>(
      'sum(ntma_fit_duration_seconds_count{source="watch",outcome="ok"})',
    );
    expect(Number(fits[0]!.value[1])).toBeGreaterThanOrEqual(3);
    const errors = await promQuery<unknown[]>('ntma_prometheus_query_errors_total');
    expect(errors).toEqual([]);
    const present = await promQuery<Array<{ metric: Record<string, string>; value: [number, string] }>>(
      'ntma_watch_series{state="present"}',
    );
    expect(Object.fromEntries(present.map((s) => [s.metric.watcher, s.value[1]]))).toEqual({
      spike: '1',
      rx_packets: '2',
    });
  });

  it('answers the watch API only with the token', async () => {
    for (const route of ['/api/v1/watchers', '/api/v1/anomalies']) {
      const response = await fetch(`${sidecar.url}${route}`);
      expect(response.status).toBe(401);
    }
  });
});
