#!/usr/bin/env node
// Peer runner for the NTMA engine itself, with the same CLI as the R and statsmodels runners so the
// benchmark treats all three alike. Needs the compiled sidecar (npm run build -w sidecar).
//
//   node bench/forecast-peers/ntma.mjs input.json output.json
//
// input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95,
//          "observed": [...] (optional: values after the training window for a one-step band)}
// output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "...",
//          "coldFitMs": ms, "warmingFitMs": ms, "workerFitMs": ms, "workerFirstFitMs": ms, "band": {"forecast", "lower", "upper"} when "observed" was given}
//
// coldFitMs is the first fit, which also pays WASM instantiation and JIT compilation; warmingFitMs the median of the
// next five (NTMA_REPEATS sets how many), while V8 is still compiling the hot paths (the first fits of a new worker);
// fitMs the median of five more after NTMA_WARMUP (default 10) untimed ones, what a fit worker that has served a few
// requests spends per uncached request (no model cache involved). On a 2,880-point 4-hour cycle the three were
// about 250, 160 and 55 ms at a load of 6: the first dozen fits of a process are not its steady state.
// workerFirstFitMs and workerFitMs are what a sidecar fit worker pays after its start-up warm-up (ntma-worker.mjs): its
// first fit of this series and the median of the next five (workerWarmUpMs: that warm-up).
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { loadSidecar } from '../cli.mjs';
import { runnerSpec } from './shape-series.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');
const { BANDS_FIT_OPTIONS } = await loadSidecar('forecast/bands-options.js');

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error('usage: ntma.mjs input.json output.json');
  process.exit(2);
}
const input = JSON.parse(readFileSync(source, 'utf8'));
// The bands API's options (BANDS_FIT_OPTIONS: the variance transform, alternation, weak seasons, end outliers, the
// seasons' noise, level shifts), each of which NTMA_<OPTION> overrides: NTMA_TRANSFORM=none measures the
// engine's default, NTMA_WEAK_SEASONS=none the day trusted only point by point.
const overrides = Object.fromEntries(
  Object.keys(BANDS_FIT_OPTIONS)
    .map((key) => [key, process.env[`NTMA_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`]])
    .filter(([, value]) => value !== undefined),
);
const spec = runnerSpec({ step: input.step }, input.level ?? 0.95, overrides);
const horizon = input.horizon ?? 60;

function timedFit() {
  const started = performance.now();
  const model = fitModel(input.values, spec);
  const forecast = model.forecast(horizon, spec.confidence);
  return { model, forecast, ms: performance.now() - started };
}

const repeatCount = Number(process.env.NTMA_REPEATS ?? 5);
const medianFit = (fits, fallback) => fits.sort((a, b) => a.ms - b.ms)[Math.floor(fits.length / 2)] ?? fallback;
const cold = timedFit();
const warming = medianFit(Array.from({ length: repeatCount }, timedFit), cold);
for (let i = 0; i < Number(process.env.NTMA_WARMUP ?? 10); i++) timedFit();
const warm = medianFit(Array.from({ length: repeatCount }, timedFit), warming);
const output = {
  ...warm.forecast,
  forecast: warm.forecast.mean,
  fitMs: warm.ms,
  warmingFitMs: warming.ms,
  coldFitMs: cold.ms,
  model: warm.model.name,
};
delete output.mean;
// What a sidecar fit worker pays after its own warm-up (ntma-worker.mjs); NTMA_WORKER=0 skips it (about a second).
if (process.env.NTMA_WORKER !== '0') {
  const { applyWorkerFlags } = await import(
    new URL('../../sidecar/dist/forecast/worker-flags.js', import.meta.url).href
  );
  applyWorkerFlags();
  const worker = new Worker(new URL('./ntma-worker.mjs', import.meta.url), {
    workerData: { values: input.values, spec, horizon },
  });
  const measured = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  output.workerFitMs = measured.workerFitMs;
  output.workerFirstFitMs = measured.workerFirstFitMs;
  output.workerWarmUpMs = measured.warmUpMs;
}
if (Array.isArray(input.observed)) {
  const { forecast, lower, upper } = bandOver(warm.model, input.observed, spec.confidence);
  output.band = { forecast, lower, upper };
}
writeFileSync(target, JSON.stringify(output));
