#!/usr/bin/env node
// The two shapes whose breaks come on a schedule (level steps, counter resets) at origins of random phase, NTMA
// side by side with the peers on the same origins. The suite (shapes.mjs) cuts every origin at the same point of
// the schedules, where no break falls in the horizon; random-origins.mjs scores NTMA alone at random phase. Here
// the origins are random-origins.mjs's for the same --seed (shape-series.mjs, randomPhaseOrigins), and every peer
// is scored on them as the suite scores it: 60-step MASE (the training window's naive scale) and the coverage of
// the 95% interval from the origin and of the one-step band over the same 60 points, each a mean over origins with
// its standard error (the spread of the origins' own figures over the square root of their number). NTMA is
// fitted in-process as the suite's runner fits it; R and augurs are run as in the suite, their outputs cached by
// input hash with --cache (R's auto.arima takes 1-3 s on 2,000 points).
//
//   node bench/forecast-peers/random-phase-peers.mjs [--origins 200] [--seed 3] [--peers ntma,r,augurs]
//                                                    [--only level-steps@1m,counter-resets@1m] [--cache dir]
//                                                    [--out results.json]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { SYNTHETIC_SHAPES, randomPhaseOrigins, runnerSpec } from './shape-series.mjs';
import { loadSidecar, option, textOption } from '../cli.mjs';
import { naiveScale } from './series-tools.mjs';
import { ALL_PEERS, runPeer, score } from './peer-run.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const origins = option('--origins', 200);
const seed = option('--seed', 3);
const only = textOption('--only', 'level-steps@1m,counter-resets@1m').split(',');
const peers = ALL_PEERS.filter((p) => textOption('--peers', 'ntma,r,augurs').split(',').includes(p.key));
const cache = textOption('--cache', undefined);
const out = textOption('--out', undefined);
if (cache) mkdirSync(cache, { recursive: true });
const HORIZON = 60;
const LEVEL = 0.95;

/** NTMA in-process, its answer in a runner's output form. */
function ntma(shape, train, future) {
  const model = fitModel(train, runnerSpec(shape, LEVEL));
  const interval = model.forecast(HORIZON, LEVEL);
  const band = bandOver(model, future, LEVEL);
  const result = { forecast: interval.mean, lower: interval.lower, upper: interval.upper, model: model.name };
  return { result: { ...result, band: { forecast: band.forecast, lower: band.lower, upper: band.upper } } };
}

/** Mean and standard error over origins, and the median (a break in the horizon makes MASE heavy-tailed). */
function meanError(xs) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  const sorted = [...xs].sort((a, b) => a - b);
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { mean, se: Math.sqrt(variance / n), median };
}

const loadAtStart = loadavg();
const started = new Date().toISOString();
const work = mkdtempSync(path.join(tmpdir(), 'ntma-random-phase-'));
const rows = [];
try {
  for (const shape of SYNTHETIC_SHAPES) {
    if (!only.includes(shape.name)) continue;
    for (const { k, offset, train, future } of randomPhaseOrigins(shape, { seed, origins, horizon: HORIZON })) {
      const text = JSON.stringify({
        values: train,
        step: shape.step,
        horizon: HORIZON,
        level: LEVEL,
        observed: future,
        periods: shape.periods,
      });
      const scale = naiveScale(train);
      for (const peer of peers) {
        const { result, error } = peer.key === 'ntma' ? ntma(shape, train, future) : runPeer(peer, text, work, cache);
        if (error !== undefined) {
          console.error(`${peer.name} failed on ${shape.name}#${k}: ${error}`);
          continue;
        }
        const multi = score(future, result.forecast, result.lower, result.upper, scale);
        const one = score(future, result.band.forecast, result.band.lower, result.band.upper, scale);
        rows.push({ shape: shape.name, origin: k, offset, peer: peer.name, model: result.model, ...pick(one, multi) });
      }
      process.stderr.write('.');
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stderr.write('\n');

function pick(one, multi) {
  return { mase1: one.mase, cover1: one.coverage, mase60: multi.mase, cover60: multi.coverage };
}

const summary = [];
const fmt = ({ mean, se }, d = 3) => `${mean.toFixed(d)} ± ${se.toFixed(d)}`;
console.log('| shape | peer | origins | 60-step MASE (median) | one-step cover | 60-step cover |');
console.log('|---|---|---:|---:|---:|---:|');
for (const shape of only) {
  for (const peer of peers) {
    const mine = rows.filter((r) => r.shape === shape && r.peer === peer.name);
    if (mine.length === 0) continue;
    const line = {
      shape,
      peer: peer.name,
      origins: mine.length,
      mase60: meanError(mine.map((r) => r.mase60)),
      cover1: meanError(mine.map((r) => r.cover1)),
      cover60: meanError(mine.map((r) => r.cover60)),
    };
    summary.push(line);
    console.log(
      `| ${shape} | ${peer.name} | ${line.origins} | ${fmt(line.mase60, 4)} (${line.mase60.median.toFixed(4)}) | ${fmt(line.cover1)} | ${fmt(line.cover60)} |`,
    );
  }
}
const machine = { startedAt: started, measuredAt: new Date().toISOString(), loadAtStart, loadAtEnd: loadavg() };
if (out) writeFileSync(out, JSON.stringify({ horizon: HORIZON, seed, origins, machine, summary, rows }, null, 2));
