#!/usr/bin/env node
/**
 * Withholding, measured live (issue 14). The watchers can keep an excursion's points from the
 * model two ways (NTMA_WATCH_WITHHOLD): only an excursion the attack classifier calls
 * `attack_suspected` (`attacks`, the default) or every excursion (`excursions`, the old setting).
 * NAB has no network signals, so the backtest cannot tell the two apart on an attack; this runs
 * the real stack on loopback instead and scores both on the same traffic at the same time:
 *
 * - a scripted exporter (node-exporter's counter names, device "wl0"), seeded, backfilled with
 *   promtool so the watchers fit at once, scraped by a real Prometheus every 5 s;
 * - two built sidecars against that one Prometheus, one per setting, each with the native demo's
 *   host_rx_packets watcher (demo/watchers.native.yml: rate over 1m, 5 s step, 10 min window,
 *   bytes as its companion signal), so both see exactly the same series;
 * - labelled events: a benign spike (packets and bytes together), a small-packet flood (packets
 *   x5, bytes x1.4: the classifier's rule 1), a drop, and a level shift up that stays (a new normal
 *   that should be learned), with quiet gaps between them.
 *
 * Each sidecar's /metrics is read every second. Per event and setting: detection delay, the share
 * of the event flagged on its side, whether the flag held from detection to the event's end, how
 * long it stayed flagged after the end and how often it turned or reopened there (flapping); for
 * the level shift, how long until ntma_anomaly went back to 0 for good (learned); and the seconds
 * flagged outside any event and its settling tail. Prints a table, writes
 * bench/results/withhold-live.json. Never part of `npm test`.
 *
 * Bounded: about 20 minutes of events, the whole run stopped after --max-minutes (default 30),
 * every child killed on exit. Loopback only.
 *
 * Usage: node bench/withhold-live.mjs [--skip-build] [--seed N] [--max-minutes M] [--timeline FILE]
 * (--timeline writes every second's reading of both sidecars, value and forecast included, to FILE)
 * Needs: prometheus and promtool on PATH (scripts/install-deps).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, sleep, start, stopAll, until, which } from './processes.mjs';
import { ROOT, args, buildSidecar, option } from './cli.mjs';
import {
  EVENTS,
  RATE_WINDOW,
  SCENARIO_SECONDS,
  STEP,
  TRAIN_SECONDS,
  scenarioRates,
  seededNoise,
} from './withhold-scenario.mjs';

const SEED = option('--seed', 1);
const MAX_MINUTES = option('--max-minutes', 30);
const SETTINGS = ['attacks', 'excursions'];
const TIMELINE = args.includes('--timeline') ? args[args.indexOf('--timeline') + 1] : null;
/** History written before the start: the training window, the rate window and some slack. */
const HISTORY_SECONDS = 1800;
const TOKEN = 'bench-token-0123456789abcdef';
const WATCHER = 'host_rx_packets';

const round = (v, digits = 1) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : null);

function log(message) {
  process.stderr.write(`bench withhold-live: ${message}\n`);
}

const noise = seededNoise(SEED);

/** Unix seconds of the scenario's origin; null until the sidecars are ready (no event before it). */
let origin = null;

/**
 * Unix second the traffic's own clock starts from: the run's start, on the scrape grid. The swell's
 * phase and the noise are read on this clock, not the wall clock's, so every run with a seed plays
 * the same traffic and its events meet the swell at the same phase, give or take the seconds the
 * sidecars take to band the series (the wall clock put them at any phase of the hour).
 */
let anchor = 0;

/** The scripted rates at unix second `t`: events only once the scenario has its origin. */
function rates(t) {
  return scenarioRates(noise, t - anchor, origin === null ? null : t - origin);
}

/** The two counters, advanced by the midpoint rule so rate() in Prometheus reads the scripted rates back. */
const counters = { packets: 0, bytes: 0, at: 0 };
function advance(to) {
  for (let a = counters.at; a < to; a += 0.25) {
    const b = Math.min(to, a + 0.25);
    const r = rates((a + b) / 2);
    counters.packets += r.packets * (b - a);
    counters.bytes += r.bytes * (b - a);
  }
  counters.at = Math.max(counters.at, to);
}

function exposition(labels) {
  return [
    '# TYPE node_network_receive_packets_total counter',
    `node_network_receive_packets_total${labels} ${counters.packets}`,
    '# TYPE node_network_receive_bytes_total counter',
    `node_network_receive_bytes_total${labels} ${counters.bytes}`,
  ];
}

