#!/usr/bin/env node
/**
 * Bands benchmark (issue 3). Runs the built sidecar as its own process on loopback and measures:
 * - cold and warm latency (p50/p95) of POST /api/v1/bands/series for 1,440-, 10,080- and
 *   40,320-point training series at one minute, banding the held-out hour after them;
 * - throughput and p99 at concurrency 16 (autocannon, bounded in requests and seconds);
 * - the sidecar's peak RSS (VmHWM: the process and its fit workers);
 * - empirical coverage of the 95% band on the held-out day after each of seven training windows that end at
 *   noon on each day of one week (COVERAGE_ORIGINS), per origin and as the mean: the traffic has quieter
 *   weekends, and a band that misses a weekend's level change must show on that origin, not on the date
 *   the bench happened to run;
 * - side by side on the same series: the engine against R's forecast::stlf(method = "arima") and
 *   statsmodels through the runners in bench/forecast-peers/ (bands-peers.mjs): speed ratio, MASE
 *   and interval coverage on the held-out hour.
 * Prints a table and writes bench/results/bands.json. Never part of `npm test`; never gates CI.
 *
 * Each warm figure is taken twice: with the series as [unixSeconds, value] points and in the compact
 * form (start + values). The very first request after the sidecar starts (no model cached, fresh
 * process) is reported on its own as firstRequestMs, with the fit time the sidecar reported for it
 * (firstRequestFitMs) and the time from spawning the sidecar to its first /healthz answer
 * (startupMs). The bench's own HTTP client makes one request against a throwaway loopback server
 * first (warmClient), so that firstRequestMs is not the client's first POST too.
 *
 * Every series is fixed: a fixed start (SERIES_START) or origin and a fixed seed, nothing from the clock, so
 * two runs on different days send the same bodies; seriesSha256 in the results is a digest of every series
 * the run generated (the peers' inputs included, also with --no-peers) to check that.
 *
 * Usage: node bench/bands.mjs [--quick] [--skip-build] [--no-peers] [--out file]
 * --quick takes fewer runs, one seed per coverage origin instead of three (all seven origins still),
 * and writes its results to the OS temp dir (ntma-bands-quick.json) unless --out says where.
 * --no-peers skips the R and statsmodels comparison (minutes of R fits) and carries the last
 * measured comparison over from bench/results/bands.json, saying when it was taken.
 * --out writes the results to that file instead of bench/results/bands.json (a trial run that must not
 * replace the committed figures).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { textOption } from './cli.mjs';
import { freePort } from './processes.mjs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { peerSeries, runPeers } from './bands-peers.mjs';
import { COVERAGE_ORIGINS, generateTraffic, heldOutDay, SERIES_START, seriesDigest } from './bands-series.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.argv.includes('--quick');
const SKIP_BUILD = process.argv.includes('--skip-build');
const NO_PEERS = process.argv.includes('--no-peers');
// A quick run's fewer runs and seeds must not replace the committed figures unless asked to (--out).
const OUT = path.resolve(
  textOption(
    '--out',
    QUICK ? path.join(os.tmpdir(), 'ntma-bands-quick.json') : path.join(ROOT, 'bench/results/bands.json'),
  ),
);
const TOKEN = 'bench-token-0123456789abcdef';
const STEP = 60;
const HOLDOUT = 60;
/** The coverage part's held-out day after each origin. */
const HELD_OUT_DAY = 1440;
/** Seeds per coverage origin: each origin's day is 1,440 correlated points, so more seeds mostly cost time. */
const COVERAGE_SEEDS = QUICK ? 1 : 3;
const SIZES = [1440, 10080, 40320];
// Quick runs keep 15 warm requests where they are cheap: the median of 5 moved by 3-5 ms between runs at
// a load of 3-7, one garbage collection or descheduling away from the 10 ms target.
const RUNS = QUICK
  ? { 1440: { cold: 3, warm: 15 }, 10080: { cold: 2, warm: 15 }, 40320: { cold: 1, warm: 5 } }
  : { 1440: { cold: 15, warm: 40 }, 10080: { cold: 9, warm: 30 }, 40320: { cold: 5, warm: 15 } };
