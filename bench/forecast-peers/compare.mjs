#!/usr/bin/env node
// Side-by-side forecast comparison on simulated minute traffic: the NTMA engine, R's
// forecast::stlf(method = "arima") and statsmodels STL + ARIMA, each through its peer runner.
//
//   node bench/forecast-peers/compare.mjs [--seeds 5] [--sizes 1440,10080] [--out results.json]
//
// For each size and seed it trains on `size` points, forecasts the next hour and scores:
//   - fitMs (fit + forecast inside the runner; ours: steady state, plus the first "cold" fit),
//   - MASE on the held-out hour (scale: in-sample mean |y_t - y_{t-1}|, the same for every peer),
//   - coverage of the 95% interval over that hour,
//   - ours only: coverage of the one-step 95% band over the following day (what the panel draws).
// A peer that is not installed is skipped with a message. Needs the compiled sidecar.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { option, textOption } from '../cli.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const seeds = option('--seeds', 5);
const sizes = textOption('--sizes', '1440,10080').split(',').map(Number);
const out = textOption('--out', undefined);
const HOUR = 60;
const DAY = 1440;

const peers = [
  { name: 'ntma', command: process.execPath, args: [path.join(here, 'ntma.mjs')] },
  { name: 'R stlf(arima)', command: 'Rscript', args: [path.join(here, 'r-stlf-arima.R')] },
  { name: 'statsmodels', command: '/usr/bin/python3', args: [path.join(here, 'statsmodels-stl-arima.py')] },
];

/** Same generator as the engine's tests (__fixtures__/simulate.ts), so numbers are comparable. */
function rng(seed) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    let u = 0;
    while (u === 0) u = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

function traffic(n, seed) {
  const normal = rng(seed);
  const y = [];
  let a = 0;
  let level = 200;
  for (let i = 0; i < n; i++) {
    a = 0.7 * a + 3 * normal();
    level += 0.05 * normal();
    const phase = (i % DAY) / DAY;
    const weekend = Math.floor(i / DAY) % 7 >= 5 ? -6 : 0;
    y.push(level + 30 * Math.sin(2 * Math.PI * phase) + 12 * Math.cos(4 * Math.PI * phase) + weekend + a);
  }
  return y;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function score(train, actual, result) {
  let scale = 0;
  for (let i = 1; i < train.length; i++) scale += Math.abs(train[i] - train[i - 1]);
  scale /= train.length - 1;
  const mae = mean(actual.map((v, i) => Math.abs(v - result.forecast[i])));
  const covered = mean(actual.map((v, i) => (v >= result.lower[i] && v <= result.upper[i] ? 1 : 0)));
  return { mase: mae / scale, coverage: covered };
}

const work = mkdtempSync(path.join(tmpdir(), 'ntma-peers-'));
const rows = [];
const skipped = new Set();
try {
  for (const size of sizes) {
    for (let seed = 1; seed <= seeds; seed++) {
      const y = traffic(size + DAY, seed);
      const train = y.slice(0, size);
      const future = y.slice(size);
      const input = path.join(work, `in-${size}-${seed}.json`);
      writeFileSync(input, JSON.stringify({ values: train, step: 60, horizon: HOUR, level: 0.95, observed: future }));
      for (const peer of peers) {
        if (skipped.has(peer.name)) continue;
        const output = path.join(work, `out-${peer.name.replace(/\W+/g, '')}-${size}-${seed}.json`);
        const run = spawnSync(peer.command, [...peer.args, input, output], { encoding: 'utf8' });
        if (run.error || run.status !== 0) {
          const why = run.error ? run.error.message : run.stderr.trim().split('\n').slice(-2).join(' ');
          console.error(`skipping ${peer.name}: ${why}`);
          skipped.add(peer.name);
          continue;
        }
        const result = JSON.parse(readFileSync(output, 'utf8'));
        const row = {
          size,
          seed,
          peer: peer.name,
          model: result.model,
          fitMs: result.fitMs,
          ...score(train, future.slice(0, HOUR), result),
        };
        if (result.coldFitMs !== undefined) row.coldFitMs = result.coldFitMs;
        if (result.band)
          row.bandCoverage = mean(
            future.map((v, i) => (v >= result.band.lower[i] && v <= result.band.upper[i] ? 1 : 0)),
          );
        rows.push(row);
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const summary = [];
for (const size of sizes) {
  for (const peer of peers) {
    const mine = rows.filter((r) => r.size === size && r.peer === peer.name);
    if (mine.length === 0) continue;
    const line = {
      size,
      peer: peer.name,
      runs: mine.length,
      fitMsP50: median(mine.map((r) => r.fitMs)),
      mase: mean(mine.map((r) => r.mase)),
      hourCoverage95: mean(mine.map((r) => r.coverage)),
    };
    if (mine[0].coldFitMs !== undefined) line.coldFitMsP50 = median(mine.map((r) => r.coldFitMs));
    if (mine[0].bandCoverage !== undefined) line.oneStepCoverage95 = mean(mine.map((r) => r.bandCoverage));
    summary.push(line);
  }
}
const fmt = (v, d = 2) => (v === undefined ? '-' : v.toFixed(d));
console.log('size   peer            runs  fit p50 ms  cold p50 ms  MASE(1h)  95% cover(1h)  1-step 95% cover(1d)');
for (const s of summary) {
  console.log(
    `${String(s.size).padEnd(6)} ${s.peer.padEnd(15)} ${String(s.runs).padEnd(5)} ${fmt(s.fitMsP50, 0).padStart(10)}  ${fmt(s.coldFitMsP50, 0).padStart(11)}  ${fmt(s.mase).padStart(8)}  ${fmt(s.hourCoverage95).padStart(13)}  ${fmt(s.oneStepCoverage95).padStart(20)}`,
  );
}
if (out) writeFileSync(out, JSON.stringify({ summary, rows }, null, 2));
