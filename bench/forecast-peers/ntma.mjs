#!/usr/bin/env node
// Peer runner for the NTMA engine itself, with the same CLI as the R and statsmodels runners so the
// benchmark treats all three alike. Needs the compiled sidecar (npm run build -w sidecar).
//
//   node bench/forecast-peers/ntma.mjs input.json output.json
//
// input:  {"values": [number|null, ...], "step": seconds, "horizon": points, "level": 0.95,
//          "observed": [...] (optional: values after the training window for a one-step band)}
// output: {"forecast": [...], "lower": [...], "upper": [...], "fitMs": ms, "model": "...",
//          "coldFitMs": ms, "band": {"forecast", "lower", "upper"} when "observed" was given}
//
// fitMs is the median of five more fits (NTMA_REPEATS sets how many) of the same series in the same process (no model cache
// involved: what a long-running fit worker spends per uncached request), coldFitMs the first
// fit, which also pays WASM instantiation and JIT compilation.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const { fitModel } = await import(new URL('../../sidecar/dist/forecast/fit.js', import.meta.url).href);
const { bandOver } = await import(new URL('../../sidecar/dist/forecast/bands.js', import.meta.url).href);

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
};
const horizon = input.horizon ?? 60;

function timedFit() {
  const started = performance.now();
  const model = fitModel(input.values, spec);
  const forecast = model.forecast(horizon, spec.confidence);
  return { model, forecast, ms: performance.now() - started };
}

const cold = timedFit();
const repeats = Array.from({ length: Number(process.env.NTMA_REPEATS ?? 5) }, timedFit).sort((a, b) => a.ms - b.ms);
const warm = repeats[Math.floor(repeats.length / 2)] ?? cold;
const output = {
  ...warm.forecast,
  forecast: warm.forecast.mean,
  fitMs: warm.ms,
  coldFitMs: cold.ms,
  model: warm.model.name,
};
delete output.mean;
if (Array.isArray(input.observed)) {
  const { forecast, lower, upper } = bandOver(warm.model, input.observed, spec.confidence);
  output.band = { forecast, lower, upper };
}
writeFileSync(target, JSON.stringify(output));
