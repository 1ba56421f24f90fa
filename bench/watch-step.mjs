#!/usr/bin/env node
/**
 * The watcher's own work per step at N series (issue 18): finding each sample's series by its label
 * key, marking the series seen, the missing-series pass and the refit pass, with a detector that does
 * nothing, so the detectors' arithmetic and Prometheus are left out. Each step gets a freshly parsed
 * answer (new label objects in Prometheus' name order, as the client parses one); the parse itself
 * is not timed. Prints the first step (every series admitted) and the median and best of the
 * steady steps, in milliseconds.
 *
 * Usage: node bench/watch-step.mjs [--series N] [--steps S] [--sidecar-dist DIR]
 * (build the sidecar first; --sidecar-dist measures another build, e.g. main's, for a before/after).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SERIES = Number(value('--series') ?? 100_000);
const STEPS = Number(value('--steps') ?? 12);
const DIST = path.resolve(value('--sidecar-dist') ?? path.join(ROOT, 'sidecar/dist'));
const load = (file) => import(pathToFileURL(path.join(DIST, file)).href);
const { Watcher } = await load('watch/watcher.js');
const { RefitQueue } = await load('watch/refit.js');
const { AnomalyLog } = await load('watch/anomaly-log.js');

const idle = () => ({
  update: (t, v) => ({
    t,
    value: v,
    forecast: null,
    lower: null,
    upper: null,
    residual: null,
    score: 0,
    anomaly: 0,
    kind: null,
  }),
  wantsModel: () => false,
  trainingWindow: () => [],
  install() {},
});
const spec = {
  name: 'step',
  expr: 'ntma_bench_traffic',
  stepSeconds: 15,
  trainSeconds: 3600,
  confidence: 0.99,
  role: 'other',
  maxSeries: 2 * SERIES,
  signals: {},
};
const body = JSON.stringify(
  Array.from({ length: SERIES }, (_, i) => ({
    labels: {
      __name__: 'ntma_bench_traffic',
      instance: `10.0.${i % 250}.${i % 7}:9100`,
      job: 'bench',
      series: String(i),
    },
    value: i,
  })),
);
let answer = [];
const source = { query: async () => answer, queryRange: async () => ({ series: [] }) };
const refits = new RefitQueue(
  async () => {
    throw new Error('the idle detector never asks for a model');
  },
  { maxInFlight: 1 },
);
const events = { queryError() {}, capHit() {}, signalCapHit() {}, refit() {} };
const watcher = new Watcher(spec, source, idle, refits, new AnomalyLog(10), events);
const times = [];
for (let s = 0; s < STEPS; s++) {
  answer = JSON.parse(body);
  const began = process.hrtime.bigint();
  await watcher.step(1_800_000_000 + 15 * s);
  times.push(Number(process.hrtime.bigint() - began) / 1e6);
}
const steady = times.slice(2).sort((a, b) => a - b);
console.log(
  JSON.stringify({
    dist: path.relative(ROOT, DIST) || DIST,
    series: watcher.series.size,
    firstStepMs: Math.round(times[0]),
    steadyMedianMs: Math.round(steady[steady.length >> 1]),
    steadyBestMs: Math.round(steady[0]),
  }),
);
