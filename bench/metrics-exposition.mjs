#!/usr/bin/env node
/**
 * The sidecar's /metrics at N watched series (issue 18), without Prometheus or detectors: the per-series
 * gauges (series-metrics.ts) over N samples shaped like a watcher's (four labels, full-precision values,
 * one series in a hundred with an open excursion), rendered as the /metrics route renders them, and
 * scraped over loopback HTTP from a Fastify server with that route. Prints, in milliseconds, the
 * rendering's wall and CPU time (median and best of the runs after one), the HTTP scrape's wall time
 * (request to last byte) and the longest the event loop was held during a scrape, and the bytes.
 * Writes no file.
 *
 * Usage: node bench/metrics-exposition.mjs [--series N] [--runs R] [--skip-build] [--sidecar-dist DIR]
 * (--sidecar-dist measures another build, e.g. main's, for a before/after).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';
import { Registry } from 'prom-client';
import { ROOT, args, buildSidecar, option } from './cli.mjs';
import { noise } from './series-noise.mjs';

const SERIES = option('--series', 100_000);
const RUNS = option('--runs', 6);
buildSidecar();
const DIST = (() => {
  const i = args.indexOf('--sidecar-dist');
  return i >= 0 && args[i + 1] ? path.resolve(args[i + 1]) : path.join(ROOT, 'sidecar/dist');
})();
const load = (file) => import(pathToFileURL(path.join(DIST, file)).href);
const { registerSeriesMetrics } = await load('metrics/series-metrics.js');
const { createHealthMetrics } = await load('metrics/health.js');
const { exposition, metricsRoutes } = await load('routes/metrics.js');

// A watcher keeps one labels object per series for life; the samples are rebuilt every scrape, as
// the watch service's generator builds them.
const labels = Array.from({ length: SERIES }, (_, i) => ({
  series: String(i),
  job: 'bench',
  instance: '127.0.0.1:9100',
  watcher: 'bench',
}));
let slot = 0;
function* samples() {
  for (let i = 0; i < SERIES; i++) {
    const level = 100 * (1 + (i % 100));
    const forecast = level * (1 + 0.05 * noise(i, slot + 7));
    const sigma = level * 0.05;
    yield {
      labels: labels[i],
      actual: level * (1 + 0.05 * noise(i, slot)),
      forecast,
      lower: forecast - 2.58 * sigma,
      upper: forecast + 2.58 * sigma,
      anomaly: i % 100 === 0 ? 1 : 0,
      score: Math.abs(noise(i, slot + 13)) / 4,
      kind: i % 100 === 0 ? 'spike' : null,
    };
  }
}

const registry = new Registry();
createHealthMetrics(registry);
registerSeriesMetrics(registry).setSource(samples);

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const round = (value) => Math.round(value * 10) / 10;

const renderWall = [];
const renderCpu = [];
let bytes = 0;
let lines = 0;
for (let run = 0; run <= RUNS; run++) {
  slot = run;
  const cpu = process.cpuUsage();
  const began = performance.now();
  const text = await exposition(registry);
  const wall = performance.now() - began;
  const used = process.cpuUsage(cpu);
  bytes = Buffer.byteLength(text);
  lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  if (run === 0) continue; // the first run compiles
  renderWall.push(wall);
  renderCpu.push((used.user + used.system) / 1000);
}

const app = Fastify({ logger: false });
await app.register(metricsRoutes, { registry });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address();
const scrapeWall = [];
const held = [];
for (let run = 0; run <= RUNS; run++) {
  slot = 100 + run;
  // The longest gap between two turns of the event loop while the scrape runs: what a watch step
  // sharing the loop with it would wait at most.
  let longest = 0;
  let last = performance.now();
  let pinging = true;
  const ping = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (pinging) setImmediate(ping);
  };
  setImmediate(ping);
  const began = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  const body = await response.arrayBuffer();
  const wall = performance.now() - began;
  pinging = false;
  // Other values, other digits: the size moves by a few bytes a sample between scrapes.
  if (response.status !== 200 || Math.abs(body.byteLength - bytes) > bytes / 100) {
    throw new Error(`scrape answered ${response.status} with ${body.byteLength} bytes, expected about ${bytes}`);
  }
  if (run === 0) continue;
  scrapeWall.push(wall);
  held.push(longest);
}
await app.close();

console.log(
  JSON.stringify({
    dist: path.relative(ROOT, DIST) || DIST,
    series: SERIES,
    samples: lines,
    megabytes: round(bytes / 1048576),
    renderWallMs: { median: round(median(renderWall)), best: round(Math.min(...renderWall)) },
    renderCpuMs: { median: round(median(renderCpu)), best: round(Math.min(...renderCpu)) },
    scrapeWallMs: { median: round(median(scrapeWall)), best: round(Math.min(...scrapeWall)) },
    loopHeldMs: { median: round(median(held)), max: round(Math.max(...held)) },
  }),
);