/** The history before now, as TSDB blocks, so the watchers' first fit comes at their first step. */
function backfill(dir, labels, now) {
  const from = Math.floor((now - HISTORY_SECONDS) / STEP) * STEP;
  counters.at = from;
  const packets = [];
  const bytes = [];
  for (let t = from; t < now - STEP; t += STEP) {
    advance(t);
    packets.push(`node_network_receive_packets_total${labels} ${counters.packets} ${t}`);
    bytes.push(`node_network_receive_bytes_total${labels} ${counters.bytes} ${t}`);
  }
  const file = path.join(dir, 'history.om');
  writeFileSync(
    file,
    [
      '# TYPE node_network_receive_packets_total counter',
      ...packets,
      '# TYPE node_network_receive_bytes_total counter',
      ...bytes,
      '# EOF',
      '',
    ].join('\n'),
  );
  execFileSync(which('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', file, path.join(dir, 'data')], {
    stdio: 'pipe',
  });
}

async function startPrometheus(dir, target) {
  const port = await freePort();
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      `global: { scrape_interval: ${STEP}s, evaluation_interval: ${STEP}s }`,
      'scrape_configs:',
      `  - { job_name: node, static_configs: [{ targets: ['${target}'] }] }`,
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
    ],
    {},
    path.join(dir, 'prometheus.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  await until('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 60000, 500);
  return url;
}

/** The native demo's host_rx_packets watcher, on the scripted interface. */
function watchersFile(dir) {
  const file = path.join(dir, 'watchers.yml');
  const device = '{device="wl0"}';
  writeFileSync(
    file,
    [
      'defaults:',
      `  step: ${STEP}s`,
      `  train: ${TRAIN_SECONDS / 60}m`,
      '  sensitivity: medium',
      'watchers:',
      `  - name: ${WATCHER}`,
      `    expr: sum by (instance, device) (rate(node_network_receive_packets_total${device}[1m]))`,
      '    role: packets',
      '    signals:',
      `      bytes: sum by (instance, device) (rate(node_network_receive_bytes_total${device}[1m]))`,
      '',
    ].join('\n'),
  );
  return file;
}

async function startSidecar(dir, prometheusUrl, watchers, withhold) {
  const port = await freePort();
  start(
    process.execPath,
    [path.join(ROOT, 'sidecar/dist/server.js')],
    {
      NTMA_HOST: '127.0.0.1',
      NTMA_PORT: String(port),
      PROMETHEUS_URL: prometheusUrl,
      NTMA_API_TOKEN: TOKEN,
      NTMA_WATCHERS: watchers,
      NTMA_WATCH_WITHHOLD: withhold,
      NTMA_DATA_DIR: path.join(dir, `ntma-data-${withhold}`),
      NTMA_FIT_WORKERS: '1',
      NTMA_LOG_LEVEL: 'warn',
      NTMA_SCALE_EVAL_SECONDS: '0',
      DOCKER_SOCKET: path.join(dir, 'no-docker.sock'),
    },
    path.join(dir, `sidecar-${withhold}.log`),
  );
  const url = `http://127.0.0.1:${port}`;
  await until(`sidecar (${withhold}) healthy`, async () => (await fetch(`${url}/healthz`)).ok, 60000, 500);
  return url;
}

/** The watched series' ntma_anomaly and open kind, as the sidecar exports them now. */
async function reading(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = (name) => text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`watcher="${WATCHER}"`));
  const anomaly = line('ntma_anomaly');
  const kind = line('ntma_anomaly_kind_info');
  const actual = line('ntma_actual');
  const forecast = line('ntma_forecast');
  const value = (l) => (l ? Number(l.slice(l.lastIndexOf(' ') + 1)) : null);
  return {
    anomaly: value(anomaly),
    kind: kind ? (/kind="([^"]+)"/.exec(kind)?.[1] ?? null) : null,
    actual: value(actual),
    forecast: value(forecast),
  };
}

// ---------------------------------------------------------------------------------------------
// Scoring one setting's timeline: [{ s (seconds from origin), anomaly, kind }], one a second.

function flagged(p, sign) {
  return sign === undefined ? p.anomaly !== null && p.anomaly !== 0 : p.anomaly === sign;
}

/** Turns of side and re-openings (0 -> flagged) among points; what flapping looks like. */
function flaps(points) {
  let turns = 0;
  let reopenings = 0;
  let previous = null;
  let wasFlagged = false;
  for (const p of points) {
    if (p.anomaly === null) continue;
    if (p.anomaly !== 0 && previous !== null && previous !== 0 && p.anomaly !== previous) turns++;
    if (p.anomaly !== 0 && !wasFlagged && previous === 0) reopenings++;
    wasFlagged = p.anomaly !== 0;
    previous = p.anomaly;
  }
  return { turns, reopenings };
}

