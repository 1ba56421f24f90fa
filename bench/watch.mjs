#!/usr/bin/env node
/**
 * Watch benchmark (issue 6). Runs the built sidecar as its own process against a real Prometheus
 * and measures:
 *
 * 1. Capacity: N series (default 10,000) from a synthetic exporter scraped by Prometheus every
 *    15 s, watched at a 15 s step with a 1 h training window (history backfilled with promtool so
 *    every series can fit at once). Reports the warm-up (all first fits, in one fit worker), then
 *    a steady window: CPU of the whole sidecar process (main thread and fit worker) in cores, the
 *    watch loop lag per step (target: < 1 step), skipped steps, RSS and the scrape time of the
 *    sidecar's /metrics. Met when steady CPU < 1 core and every lag < 15 s.
 * 2. Detection delay: the integration test's spike (1 s scrapes, 1 s step), several times;
 *    seconds from onset to the first sidecar sample in Prometheus with ntma_anomaly = 1.
 *
 * Prints a table and writes bench/results/watch.json. Never part of `npm test`. Bounded: the
 * warm-up stops waiting after --warmup-minutes (default 20) and reports how far it got, and the
 * whole run is stopped (every child killed) after --max-minutes (default 45).
 *
 * With --capacity-only (issue 18) only part 1 runs, and its row is merged into
 * bench/results/watch-capacity.json under its series count, so 10k, 25k, 50k and 100k can be
 * run one at a time (each is minutes of a 2-core machine) and kept side by side. A row also
 * reports the event-loop delay of the sidecar (p99 and max, from its own nodejs_eventloop_lag_*
 * metrics as Prometheus scraped them), its peak RSS, and the answers of the watch path
 * (GET /api/v1/watchers, polled every 5 s) that were 503 Overloaded.
 *
 * Usage: node bench/watch.mjs [--quick] [--skip-build] [--series N] [--warmup-minutes M]
 *                             [--max-minutes M] [--capacity-only] [--sidecar-dist DIR] [--fit-workers N]
 * Needs: prometheus and promtool on PATH (scripts/install-deps).
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { URLSearchParams } from 'node:url';
import { freePort, sleep, start, stopAll, until, which } from './processes.mjs';
import { ROOT, args, buildSidecar, flag, option } from './cli.mjs';

const QUICK = flag('--quick');
const SERIES = option('--series', QUICK ? 2000 : 10000);
const WARMUP_MINUTES = option('--warmup-minutes', QUICK ? 8 : 20);
const MAX_MINUTES = option('--max-minutes', 45);
/** Fit workers of the measured sidecar (production's default is one per core). */
const FIT_WORKERS = option('--fit-workers', 1);
const CAPACITY_ONLY = flag('--capacity-only');
/** Another build of the sidecar to measure (e.g. main's, copied aside, for a before/after). */
/** A directory for V8 CPU profiles of the measured sidecar (its main thread and fit workers), to see where time goes. */
const PROFILE_DIR = (() => {
  const i = args.indexOf('--profile');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : null;
})();
const SIDECAR_DIST = (() => {
  const i = args.indexOf('--sidecar-dist');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : path.join(ROOT, 'sidecar/dist');
})();
const STEADY_STEPS = QUICK ? 4 : 8;
const SPIKES = QUICK ? 1 : 3;
const STEP = 15;
const TRAIN_POINTS = 240;
const TOKEN = 'bench-token-0123456789abcdef';
const CLK_TCK = 100;
/** The watch loop's wait past each grid time (sidecar/src/watch/service.ts: min(250 ms, step / 10)). */
const SETTLE = Math.min(0.25, STEP / 10);

function log(message) {
  process.stderr.write(`bench watch: ${message}\n`);
}