/** Fits per size before the timed cold runs: two per fit worker (NTMA_FIT_WORKERS, default the cores). */
const WARMUP_FITS = 2 * Math.max(1, Number(process.env.NTMA_FIT_WORKERS) || os.availableParallelism());
const LOAD = QUICK ? { amount: 300, duration: 5 } : { amount: 4000, duration: 15 };
const TARGETS = {
  cold1440Ms: 50,
  cold10080Ms: 300,
  warmMs: 10,
  firstRequestMs: 100,
  rSpeedup: 2,
  statsmodelsSpeedup: 10,
  coverage: [0.9, 0.98],
};

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function round(value, digits = 1) {
  return value === null || value === undefined || !Number.isFinite(value) ? null : Number(value.toFixed(digits));
}

/** Compiles the sidecar (tsc emits even when another part has a type error; the bench only needs dist/). */
function build() {
  if (SKIP_BUILD) return;
  log('building the sidecar (tsc -p sidecar/tsconfig.build.json)');
  try {
    execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'sidecar/tsconfig.build.json'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    log(
      `tsc reported errors (continuing with what it emitted): ${String(error.stdout ?? error.message).slice(0, 400)}`,
    );
  }
  if (!existsSync(path.join(ROOT, 'sidecar/dist/server.js'))) throw new Error('sidecar/dist/server.js was not built');
}

/** The sidecar's data directory (and its watchers file), removed when it stops. */
const DATA_DIR = path.join(os.tmpdir(), `ntma-bench-${process.pid}`);

/**
 * A watchers file with no watcher. With the shipped defaults the sidecar watches whatever Prometheus
 * answers at the default URL (on a shared machine, another test's, with node-exporter in it): their
 * backfill fits took the fit workers the bench's first request was waiting for, and their steps
 * took main-thread time from the warm requests.
 */
function noWatchers() {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, 'no-watchers.yml');
  writeFileSync(file, 'watchers: []\n');
  return file;
}