/** One event's figures; `next` is when the next event starts (or the run ends). */
function scoreEvent(timeline, event, next) {
  // A level that stays is judged until the next event: by then it should be the new normal.
  const end = event.stays ? next : event.start + event.seconds;
  const during = timeline.filter((p) => p.s >= event.start && p.s < end);
  const detected = during.find((p) => flagged(p, event.sign));
  const delay = detected ? detected.s - event.start : null;
  const heldFromDetection = detected
    ? during.filter((p) => p.s >= detected.s).every((p) => flagged(p, event.sign))
    : false;
  const kinds = [...new Set(during.map((p) => p.kind).filter((k) => k !== null))];
  const result = {
    event: event.name,
    kind: event.kind,
    startS: event.start,
    seconds: end - event.start,
    detectionDelaySeconds: delay,
    flaggedShare: during.length ? round(during.filter((p) => flagged(p, event.sign)).length / during.length, 2) : null,
    heldFromDetectionToEnd: heldFromDetection,
    kindsSeen: kinds,
  };
  if (event.stays) {
    // Learned once ntma_anomaly is 0 from some point until the next event.
    let learnedAt = null;
    for (let i = during.length - 1; i >= 0 && !flagged(during[i]); i--) learnedAt = during[i].s;
    result.learnedAfterSeconds = learnedAt === null ? null : learnedAt - event.start;
    result.flaggedSecondsWhileNewNormal = during.filter((p) => flagged(p)).length;
    return result;
  }
  const after = timeline.filter((p) => p.s >= end && p.s < next);
  let last = null;
  for (const p of after) if (flagged(p)) last = p.s;
  result.flaggedAfterEndSeconds = last === null ? 0 : last - end + 1;
  result.flaggedAfterEndBeyondRateWindowSeconds = after.filter((p) => p.s >= end + RATE_WINDOW && flagged(p)).length;
  Object.assign(result, flaps(after));
  return result;
}

function score(timeline) {
  const events = EVENTS.map((e, i) => scoreEvent(timeline, e, EVENTS[i + 1]?.start ?? SCENARIO_SECONDS));
  // Outside every event and the rate window that spreads its end: flags there are false positives.
  const quiet = timeline.filter(
    (p) =>
      !EVENTS.some((e) => p.s >= e.start && p.s < e.start + e.seconds + RATE_WINDOW) &&
      p.s < EVENTS.find((e) => e.stays).start,
  );
  return {
    events,
    quietSeconds: quiet.length,
    falsePositiveSeconds: quiet.filter((p) => flagged(p)).length,
    missingReadings: timeline.filter((p) => p.anomaly === null).length,
  };
}