/** Deterministic noise in [-1, 1] per (key, slot), so history and live agree. */
function noise(key, slot) {
  let h = 2166136261;
  const text = `${key}:${slot}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return ((h >>> 0) / 0xffffffff) * 2 - 1;
}

/** CPU seconds (all threads) and RSS of a process, from /proc. */
function usage(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (v, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

/** Prometheus on a free port with `scrapeConfig` (YAML lines) and an optional pre-filled TSDB. */
async function startPrometheus(dir, scrapeConfig, interval) {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      `global: { scrape_interval: ${interval}s, evaluation_interval: ${interval}s }`,
      'scrape_configs:',
      ...scrapeConfig,
      '',
    ].join('\n'),
  );
  start(
    which('prometheus'),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
      '--web.enable-lifecycle',
    ],
    {},
    path.join(dir, 'prometheus.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  await until('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 60000);
  return { url, config };
}

async function promQuery(url, query) {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query }),
  });
  const body = await response.json();
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

async function startSidecar(dir, prometheusUrl, watchersFile, fitWorkers) {
  const port = await freePort();
  const child = start(
    process.execPath,
    [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), path.join(SIDECAR_DIST, 'server.js')],
    {
      NTMA_HOST: '127.0.0.1',
      NTMA_PORT: String(port),
      PROMETHEUS_URL: prometheusUrl,
      NTMA_API_TOKEN: TOKEN,
      NTMA_WATCHERS: watchersFile,
      NTMA_DATA_DIR: path.join(dir, 'ntma-data'),
      NTMA_FIT_WORKERS: String(fitWorkers),
      // The watcher's own queries return every series it watches; the default caps are for the bands API.
      NTMA_PROMETHEUS_MAX_SERIES: String(Math.max(10000, 2 * SERIES)),
      NTMA_PROMETHEUS_MAX_POINTS: String(Math.max(5_000_000, 2 * SERIES * (TRAIN_POINTS + 10))),
      // Prometheus needs seconds to expand 100,000 series on a loaded machine; the default 10 s
      // (9 s of evaluation) timed out the backfill's queries there. A watcher this wide needs it raised.
      NTMA_PROMETHEUS_TIMEOUT_MS: '30000',
      NTMA_LOG_LEVEL: 'warn',
      DOCKER_SOCKET: path.join(dir, 'no-docker.sock'),
    },
    path.join(dir, 'sidecar.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  await until('sidecar healthy', async () => (await fetch(`${url}/healthz`)).ok, 30000);
  return { url, port, pid: child.pid };
}

/** Answers of the watch path that were 503 Overloaded (the sidecar shed them). */
let overloaded = 0;

async function watchers(sidecarUrl) {
  for (;;) {
    const response = await fetch(`${sidecarUrl}/api/v1/watchers`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (response.status === 503) {
      overloaded++;
      await response.arrayBuffer();
      await sleep(1000);
      continue;
    }
    return (await response.json()).watchers;
  }
}

/** Writes OpenMetrics history line by line (it is large) and turns it into TSDB blocks. */
async function backfill(dir, writeSeries) {
  const file = path.join(dir, 'history.om');
  const stream = createWriteStream(file);
  const write = (line) => (stream.write(`${line}\n`) ? Promise.resolve() : new Promise((r) => stream.once('drain', r)));
  await writeSeries(write);
  await write('# EOF');
  await new Promise((resolve) => stream.end(resolve));
  execFileSync(which('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', file, path.join(dir, 'data')], {
    stdio: 'pipe',
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(file);
}

/** Counts of the sidecar's warning and error log lines by message and error type; Docker's absence is expected. */
function sidecarWarnings(file) {
  const counts = {};
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return counts;
  }
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line);
      if (entry.level < 40 || entry.err?.type === 'DockerUnavailable') continue;
      const key = `${entry.msg}${entry.err?.type ? ` (${entry.err.type}: ${String(entry.err.message).slice(0, 160)})` : ''}`;
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      // Not a JSON log line.
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// 1. Capacity

async function capacity() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ntma-bench-watch-'));
  const level = (i) => 100 * (1 + (i % 100));
  const value = (i, slot) => level(i) * (1 + 0.05 * noise(`s${i}`, slot));

  const exporter = createServer((request, response) => {
    const slot = Math.floor(Date.now() / 1000 / STEP);
    const lines = ['# TYPE ntma_bench_traffic gauge'];
    for (let i = 0; i < SERIES; i++) lines.push(`ntma_bench_traffic{series="${i}"} ${value(i, slot)}`);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${lines.join('\n')}\n`);
  });
  await new Promise((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const exporterTarget = `127.0.0.1:${exporter.address().port}`;

  log(`writing ${SERIES} x ${TRAIN_POINTS + 10} points of history with promtool`);
  const began = Date.now();
  const nowSlot = Math.floor(Date.now() / 1000 / STEP);
  await backfill(dir, async (write) => {
    await write('# TYPE ntma_bench_traffic gauge');
    for (let i = 0; i < SERIES; i++) {
      const labels = `{series="${i}",job="bench",instance="${exporterTarget}"}`;
      const lines = [];
      for (let slot = nowSlot - TRAIN_POINTS - 10; slot < nowSlot; slot++) {
        lines.push(`ntma_bench_traffic${labels} ${value(i, slot)} ${slot * STEP}`);
      }
      await write(lines.join('\n'));
    }
  });
  const historySeconds = (Date.now() - began) / 1000;

  const prom = await startPrometheus(
    dir,
    [`  - { job_name: bench, static_configs: [{ targets: ['${exporterTarget}'] }] }`],
    STEP,
  );
  const watchersFile = path.join(dir, 'watchers.yml');
  writeFileSync(
    watchersFile,
    `watchers:\n  - name: bench\n    expr: ntma_bench_traffic\n    step: ${STEP}s\n    train: ${(TRAIN_POINTS * STEP) / 60}m\n    max_series: ${SERIES * 2}\n`,
  );
  const startedAt = Date.now();
  const sidecar = await startSidecar(dir, prom.url, watchersFile, FIT_WORKERS);
  writeFileSync(
    prom.config,
    [
      `global: { scrape_interval: ${STEP}s, evaluation_interval: ${STEP}s }`,
      'scrape_configs:',
      `  - { job_name: bench, static_configs: [{ targets: ['${exporterTarget}'] }] }`,
      `  - { job_name: ntma, honor_labels: true, scrape_timeout: 14s, static_configs: [{ targets: ['127.0.0.1:${sidecar.port}'] }] }`,
      '',
    ].join('\n'),
  );
  await fetch(`${prom.url}/-/reload`, { method: 'POST' });

  // Warm-up, in two stages. Banded: every series has a model, its provisional one (simple
  // exponential smoothing, built on the main thread as soon as its history is loaded) or its fit.
  // Fitted: every series has its first fit from the forecast engine (the worker pool). A sidecar
  // from before provisional models reports no `provisional` count: there both stages are the same.
  const warmupSamples = [];
  const loads = [os.loadavg()[0]];
  let state;
  let peakRssMb = 0;
  const cpuStart = usage(sidecar.pid).cpu;
  const deadline = Date.now() + WARMUP_MINUTES * 60_000;
  let lastLogged = 0;
  let bandedAt = null;
  let bandedCpu = null;
  let bandedRssMb = null;
  let fitsAtBanded = 0;
  const fitted = (s) => s.present + s.missing - (s.provisional ?? 0);
  while (Date.now() < deadline) {
    [state] = await watchers(sidecar.url);
    peakRssMb = Math.max(peakRssMb, usage(sidecar.pid).rssMb);
    loads.push(os.loadavg()[0]);
    const s = state.state;
    if (s.lagSeconds !== null) warmupSamples.push(s.lagSeconds);
    if (Date.now() - lastLogged > 30000) {
      log(
        `warm-up: ${s.series} series, ${s.present} banded, ${s.provisional ?? 0} of them provisional, ${s.warming} warming, lag ${s.lagSeconds ?? '-'} s, load ${os.loadavg()[0].toFixed(1)}`,
      );
      lastLogged = Date.now();
    }
    if (bandedAt === null && s.series >= SERIES && s.warming === 0 && s.present >= SERIES) {
      bandedAt = (Date.now() - startedAt) / 1000;
      bandedCpu = usage(sidecar.pid).cpu - cpuStart;
      bandedRssMb = usage(sidecar.pid).rssMb;
      fitsAtBanded = fitted(s);
      log(`banded after ${bandedAt.toFixed(0)} s (${fitsAtBanded} fitted so far)`);
    }
    if (bandedAt !== null && (s.provisional ?? 0) === 0) break;
    await sleep(5000);
  }
  const warm = state.state;
  const warmupSeconds = (Date.now() - startedAt) / 1000;
  const warmupCpu = usage(sidecar.pid).cpu - cpuStart;
  const warmupOverloaded = overloaded;
  const warmedUp = bandedAt !== null && (warm.provisional ?? 0) === 0;
  const fittedSoFar = fitted(warm);
  // First fits per second since the watcher was banded: the rate a cut-short warm-up projects from.
  const fitRate = bandedAt !== null ? (fittedSoFar - fitsAtBanded) / Math.max(1, warmupSeconds - bandedAt) : null;
  log(
    `warm-up ${warmedUp ? 'done' : 'cut short'} after ${warmupSeconds.toFixed(0)} s (${warm.present}/${SERIES} banded, ${fittedSoFar} fitted)`,
  );

  // Steady window: whole steps, CPU of the process over exactly that wall time.
  const lags = [];
  const begin = usage(sidecar.pid);
  const beginWall = Date.now();
  let lastStep = warm.lastStep;
  while (lags.length < STEADY_STEPS) {
    await sleep(1000);
    const [w] = await watchers(sidecar.url);
    peakRssMb = Math.max(peakRssMb, usage(sidecar.pid).rssMb);
    loads.push(os.loadavg()[0]);
    if (w.state.lastStep !== lastStep && w.state.lagSeconds !== null) {
      lastStep = w.state.lastStep;
      lags.push(w.state.lagSeconds);
    }
  }
  const end = usage(sidecar.pid);
  const wall = (Date.now() - beginWall) / 1000;
  const cores = (end.cpu - begin.cpu) / wall;
  const [skipped] = await promQuery(prom.url, 'sum(ntma_watch_steps_skipped_total)');
  const [scrape] = await promQuery(prom.url, 'scrape_duration_seconds{job="ntma"}');
  const [exported] = await promQuery(prom.url, 'scrape_samples_scraped{job="ntma"}');
  const [pending] = await watchers(sidecar.url);
  const steadyRange = `${Math.max(15, Math.round(wall))}s`;
  const wholeRange = `${Math.round((Date.now() - startedAt) / 1000)}s`;
  const loopLag = async (metric, range) => {
    const [row] = await promQuery(prom.url, `max_over_time(${metric}{job="ntma"}[${range}])`);
    return row ? Number(row.value[1]) : null;
  };
  const eventLoop = {
    steadyP99Seconds: round(await loopLag('nodejs_eventloop_lag_p99_seconds', steadyRange), 3),
    steadyMaxSeconds: round(await loopLag('nodejs_eventloop_lag_max_seconds', steadyRange), 3),
    wholeRunP99Seconds: round(await loopLag('nodejs_eventloop_lag_p99_seconds', wholeRange), 3),
    wholeRunMaxSeconds: round(await loopLag('nodejs_eventloop_lag_max_seconds', wholeRange), 3),
  };
  const [scrapes] = await promQuery(prom.url, `count_over_time(up{job="ntma"}[${wholeRange}])`);
  const [scrapesUp] = await promQuery(prom.url, `sum_over_time(up{job="ntma"}[${wholeRange}])`);

  await stopAll();
  await new Promise((resolve) => exporter.close(resolve));
  const warnings = sidecarWarnings(path.join(dir, 'sidecar.log'));
  rmSync(dir, { recursive: true, force: true });

  const maxLag = Math.max(...lags);
  const result = {
    series: SERIES,
    stepSeconds: STEP,
    trainPoints: TRAIN_POINTS,
    fitWorkers: FIT_WORKERS,
    historySeconds: round(historySeconds, 1),
    warmup: {
      /** Every series banded (its provisional model or its fit): seconds from the sidecar's start. */
      bandedSeconds: round(bandedAt, 1),
      bandedCpuSeconds: round(bandedCpu, 1),
      bandedRssMb: round(bandedRssMb, 0),
      /** Every series fitted by the forecast engine (complete), or how far it got (cut short). */
      seconds: round(warmupSeconds, 1),
      complete: warmedUp,
      modelled: warm.present,
      fitted: fittedSoFar,
      /** First fits per second after the watcher was banded, and the fitted warm-up they project. */
      fitsPerSecond: round(fitRate, 1),
      projectedFittedSeconds: warmedUp || !fitRate ? null : round(warmupSeconds + (SERIES - fittedSoFar) / fitRate, 0),
      cpuSeconds: round(warmupCpu, 1),
      maxLagSeconds: round(Math.max(...warmupSamples, 0)),
      overloaded503: warmupOverloaded,
    },
    steady: {
      steps: lags.length,
      cpuCores: round(cores, 3),
      lagMedianSeconds: round(median(lags)),
      lagMaxSeconds: round(maxLag),
      skippedStepsTotal: skipped ? Number(skipped.value[1]) : 0,
      refitsPending: pending.state.refitsPending,
      rssMb: round(end.rssMb, 0),
      peakRssMb: round(Math.max(peakRssMb, end.rssMb), 0),
      overloaded503: overloaded - warmupOverloaded,
      eventLoop,
      metricsScrapesOk: scrapesUp ? `${Number(scrapesUp.value[1])}/${Number(scrapes.value[1])}` : null,
      metricsScrapeSeconds: scrape ? round(Number(scrape.value[1]), 3) : null,
      metricsSamples: exported ? Number(exported.value[1]) : null,
    },
    lastError: pending.state.lastError,
    /** The sidecar's warnings and errors by message and error type (the run's directory is removed). */
    sidecarWarnings: warnings,
    /** 1-minute load average of the machine (shared by other work): at the start, the largest seen, at the end. */
    loadAverage: { start: round(loads[0], 1), max: round(Math.max(...loads), 1), end: round(os.loadavg()[0], 1) },
    met: {
      cpuUnderOneCore: cores < 1,
      lagUnderStep: maxLag < STEP,
      no503: overloaded === 0,
      rssUnder4GB: Math.max(peakRssMb, end.rssMb) < 4096,
      bandedUnder10Minutes: bandedAt !== null && bandedAt < 600,
      fittedUnder10Minutes: warmedUp && warmupSeconds < 600,
      /** The steady window began with first fits still running (a cut-short warm-up): its CPU includes them. */
      steadyIncludesFirstFits: !warmedUp,
      /** The run watches at least the 10,000 series of the first capacity target: a size, not a verdict. */
      target: SERIES >= 10000,
    },
    /**
     * The steady cost scaled to a budget of one core and one step (the tighter of the two);
     * linear in series, which the per-step work is (one query, one detector update per series).
     * The lag includes a fixed settle delay (the watcher waits 250 ms past its grid time), which
     * does not grow with series.
     */
    estimatedMaxSeries: Math.floor(
      SERIES * Math.min(1 / Math.max(cores, 1e-6), (STEP - SETTLE) / Math.max(maxLag - SETTLE, 1e-6)),
    ),
  };
  return result;
}

// ---------------------------------------------------------------------------------------------
// 2. Detection delay

async function detectionDelay() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ntma-bench-delay-'));
  const onsets = [];
  const spiking = (t) => onsets.some((o) => t >= o && t < o + 6);
  const rate = (t) => 100 * (1 + 0.05 * noise('req', Math.floor(t))) * (spiking(t) ? 8 : 1);
  // The counter is the integral of the rate (midpoint rule, 0.25 s steps).
  const integrate = (from, to) => {
    let sum = 0;
    for (let a = from; a < to; a += 0.25) {
      const b = Math.min(to, a + 0.25);
      sum += rate((a + b) / 2) * (b - a);
    }
    return sum;
  };
  const historyTo = Math.floor(Date.now() / 1000);
  let total = 0;
  let at = historyTo - 330;
  const exporter = createServer((request, response) => {
    const now = Date.now() / 1000;
    if (now > at) {
      total += integrate(at, now);
      at = now;
    }
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(`# TYPE ntma_bench_requests_total counter\nntma_bench_requests_total ${total}\n`);
  });
  await new Promise((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const target = `127.0.0.1:${exporter.address().port}`;
  await backfill(dir, async (write) => {
    await write('# TYPE ntma_bench_requests counter');
    for (let t = at + 1; t <= historyTo; t++) {
      total += integrate(at, t);
      at = t;
      await write(`ntma_bench_requests_total{job="exporter",instance="${target}"} ${total} ${t}`);
    }
  });
  const prom = await startPrometheus(
    dir,
    [`  - { job_name: exporter, static_configs: [{ targets: ['${target}'] }] }`],
    1,
  );
  const watchersFile = path.join(dir, 'watchers.yml');
  writeFileSync(
    watchersFile,
    'defaults: { step: 1s, train: 5m, sensitivity: low }\nwatchers:\n  - name: spike\n    expr: irate(ntma_bench_requests_total[5s])\n',
  );
  const sidecar = await startSidecar(dir, prom.url, watchersFile, 1);
  writeFileSync(
    prom.config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      `  - { job_name: exporter, static_configs: [{ targets: ['${target}'] }] }`,
      `  - { job_name: ntma, honor_labels: true, static_configs: [{ targets: ['127.0.0.1:${sidecar.port}'] }] }`,
      '',
    ].join('\n'),
  );
  await fetch(`${prom.url}/-/reload`, { method: 'POST' });
  await until(
    'ntma_anomaly in Prometheus',
    async () => (await promQuery(prom.url, 'ntma_anomaly')).length === 1,
    60000,
  );

  const delays = [];
  for (let k = 0; k < SPIKES; k++) {
    await sleep(5000);
    const onset = Date.now() / 1000;
    onsets.push(onset);
    let seen;
    await until(
      'the spike in ntma_anomaly',
      async () => {
        const [anomaly] = await promQuery(prom.url, 'ntma_anomaly{watcher="spike"}[30s]');
        const [actual] = await promQuery(prom.url, 'ntma_actual{watcher="spike"}[30s]');
        const high = new Set((actual?.values ?? []).filter(([, v]) => Number(v) > 300).map(([t]) => t));
        seen = anomaly?.values.find(([t, v]) => t >= onset && v === '1' && high.has(t))?.[0];
        return seen !== undefined;
      },
      20000,
    );
    delays.push(seen - onset);
    log(`spike ${k + 1}: seen ${(seen - onset).toFixed(2)} s after onset`);
    // Let the series settle before the next spike.
    await until(
      'ntma_anomaly back to 0',
      async () => {
        const [anomaly] = await promQuery(prom.url, 'ntma_anomaly{watcher="spike"}[3s]');
        return Date.now() / 1000 > onset + 6 && (anomaly?.values ?? []).every(([, v]) => v === '0');
      },
      60000,
    );
  }
  await stopAll();
  await new Promise((resolve) => exporter.close(resolve));
  rmSync(dir, { recursive: true, force: true });
  return {
    scrapeSeconds: 1,
    stepSeconds: 1,
    boundSeconds: 3,
    spikes: delays.length,
    delaysSeconds: delays.map((d) => round(d)),
    medianSeconds: round(median(delays)),
    maxSeconds: round(Math.max(...delays)),
  };
}

// ---------------------------------------------------------------------------------------------

/** Merges one capacity row into bench/results/watch-capacity.json, keyed by its series count. */
function writeCapacityRow(cap, started) {
  const out = path.join(ROOT, 'bench/results/watch-capacity.json');
  let rows = {};
  try {
    rows = JSON.parse(readFileSync(out, 'utf8')).rows ?? {};
  } catch {
    // First row.
  }
  rows[String(cap.series)] = {
    date: new Date().toISOString(),
    seconds: round((Date.now() - started) / 1000, 0),
    loadAverage1m: round(os.loadavg()[0], 1),
    ...cap,
  };
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ cores: os.cpus().length, node: process.version, machine: os.cpus()[0]?.model, rows }, null, 2)}\n`,
  );
  console.log(JSON.stringify(rows[String(cap.series)], null, 2));
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

async function main() {
  buildSidecar();
  const started = Date.now();
  // A bound on the whole run: a 100,000-series row must not run away on a shared 2-core machine.
  setTimeout(() => {
    log(`stopped after --max-minutes ${MAX_MINUTES}`);
    void stopAll().then(() => process.exit(2));
  }, MAX_MINUTES * 60_000).unref();
  log(`capacity: ${SERIES} series at a ${STEP} s step`);
  const cap = await capacity();
  if (CAPACITY_ONLY) {
    writeCapacityRow(cap, started);
    await stopAll();
    return;
  }
  log('detection delay');
  const delay = await detectionDelay();

  const rows = [
    ['series watched', String(cap.series)],
    [
      'warm-up (all first fits, 1 worker)',
      `${cap.warmup.seconds} s, ${cap.warmup.cpuSeconds} CPU-s, ${cap.warmup.complete ? 'complete' : `cut short at ${cap.warmup.modelled}`}`,
    ],
    ['warm-up max loop lag', `${cap.warmup.maxLagSeconds} s`],
    ['steady CPU (whole process)', `${cap.steady.cpuCores} cores`],
    ['steady loop lag median / max', `${cap.steady.lagMedianSeconds} / ${cap.steady.lagMaxSeconds} s (step ${STEP} s)`],
    ['skipped steps', String(cap.steady.skippedStepsTotal)],
    ['RSS', `${cap.steady.rssMb} MB`],
    ['/metrics scrape', `${cap.steady.metricsScrapeSeconds} s, ${cap.steady.metricsSamples} samples`],
    ['estimated max series (1 core, 1 step)', String(cap.estimatedMaxSeries)],
    ['target >= 10,000 met', String(cap.met.cpuUnderOneCore && cap.met.lagUnderStep && cap.met.target)],
    [
      'every target of this size met',
      String(Object.entries(cap.met).every(([key, ok]) => key === 'steadyIncludesFirstFits' || ok)),
    ],
    [
      'detection delay median / max',
      `${delay.medianSeconds} / ${delay.maxSeconds} s (bound ${delay.boundSeconds} s, ${delay.spikes} spikes)`,
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\nwatch benchmark (${os.cpus().length} cores, node ${process.version})`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);

  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results/watch.json');
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        cores: os.cpus().length,
        quick: QUICK,
        seconds: round((Date.now() - started) / 1000, 0),
        capacity: cap,
        detectionDelay: delay,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
main().catch(async (error) => {
  log(`failed: ${error.stack ?? error}`);
  await stopAll();
  process.exit(1);
});
