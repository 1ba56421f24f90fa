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

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error('usage: ntma.mjs input.json output.json');
  process.exit(2);
}
const input = JSON.parse(readFileSync(source, 'utf8'));
// The variance transform as the held-out check chooses it ('auto', which the engine takes only when
// asked: it costs the NAB detector a point); NTMA_TRANSFORM=none measures the engine's default.
const spec = {
  stepSeconds: input.step,
  model: 'auto',
  confidence: input.level ?? 0.95,
  transform: process.env.NTMA_TRANSFORM ?? 'auto',
  // A two-step season where the data alternate (periods.ts); off by default, like the transform.
  alternation: process.env.NTMA_ALTERNATION ?? 'auto',
  // A day or a week trusted on its profile's gain over block means where the points' gain falls short (periods.ts).
  weakSeasons: process.env.NTMA_WEAK_SEASONS ?? 'auto',
  // The window's last point clipped where the held-out tail says outliers do not last (end-outliers.ts); off
  // by default in the engine, asked for by the bands API, like the two above.
  endOutliers: process.env.NTMA_END_OUTLIERS ?? 'auto',
  // The band calibrated for the seasons the kept model forecasts with (types.ts, seasonNoise), as the bands API asks.
  seasonNoise: process.env.NTMA_SEASON_NOISE ?? 'auto',
  // Level shifts in the window: the multi-step interval without them, their chance mixed back (types.ts, breaks).
  breaks: process.env.NTMA_BREAKS ?? 'auto',
};
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
