#!/usr/bin/env node
/**
 * The watcher's own work per step at N series (issue 18), without Prometheus. By default: finding each
 * sample's series by its label key, marking the series seen, the missing-series pass and the refit
 * pass, with a detector that does nothing, so the detectors' arithmetic is left out. Each step gets a
 * freshly parsed answer (new label objects in Prometheus' name order, as the client parses one); the
 * parse itself is not timed. Prints the first step (every series admitted) and the median and best of
 * the steady steps, in milliseconds.
 *
 * --detector forecast: the production detector instead (watch/detectors.ts), every series backfilled
 * with a day of history and banded by a model restored from one real fit, as watch-memory.mjs does;
 * the steady steps then include the detectors' updates.
 * --client: each step's instant query goes through the real Prometheus client (prometheus/client.ts)
 * to a loopback server that answers the vector as Prometheus would (JSON, values as strings), so the
 * answer's transfer, decoding and parsing are in the step; their share is printed as queryMs.
 * loopHeld is the longest the event loop went without a turn during a step (what a request waits at most).
 *
 * Usage: node bench/watch-step.mjs [--series N] [--steps S] [--detector idle|forecast] [--client]
 *                                  [--sidecar-dist DIR]
 * (build the sidecar first; --sidecar-dist measures another build, e.g. main's, for a before/after).
 */
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ROOT, args, flag, option } from './cli.mjs';
import { noise } from './series-noise.mjs';

const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const SERIES = option('--series', 100_000);
const STEPS = option('--steps', 12);
const DETECTOR = value('--detector') ?? 'idle';
const CLIENT = flag('--client');
const DIST = path.resolve(value('--sidecar-dist') ?? path.join(ROOT, 'sidecar/dist'));
const load = (file) => import(pathToFileURL(path.join(DIST, file)).href);
const { Watcher } = await load('watch/watcher.js');
const { RefitQueue } = await load('watch/refit.js');
const { AnomalyLog } = await load('watch/anomaly-log.js');
const { unjudgedVerdict } = await load('detect/types.js');

const STEP = 15;
const TRAIN_POINTS = 240;
const T0 = 1_800_000_000;

const idle = () => ({
  update: (t, v) => unjudgedVerdict(t, v),
  wantsModel: () => false,
  trainingWindow: () => [],
  install() {},
});

const level = (i, slot) => 100 * (1 + (i % 100)) * (1 + 0.05 * noise(i, slot));

const spec = {
  name: 'step',
  expr: 'ntma_bench_traffic',
  stepSeconds: STEP,
  trainSeconds: TRAIN_POINTS * STEP,
  confidence: 0.99,
  role: 'other',
  maxSeries: 2 * SERIES,
  signals: {},
};
const metric = (i) => ({
  __name__: 'ntma_bench_traffic',
  instance: `10.0.${i % 250}.${i % 7}:9100`,
  job: 'bench',
  series: String(i),
});

/** The instant answer at `slot` as Prometheus writes it: values as strings, labels in name order. */
function prometheusText(slot) {
  const t = T0 + slot * STEP;
  const parts = [];
  for (let i = 0; i < SERIES; i++) {
    parts.push(`{"metric":${JSON.stringify(metric(i))},"value":[${t},"${level(i, slot)}"]}`);
  }
  return `{"status":"success","data":{"resultType":"vector","result":[${parts.join(',')}]}}`;
}

let detectors = idle;
let fit = async () => {
  throw new Error('the idle detector never asks for a model');
};
if (DETECTOR === 'forecast') {
  detectors = (await load('watch/detectors.js')).forecastDetectors;
  const { fitModel } = await load('forecast/fit.js');
  const { watchedModel } = await load('watch/create.js');
  let snapshot;
  fit = async (values, fitSpec) => {
    snapshot ??= fitModel(values, fitSpec).snapshot();
    return watchedModel(snapshot);
  };
} else if (DETECTOR !== 'idle') throw new Error(`--detector: idle or forecast, not ${DETECTOR}`);

