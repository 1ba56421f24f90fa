#!/usr/bin/env node
// Coverage of NTMA's nominal 95% bands on series that sit on a floor: a queue that empties, errors that are 0 but
// in an incident, an idle instance's CPU, requests to a service used by day only. NAB grok idles at 0 after its
// fall, and its 60-step interval held 0.975 with every miss above (the shape suite, stop 36): the lower budget of a
// central interval is never spent where nothing can fall below its lower edge. Stop 37 tried an interval that runs
// from the floor and spends the whole budget above, and these series, none of them grok's shape and each drawn fresh
// at every origin (seeds of their own), are what showed that it does not hold in general (docs/forecasting.md): a
// queue reflects off its floor and an idle CPU's width already put its misses above. Each is fitted as the suite's
// NTMA runner fits (runnerSpec: the bands API's options) and scored on the 60 points after the window: the one-step
// band and the 60-step interval, coverage with its standard error over origins and the shares below and above, and
// how many origins' 60-step lower edge reached the window's minimum.
//
//   node bench/forecast-peers/floor-origins.mjs [--origins 100] [--only queue,error] [--seed 1] [--out file.json]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { rng, runnerSpec } from './shape-series.mjs';
import { meanWithError, tally } from './series-tools.mjs';
import { loadSidecar, option, textOption } from '../cli.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const origins = option('--origins', 100);
const seed = option('--seed', 1);
const only = textOption('--only', '')
  .split(',')
  .filter((s) => s.length > 0);
const out = textOption('--out', undefined);
const HORIZON = 60;
const LEVEL = 0.95;

/** Each kind: a step, a training length, and a generator of `n` points from a seed. */
const KINDS = [
  {
    // A work queue: arrivals Poisson(0.8) a minute, one item served a minute; empty about a fifth of the time.
    name: 'queue depth @1m',
    step: 60,
    train: 2880,
    make: (n, s) => {
      const r = rng(s);
      let q = 0;
      return Array.from({ length: n }, () => {
        q = Math.max(0, q + r.poisson(0.8) - 1);
        return q;
      });
    },
  },
  {
    // Errors a minute: a few an hour, and an incident about every 600 minutes that adds 5-30 a minute for 5-20.
    name: 'error count @1m',
    step: 60,
    train: 2880,
    make: (n, s) => {
      const r = rng(s);
      let incident = 0;
      let rate = 0;
      return Array.from({ length: n }, () => {
        if (incident === 0 && r.uniform() < 1 / 600) {
          incident = 5 + Math.floor(16 * r.uniform());
          rate = 5 + 25 * r.uniform();
        }
        const extra = incident > 0 ? rate : 0;
        if (incident > 0) incident--;
        return r.poisson(0.05 + extra);
      });
    },
  },
  {
    // CPU % of an idle instance every 5 minutes: 0.5-1.5% of noise clipped at 0, a job of 20-60% one step in 50.
    name: 'idle CPU @5m',
    step: 300,
    train: 2016,
    make: (n, s) => {
      const r = rng(s);
      return Array.from({ length: n }, () => {
        const job = r.uniform() < 1 / 50 ? 20 + 40 * r.uniform() : 0;
        return Math.max(0, 0.2 + 0.8 * r.normal()) + job;
      });
    },
  },
  {
    // Requests every 5 minutes to a service used by day only: Poisson with a daily rate of 0 at night, 30 at noon.
    name: 'daytime requests @5m',
    step: 300,
    train: 2016,
    make: (n, s) => {
      const r = rng(s);
      const phase = Math.floor(288 * r.uniform());
      return Array.from({ length: n }, (_, t) => {
        const rate = Math.max(0, 30 * Math.sin((2 * Math.PI * (t + phase)) / 288));
        return r.poisson(rate);
      });
    },
  },
].filter((kind) => only.length === 0 || only.some((o) => kind.name.includes(o)));

const loadAtStart = loadavg();
const rows = [];
for (const kind of KINDS) {
  const one = [];
  const sixty = [];
  let reached = 0;
  for (let k = 0; k < origins; k++) {
    const y = kind.make(kind.train + HORIZON, 700001 + 1000 * seed + k);
    const train = y.slice(0, kind.train);
    const future = y.slice(kind.train);
    const model = fitModel(train, runnerSpec(kind, LEVEL));
    const interval = model.forecast(HORIZON, LEVEL);
    const band = bandOver(model, future, LEVEL);
    const floor = Math.min(...train);
    if (interval.lower.some((l) => l <= floor)) reached++;
    one.push(tally(future, band.lower, band.upper));
    sixty.push(tally(future, interval.lower, interval.upper));
    process.stderr.write('.');
  }
  const summary = (list) => ({
    ...meanWithError(list.map((t) => t.cover)),
    below: list.reduce((a, t) => a + t.below, 0) / list.reduce((a, t) => a + t.n, 0),
    above: list.reduce((a, t) => a + t.above, 0) / list.reduce((a, t) => a + t.n, 0),
  });
  rows.push({ kind: kind.name, origins, reachedMinimum: reached, oneStep: summary(one), sixtyStep: summary(sixty) });
}
process.stderr.write('\n');

const cell = ({ mean, se, below, above }) =>
  `${mean.toFixed(3)} ± ${se.toFixed(3)} (${below.toFixed(3)} / ${above.toFixed(3)})`;
console.log(
  '| series | origins | 60-step lower edge at the minimum | one-step cover (below / above) | 60-step cover |',
);
console.log('|---|---:|---:|---|---|');
for (const r of rows) {
  console.log(`| ${r.kind} | ${r.origins} | ${r.reachedMinimum} | ${cell(r.oneStep)} | ${cell(r.sixtyStep)} |`);
}
const loadAtEnd = loadavg();
const load = (l) => l.map((v) => v.toFixed(1)).join(' ');
console.log(`\nseed ${seed}; load average ${load(loadAtStart)} at start, ${load(loadAtEnd)} at end`);
if (out) {
  const machine = { measuredAt: new Date().toISOString(), loadAtStart, loadAtEnd };
  writeFileSync(out, `${JSON.stringify({ seed, horizon: HORIZON, level: LEVEL, machine, rows }, null, 2)}\n`);
  console.log(`written to ${out}`);
}