async function startSidecar() {
  const spawned = performance.now();
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'sidecar/dist/server.js')], {
    env: {
      ...process.env,
      NTMA_WATCHERS: noWatchers(),
      NTMA_PORT: String(port),
      NTMA_HOST: '127.0.0.1',
      NTMA_API_TOKEN: TOKEN,
      NTMA_LOG_LEVEL: 'warn',
      NTMA_RATE_LIMIT_PER_MINUTE: '1000000',
      NTMA_DATA_DIR: DATA_DIR,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sidecar exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`sidecar did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    startupMs: round(performance.now() - spawned),
    pid: child.pid,
    stderr: () => stderr,
    stop: async () => {
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      rmSync(DATA_DIR, { recursive: true, force: true });
    },
  };
}

/** Peak resident set of a process (and its threads), from the kernel. */
function peakRssBytes(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function seriesBody(values, start, trainPoints, labels) {
  return {
    series: [{ id: 'bench', labels, points: values.map((v, i) => [start + i * STEP, v]) }],
    step: STEP,
    train: trainPoints * STEP,
    confidence: 0.95,
  };
}

/** The same request with the series in the compact form: one start time and the values. */
function compactBody(values, start, trainPoints, labels) {
  return {
    series: [{ id: 'bench', labels, start, values }],
    step: STEP,
    train: trainPoints * STEP,
    confidence: 0.95,
  };
}

async function post(url, body) {
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/bands/series`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer = await response.json();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${answer.message}`);
  return { ms, series: answer.series[0] };
}

/**
 * One request through post() against a throwaway loopback server that answers like the sidecar: the
 * client's first POST (undici's request path, sending the body, response.json on a large answer)
 * compiles client code, which is the bench's cost, not the sidecar's. The sidecar sees nothing of it.
 */
async function warmClient() {
  const answer = JSON.stringify({
    series: [{ cached: false, fitMs: 0, actual: Array.from({ length: HOLDOUT }, (_, i) => i + 0.5) }],
  });
  const server = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(answer);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const values = generateTraffic(SIZES[0] + HOLDOUT, STEP, START, 1);
    await post(`http://127.0.0.1:${server.address().port}`, seriesBody(values, START, SIZES[0], { bench: 'client' }));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function coverageOf(series) {
  let inside = 0;
  let observed = 0;
  for (let i = 0; i < series.actual.length; i++) {
    const [a, lo, hi] = [series.actual[i], series.lower[i], series.upper[i]];
    if (a === null || lo === null || hi === null) continue;
    observed++;
    if (a >= lo && a <= hi) inside++;
  }
  return { inside, observed };
}

/** On the minute grid, so the training window is exactly the first `size` points. */
const START = SERIES_START;
const generated = seriesDigest();

/** The bench's traffic, every series of it added to the run's digest. */
function traffic(count, start, seed) {
  const values = generateTraffic(count, STEP, start, seed);
  generated.add(values);
  return values;
}

async function latency(sidecar) {
  const rows = [];
  for (const size of SIZES) {
    const runs = RUNS[size];
    const cold = [];
    const fitMs = [];
    const models = new Set();
    let covered = { inside: 0, observed: 0 };
    // "Cold" means no cached model, not a cold process: the first fits of each size in each worker
    // also pay JIT compilation, so they are timed separately and left out of the percentiles.
    const firstMs = [];
    const firstFitMs = [];
    for (let run = 0; run < WARMUP_FITS; run++) {
      const values = traffic(size + HOLDOUT, START, 500 + run);
      const result = await post(sidecar.url, seriesBody(values, START, size, { bench: 'jit', size: String(size) }));
      firstMs.push(result.ms);
      firstFitMs.push(result.series.fitMs);
    }
    for (let run = 0; run < runs.cold; run++) {
      // Another seed is another model (the cache keys on the data), so every one of these is a cold fit.
      const values = traffic(size + HOLDOUT, START, 1000 + run);
      const result = await post(sidecar.url, seriesBody(values, START, size, { bench: 'cold', size: String(size) }));
      if (result.series.cached) throw new Error('a cold run hit the cache');
      cold.push(result.ms);
      fitMs.push(result.series.fitMs);
      models.add(result.series.model);
      const c = coverageOf(result.series);
      covered = { inside: covered.inside + c.inside, observed: covered.observed + c.observed };
    }
    const warmBody = JSON.stringify(
      seriesBody(traffic(size + HOLDOUT, START, 7), START, size, { bench: 'warm', size: String(size) }),
    );
    await post(sidecar.url, warmBody);
    const warm = [];
    for (let run = 0; run < runs.warm; run++) {
      const result = await post(sidecar.url, warmBody);
      if (!result.series.cached) throw new Error('a warm run missed the cache');
      warm.push(result.ms);
    }
    // The same series and training window in the compact form: the same cached model.
    const compactWarmBody = JSON.stringify(
      compactBody(traffic(size + HOLDOUT, START, 7), START, size, { bench: 'warm', size: String(size) }),
    );
    const warmCompact = [];
    for (let run = 0; run < runs.warm; run++) {
      const result = await post(sidecar.url, compactWarmBody);
      if (!result.series.cached) throw new Error('a warm compact run missed the cache');
      warmCompact.push(result.ms);
    }
    rows.push({
      points: size,
      firstFitMs: round(firstMs[0]),
      firstFitServerFitMs: round(firstFitMs[0]),
      coldRuns: cold.length,
      coldP50Ms: round(percentile(cold, 0.5)),
      coldP95Ms: round(percentile(cold, 0.95)),
      fitP50Ms: round(percentile(fitMs, 0.5)),
      warmRuns: warm.length,
      warmP50Ms: round(percentile(warm, 0.5), 2),
      warmP95Ms: round(percentile(warm, 0.95), 2),
      warmCompactP50Ms: round(percentile(warmCompact, 0.5), 2),
      warmCompactP95Ms: round(percentile(warmCompact, 0.95), 2),
      bodyBytes: warmBody.length,
      compactBodyBytes: compactWarmBody.length,
      holdoutCoverage: round(covered.inside / covered.observed, 3),
      models: [...models],
    });
    log(`latency ${size}: cold p50 ${rows.at(-1).coldP50Ms} ms, warm p50 ${rows.at(-1).warmP50Ms} ms`);
  }
  return rows;
}

/**
 * Coverage of the 95% band over the day after training, on fresh seeds (held-out data), at every origin of
 * COVERAGE_ORIGINS: the training window ends at the origin. Per origin and size, and per size the mean over
 * the origins (each origin weighs the same) and the worst origin.
 */
async function coverage(sidecar) {
  const byOrigin = [];
  for (const origin of COVERAGE_ORIGINS) {
    const row = { origin: new Date(origin * 1000).toISOString(), heldOutDay: heldOutDay(origin, HELD_OUT_DAY * STEP) };
    for (const size of SIZES) {
      const start = origin - size * STEP;
      let inside = 0;
      let observed = 0;
      const models = new Set();
      for (let seed = 0; seed < COVERAGE_SEEDS; seed++) {
        const values = traffic(size + HELD_OUT_DAY, start, 5000 + seed);
        const { series } = await post(sidecar.url, seriesBody(values, start, size, { bench: 'coverage' }));
        const c = coverageOf(series);
        inside += c.inside;
        observed += c.observed;
        models.add(series.model);
      }
      row[`coverage${size}`] = round(inside / observed, 3);
      row[`models${size}`] = [...models];
    }
    byOrigin.push(row);
    log(`coverage ${row.heldOutDay}: ${SIZES.map((size) => row[`coverage${size}`]).join(' / ')}`);
  }
  const summary = SIZES.map((size) => {
    const figures = byOrigin.map((row) => row[`coverage${size}`]);
    const worst = Math.min(...figures);
    return {
      points: size,
      origins: byOrigin.length,
      seedsPerOrigin: COVERAGE_SEEDS,
      heldOutPoints: HELD_OUT_DAY * COVERAGE_SEEDS * byOrigin.length,
      coverage95: round(figures.reduce((a, b) => a + b, 0) / figures.length, 3),
      worst,
      worstDay: byOrigin[figures.indexOf(worst)].heldOutDay,
    };
  });
  return { summary, byOrigin };
}

async function load(sidecar) {
  const body = JSON.stringify(seriesBody(traffic(1440 + HOLDOUT, START, 11), START, 1440, { bench: 'load' }));
  await post(sidecar.url, body);
  const result = await autocannon({
    url: `${sidecar.url}/api/v1/bands/series`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body,
    connections: 16,
    amount: LOAD.amount,
    duration: LOAD.duration,
  });
  return {
    request: '1,440 training points + 60 banded, cached model',
    connections: 16,
    requests: result.requests.total,
    seconds: round(result.duration, 2),
    requestsPerSecond: round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function table(title, rows) {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]);
  const cells = [
    keys,
    ...rows.map((r) => keys.map((k) => (Array.isArray(r[k]) ? r[k].join(' ') : String(r[k] ?? '-')))),
  ];
  const widths = keys.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  process.stdout.write(`\n${title}\n`);
  for (const [n, row] of cells.entries()) {
    process.stdout.write(`${row.map((cell, i) => cell.padStart(widths[i])).join('  ')}\n`);
    if (n === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

function verdicts(results) {
  const byPoints = (rows, n) => rows.find((r) => r.points === n) ?? {};
  const lat = results.latency;
  const checks = [
    ['1,440 points cold p50 <= 50 ms', byPoints(lat, 1440).coldP50Ms, (v) => v <= TARGETS.cold1440Ms],
    ['10,080 points cold p50 <= 300 ms', byPoints(lat, 10080).coldP50Ms, (v) => v <= TARGETS.cold10080Ms],
    ['first request after start <= 100 ms', results.firstRequestMs, (v) => v <= TARGETS.firstRequestMs],
    [
      'warm p50 <= 10 ms (1,440 / 10,080 / 40,320)',
      lat.map((r) => r.warmP50Ms),
      (v) => v.every((x) => x <= TARGETS.warmMs),
    ],
    [
      'warm p50 <= 10 ms, compact form (1,440 / 10,080 / 40,320)',
      lat.map((r) => r.warmCompactP50Ms),
      (v) => v.every((x) => x <= TARGETS.warmMs),
    ],
    [
      '95% band coverage on held-out days in 90-98% (mean of the origins; 1,440 / 10,080 / 40,320)',
      results.coverage.map((r) => r.coverage95),
      (v) => v.every((x) => x >= TARGETS.coverage[0] && x <= TARGETS.coverage[1]),
    ],
    // A mean over a week can pass with one day's band far off the data; the worst origin says if one is.
    [
      "every origin's held-out day >= 90% (worst origin; 1,440 / 10,080 / 40,320)",
      results.coverage.map((r) => r.worst),
      (v) => v.every((x) => x >= TARGETS.coverage[0]),
    ],
  ];
  for (const peer of results.peers.compared) {
    if (peer.speedup === null) continue;
    const target = peer.peer.startsWith('statsmodels') ? TARGETS.statsmodelsSpeedup : TARGETS.rSpeedup;
    checks.push([`>= ${target}x faster than ${peer.peer} at ${peer.points} points`, peer.speedup, (v) => v >= target]);
    checks.push([`MASE no worse than ${peer.peer} at ${peer.points} points`, peer.maseDelta, (v) => v <= 0.005]);
  }
  return checks.map(([target, value, ok]) => ({
    target,
    value: Array.isArray(value) ? value.join(' / ') : value,
    met: value === null || value === undefined ? 'n/a' : ok(value) ? 'yes' : 'NO',
  }));
}

/** --no-peers: the comparison from the last full run, marked with when it was measured. */
function carriedOverPeers() {
  const file = path.join(ROOT, 'bench/results/bands.json');
  if (!existsSync(file)) return { compared: [], skipped: [{ peer: 'all', reason: '--no-peers and no earlier run' }] };
  const previous = JSON.parse(readFileSync(file, 'utf8'));
  const peers = previous.peers ?? { compared: [], skipped: [] };
  return {
    ...peers,
    carriedOverFrom: peers.carriedOverFrom ?? previous.when,
    // Which series the comparison was measured on: before the fixed start, whatever the clock said then.
    seriesSha256: peers.seriesSha256 ?? 'unknown: measured on series that started 40 days before that run',
  };
}

async function main() {
  build();
  await warmClient();
  const sidecar = await startSidecar();
  const results = {
    when: new Date().toISOString(),
    // Latency is only comparable between runs on an otherwise idle machine; the load says how idle it was.
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      node: process.version,
      loadAverageAtStart: os.loadavg(),
    },
    quick: QUICK,
    seriesStart: new Date(START * 1000).toISOString(),
    coverageOrigins: COVERAGE_ORIGINS.map((origin) => heldOutDay(origin, HELD_OUT_DAY * STEP)),
  };
  try {
    results.latency = await latency(sidecar);
    // The first request of the run (1,440 points, nothing cached) in a process that had just started.
    results.firstRequestMs = results.latency[0].firstFitMs;
    results.firstRequestFitMs = results.latency[0].firstFitServerFitMs;
    results.startupMs = sidecar.startupMs;
    const covered = await coverage(sidecar);
    results.coverage = covered.summary;
    results.coverageByOrigin = covered.byOrigin;
    results.load = await load(sidecar);
    results.peakRssMiB = round(peakRssBytes(sidecar.pid) / 1048576);
  } finally {
    await sidecar.stop();
  }
  results.peers = NO_PEERS
    ? carriedOverPeers()
    : await runPeers({
        root: ROOT,
        sizes: SIZES,
        holdout: HOLDOUT,
        step: STEP,
        start: START,
        quick: QUICK,
        log,
      });
  // The peers' inputs go into the digest whether or not they ran: with --no-peers too, the digest says
  // whether the carried-over comparison was measured on the same series.
  for (const { values } of peerSeries({ sizes: SIZES, holdout: HOLDOUT, step: STEP, start: START, quick: QUICK })) {
    generated.add(values);
  }
  results.seriesSha256 = generated.hex();
  if (!NO_PEERS) results.peers.seriesSha256 = results.seriesSha256;
  results.targets = verdicts(results);
  results.machine.loadAverageAtEnd = os.loadavg();

  table('Cold / warm latency of POST /api/v1/bands/series (HTTP round trip on loopback)', results.latency);
  table(
    'Empirical coverage of the 95% band on the held-out day after each origin (UTC), 1,440 / 10,080 / 40,320 training points',
    results.coverageByOrigin.map((row) => ({
      heldOutDay: row.heldOutDay,
      ...Object.fromEntries(SIZES.map((size) => [`coverage${size}`, row[`coverage${size}`]])),
      ...Object.fromEntries(SIZES.map((size) => [`models${size}`, row[`models${size}`]])),
    })),
  );
  table('Coverage over the origins (mean, worst)', results.coverage);
  process.stdout.write(`\nseries: start ${results.seriesStart}, sha256 ${results.seriesSha256}\n`);
  table('Load at concurrency 16 (autocannon)', [results.load]);
  process.stdout.write(`\nPeak RSS of the sidecar: ${results.peakRssMiB} MiB\n`);
  process.stdout.write(
    `First request after start: ${results.firstRequestMs} ms (its fit: ${results.firstRequestFitMs} ms in a worker); ` +
      `start to first /healthz answer: ${results.startupMs} ms\n`,
  );
  const [load1] = results.machine.loadAverageAtStart;
  if (load1 > results.machine.cpus) {
    process.stdout.write(
      `note: load average ${load1.toFixed(1)} on ${results.machine.cpus} CPUs at start; latencies are inflated\n`,
    );
  }
  table(
    'Engine vs peers on the same series (fit + 60-step forecast timed inside each runner; MASE, 95% coverage on the held-out hour)',
    results.peers.compared,
  );
  for (const skipped of results.peers.skipped) process.stdout.write(`skipped ${skipped.peer}: ${skipped.reason}\n`);
  table('Issue 3 targets', results.targets);

  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), OUT)}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