let slot = 0;
let answer = [];
let server;
let client;
const source = {
  query: async (query, time) => (client ? client.query(query, time) : answer),
  // A backfill chunk: every series over [start, end], values as the client's dense arrays.
  queryRange: async ({ start, end }) => {
    const first = Math.round((start - T0) / STEP);
    const count = Math.round((end - start) / STEP) + 1;
    return {
      series: Array.from({ length: SERIES }, (_, i) => ({
        labels: metric(i),
        values: Array.from({ length: count }, (_, k) => level(i, first + k)),
      })),
      warnings: [],
    };
  },
};
if (CLIENT) {
  const { PrometheusClient } = await load('prometheus/client.js');
  let text = '';
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(text);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new PrometheusClient({
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    timeoutMs: 60_000,
    maxResponseBytes: 1 << 30,
    maxSeries: 2 * SERIES,
  });
  source.setText = (next) => (text = next);
}

const refits = new RefitQueue(fit, { maxInFlight: 1 });
const events = { queryError() {}, capHit() {}, signalCapHit() {}, refit() {} };
const watcher = new Watcher(spec, source, detectors, refits, new AnomalyLog(1000), events);
const settle = async () => {
  while (refits.queued > 0 || refits.inFlight > 0) await nextTurn();
};
let backfillMs = null;
if (DETECTOR === 'forecast') {
  // A window of history for every series, then every series' first model (in this thread).
  const began = performance.now();
  const firstStep = T0 + TRAIN_POINTS * STEP;
  const [answerBefore] = [answer];
  answer = [{ labels: {}, t: firstStep, value: SERIES }];
  if (client)
    source.setText(
      `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[${firstStep},"${SERIES}"]}]}}`,
    );
  await watcher.backfill(firstStep);
  answer = answerBefore;
  await settle();
  backfillMs = Math.round(performance.now() - began);
}
const times = [];
const queries = [];
const timedQuery = source.query;
let queryMs = 0;
source.query = async (...call) => {
  const began = performance.now();
  try {
    return await timedQuery(...call);
  } finally {
    queryMs += performance.now() - began;
  }
};
/** The longest the event loop went without a turn during each step: what a request would wait at most. */
const held = [];
let longest = 0;
let pinging = false;
let last = 0;
const ping = () => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
  if (pinging) setImmediate(ping);
};
for (let s = 0; s < STEPS; s++) {
  slot = TRAIN_POINTS + s;
  if (client) source.setText(prometheusText(slot));
  else {
    const { parseInstant, parseEnvelope } = await load('prometheus/parse.js');
    const envelope = parseEnvelope(prometheusText(slot));
    answer = parseInstant(envelope.data);
  }
  queryMs = 0;
  longest = 0;
  pinging = true;
  last = performance.now();
  setImmediate(ping);
  const began = process.hrtime.bigint();
  await watcher.step(T0 + STEP * slot);
  times.push(Number(process.hrtime.bigint() - began) / 1e6);
  pinging = false;
  queries.push(queryMs);
  held.push(longest);
  // Models the step asked for (refits) are fitted between steps, as the workers would.
  await settle();
}
server?.close();
client?.close();
const steady = (values) => values.slice(2).sort((a, b) => a - b);
const state = watcher.state();
console.log(
  JSON.stringify({
    dist: path.relative(ROOT, DIST) || DIST,
    detector: DETECTOR,
    client: CLIENT,
    series: watcher.series.size,
    modelled: state.present,
    load: os.loadavg()[0],
    backfillMs,
    firstStepMs: Math.round(times[0]),
    steadyMedianMs: Math.round(steady(times)[(STEPS - 2) >> 1]),
    steadyBestMs: Math.round(steady(times)[0]),
    queryMedianMs: Math.round(steady(queries)[(STEPS - 2) >> 1]),
    loopHeldMedianMs: Math.round(steady(held)[(STEPS - 2) >> 1]),
    loopHeldMaxMs: Math.round(Math.max(...held.slice(2))),
  }),
);