function table(results) {
  const cell = (v) => (v === null || v === undefined ? '—' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  const rows = [
    [
      'event',
      'withhold',
      'delay s',
      'flagged share',
      'held to end',
      'kinds',
      'after end s',
      'turns/reopen',
      'learned after s',
    ],
  ];
  for (let i = 0; i < EVENTS.length; i++) {
    for (const setting of SETTINGS) {
      const e = results[setting].events[i];
      rows.push([
        e.event,
        setting,
        cell(e.detectionDelaySeconds),
        cell(e.flaggedShare),
        cell(e.heldFromDetectionToEnd),
        e.kindsSeen.join(',') || '—',
        cell(e.flaggedAfterEndSeconds),
        e.turns === undefined ? '—' : `${e.turns}/${e.reopenings}`,
        cell(e.learnedAfterSeconds),
      ]);
    }
  }
  for (const setting of SETTINGS) {
    const r = results[setting];
    rows.push([
      'quiet (outside events)',
      setting,
      '',
      '',
      '',
      '',
      `${r.falsePositiveSeconds} of ${r.quietSeconds} s flagged`,
      '',
      '',
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  for (const r of rows) console.log(`  ${r.map((v, c) => v.padEnd(widths[c])).join('  ')}`);
}

async function main() {
  buildSidecar();
  const started = Date.now();
  setTimeout(() => {
    log(`stopped after --max-minutes ${MAX_MINUTES}`);
    void stopAll().then(() => process.exit(2));
  }, MAX_MINUTES * 60_000).unref();

  const dir = mkdtempSync(path.join(os.tmpdir(), 'ntma-bench-withhold-'));
  const exporter = createServer((request, response) => {
    advance(Date.now() / 1000);
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(`${exposition('{device="wl0"}').join('\n')}\n`);
  });
  await new Promise((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const target = `127.0.0.1:${exporter.address().port}`;
  // The labels Prometheus gives the live samples, so the backfilled history is the same series.
  const labels = `{device="wl0",instance="${target}",job="node"}`;
  const now = Date.now() / 1000;
  anchor = Math.floor(now / STEP) * STEP;
  backfill(dir, labels, now);
  const prometheus = await startPrometheus(dir, target);
  const watchers = watchersFile(dir);
  const sidecars = {};
  for (const setting of SETTINGS) sidecars[setting] = await startSidecar(dir, prometheus, watchers, setting);
  log('waiting for both sidecars to band the series');
  await until(
    'a model on both sidecars',
    async () => (await Promise.all(SETTINGS.map((s) => reading(sidecars[s])))).every((r) => r.anomaly !== null),
    5 * 60_000,
    500,
  );
  origin = Math.ceil(Date.now() / 1000);
  const loadAtStart = os.loadavg();
  log(`scenario starts (seed ${SEED}); ${SCENARIO_SECONDS} s of events`);

  const timelines = Object.fromEntries(SETTINGS.map((s) => [s, []]));
  let lastEvent = null;
  while (Date.now() / 1000 < origin + SCENARIO_SECONDS) {
    const tick = Date.now();
    const s = Math.round(tick / 1000 - origin);
    const now = EVENTS.findLast((e) => s >= e.start && s < e.start + e.seconds)?.name ?? null;
    if (now !== lastEvent) log(`t=${s}s ${now ?? 'quiet'}`);
    lastEvent = now;
    const readings = await Promise.all(SETTINGS.map((setting) => reading(sidecars[setting]).catch(() => null)));
    SETTINGS.forEach((setting, i) => {
      const r = readings[i];
      timelines[setting].push({
        s,
        anomaly: r?.anomaly ?? null,
        kind: r?.kind ?? null,
        actual: r?.actual ?? null,
        forecast: r?.forecast ?? null,
      });
    });
    await sleep(Math.max(0, 1000 - (Date.now() - tick)));
  }
  const loadAtEnd = os.loadavg();
  const excursions = {};
  for (const setting of SETTINGS) excursions[setting] = await loggedExcursions(sidecars[setting]).catch(() => null);
  await stopAll();
  await new Promise((resolve) => exporter.close(resolve));
  rmSync(dir, { recursive: true, force: true });

  const results = Object.fromEntries(SETTINGS.map((s) => [s, score(timelines[s])]));
  if (TIMELINE) writeFileSync(TIMELINE, `${JSON.stringify({ seed: SEED, origin, timelines })}\n`);
  console.log(
    `\nwithholding live (seed ${SEED}, ${STEP} s step, ${TRAIN_SECONDS / 60} min window, rate over ${RATE_WINDOW} s; load ${loadAtStart[0].toFixed(1)} -> ${loadAtEnd[0].toFixed(1)})`,
  );
  table(results);

  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  const out = path.join(ROOT, 'bench/results/withhold-live.json');
  // One run per seed, kept side by side: each run is 20 minutes of a shared machine.
  let runs = {};
  try {
    runs = JSON.parse(readFileSync(out, 'utf8')).runs ?? {};
  } catch {
    // The first run.
  }
  runs[String(SEED)] = {
    date: new Date().toISOString(),
    loadAverage1m: { start: round(loadAtStart[0]), end: round(loadAtEnd[0]) },
    seconds: round((Date.now() - started) / 1000, 0),
    results,
    excursions,
    // ntma_anomaly and the open kind wherever either changed, [seconds from origin, anomaly, kind].
    changes: Object.fromEntries(SETTINGS.map((s) => [s, changesOf(timelines[s])])),
  };
  const setup = {
    cores: os.cpus().length,
    stepSeconds: STEP,
    trainSeconds: TRAIN_SECONDS,
    rateWindowSeconds: RATE_WINDOW,
  };
  writeFileSync(out, `${JSON.stringify({ ...setup, events: EVENTS, runs }, null, 1)}\n`);
  console.log(`\nwrote ${path.relative(ROOT, out)}`);
}

/** The points of a timeline where ntma_anomaly or the kind changed, as [s, anomaly, kind]. */
function changesOf(timeline) {
  const changes = [];
  let previous = null;
  for (const p of timeline) {
    if (previous === null || p.anomaly !== previous.anomaly || p.kind !== previous.kind) {
      changes.push(JSON.stringify([p.s, p.anomaly, p.kind]));
    }
    previous = p;
  }
  return changes;
}

/** The excursions a sidecar logged (GET /api/v1/anomalies), in seconds from the origin. */
async function loggedExcursions(url) {
  const response = await fetch(`${url}/api/v1/anomalies`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const { anomalies } = await response.json();
  return anomalies
    .map((a) => ({
      kind: a.kind,
      direction: a.direction,
      startS: a.start - origin,
      endS: a.end === null ? null : a.end - origin,
      peakValue: round(a.peak.value, 0),
      peakForecast: round(a.peak.forecast, 0),
      reasons: a.reasons,
    }))
    .reverse();
}

process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));
main().catch(async (error) => {
  log(`failed: ${error.stack ?? error}`);
  await stopAll();
  process.exit(1);
});
