#!/usr/bin/env node
// Peer runner for augurs (`@bsull/augurs`, a root devDependency: bench only, never the sidecar's),
// with the same CLI as the other runners: its standard forecaster, MSTL with an AutoETS trend model
// (AutoETS alone, non-seasonal, when there is no period).
//
//   node bench/forecast-peers/augurs.mjs input.json output.json
//
// input/output as in README.md. Periods: `periods` when given, else the clock rule the R runner
// uses (a day in points, a week once two weeks are at hand, each only with two full cycles).
// augurs has no "hold the parameters, update the state" call, so the one-step band over
// `observed` refits on the training values plus the observed values so far for each point (no
// look-ahead; those refits are not in fitMs). augurs cannot take gaps: they are filled by linear
// interpolation first (its `impute` option does the same inside).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const mstlModule = await import('@bsull/augurs/mstl');
mstlModule.initSync({ module: readFileSync(require.resolve('@bsull/augurs/mstl').replace(/\.js$/, '_bg.wasm')) });
const { MSTL } = mstlModule;
// MSTL needs a period; without one the trend model alone serves (the same AutoETS search).
const etsModule = await import('@bsull/augurs/ets');
etsModule.initSync({ module: readFileSync(require.resolve('@bsull/augurs/ets').replace(/\.js$/, '_bg.wasm')) });
const { AutoETS } = etsModule;

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error('usage: augurs.mjs input.json output.json');
  process.exit(2);
}
const input = JSON.parse(readFileSync(source, 'utf8'));
const horizon = input.horizon ?? 60;
const level = input.level ?? 0.95;

/** Linear interpolation over gaps (ends take the nearest observed value). */
function filled(values) {
  const y = values.map((v) => (v === null || !Number.isFinite(v) ? Number.NaN : v));
  let last = -1;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    if (last < 0) for (let j = 0; j < i; j++) y[j] = y[i];
    else for (let j = last + 1; j < i; j++) y[j] = y[last] + ((y[i] - y[last]) * (j - last)) / (i - last);
    last = i;
  }
  if (last < 0) throw new Error('no observed values');
  for (let j = last + 1; j < y.length; j++) y[j] = y[last];
  return y;
}

function clockPeriods(n, step) {
  const day = Math.round(86400 / step);
  return [day, 7 * day].filter((p) => p >= 2 && n >= 2 * p);
}

const train = filled(input.values);
const periods = (input.periods ?? clockPeriods(train.length, input.step)).filter((p) => train.length >= 2 * p);

function forecastFrom(y, h) {
  const model = periods.length > 0 ? MSTL.ets(periods) : new AutoETS(1, 'ZZN');
  try {
    model.fit(Float64Array.from(y));
    return model.predict(h, level);
  } finally {
    model.free();
  }
}

const started = performance.now();
const main = forecastFrom(train, horizon);
const fitMs = performance.now() - started;
const output = {
  forecast: main.point,
  lower: main.intervals.lower,
  upper: main.intervals.upper,
  fitMs,
  model: periods.length > 0 ? `MSTL[${periods.join(',')}]+AutoETS` : 'AutoETS(ZZN)',
};
if (Array.isArray(input.observed)) {
  const band = { forecast: [], lower: [], upper: [] };
  const history = [...train];
  for (const v of input.observed) {
    const next = forecastFrom(history, 1);
    band.forecast.push(next.point[0]);
    band.lower.push(next.intervals.lower[0]);
    band.upper.push(next.intervals.upper[0]);
    // A gap continues the history on the forecast, as the other runners step over it.
    history.push(v === null || !Number.isFinite(v) ? next.point[0] : v);
  }
  output.band = band;
}
writeFileSync(target, JSON.stringify(output));
