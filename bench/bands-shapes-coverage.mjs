#!/usr/bin/env node
/**
 * What a panel's band holds on the two shapes whose noise grows with the level: counts (Poisson, a 12-hour cycle
 * at 5 minutes) and noise proportional to a level that swings 10x over the day (1 minute), drawn from the
 * shape suite's own generators (bench/forecast-peers/shape-series.mjs, same seeds). Each series goes through the bands service
 * in-process (BandsService.forSeries, the real fit run inline instead of in a worker), which trains on the shape
 * suite's window and bands the day after it; printed per shape: the coverage of the 95% band over the origins,
 * the models, their fit times (inline, one thread), and the share of points whose reported forecast lies below the band's centre (a median under a
 * sqrt or log model). Never part of `npm test`.
 *
 * Usage: node bench/bands-shapes-coverage.mjs [--origins 6] [--root <checkout with a built sidecar>]
 * --root runs another checkout's built sidecar (e.g. main's, for a before/after on the same series).
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ROOT, args, option } from './cli.mjs';
import { DAY_1M, DAY_5M, SYNTHETIC_SHAPES } from './forecast-peers/shape-series.mjs';

const root = path.resolve(args.includes('--root') ? args[args.indexOf('--root') + 1] : ROOT);
const origins = option('--origins', 6);
const load = (file) => import(pathToFileURL(path.join(root, 'sidecar/dist', file)).href);
const { BandsService } = await load('bands/service.js');
const { PoolBandsEngine } = await load('bands/pool-engine.js');
const { runJob } = await load('forecast/jobs.js');

/** The suite's two shapes whose noise grows with the level, each banded over the day after its training window. */
const SHAPES = [
  { ...SYNTHETIC_SHAPES.find((shape) => shape.name === 'poisson-12h@5m'), band: DAY_5M },
  { ...SYNTHETIC_SHAPES.find((shape) => shape.name === 'level-noise@1m'), band: DAY_1M },
];

const pool = { fit: async (train, spec) => runJob({ kind: 'fit', train, spec }), close: async () => {} };
const service = new BandsService({}, new PoolBandsEngine({ pool }));
const START = 1_790_000_000;

console.log(
  `sidecar: ${root}; load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const shape of SHAPES) {
  let inside = 0;
  let observed = 0;
  let below = 0;
  let forecasts = 0;
  const models = new Map();
  const perOrigin = [];
  const fitMs = [];
  const started = performance.now();
  for (let k = 0; k < origins; k++) {
    const values = shape.make(shape.train + shape.band, 1000 * (k + 1) + 7);
    const answer = await service.forSeries({
      series: [{ id: 's', labels: {}, start: START, values }],
      step: shape.step,
      train: shape.train * shape.step,
    });
    const s = answer.series[0];
    if (s.error) throw new Error(`${shape.name} origin ${k}: ${s.error}`);
    models.set(s.model, (models.get(s.model) ?? 0) + 1);
    fitMs.push(s.fitMs);
    let n = 0;
    let hit = 0;
    s.actual.forEach((v, i) => {
      const [lo, hi, f] = [s.lower[i], s.upper[i], s.forecast[i]];
      if (lo === null || hi === null || f === null) return;
      forecasts++;
      if (f < (lo + hi) / 2 - 1e-9 * Math.abs(hi)) below++;
      if (v === null) return;
      n++;
      if (v >= lo && v <= hi) hit++;
    });
    inside += hit;
    observed += n;
    perOrigin.push((hit / n).toFixed(3));
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${shape.name}: coverage95 ${(inside / observed).toFixed(3)} over ${observed} points (${perOrigin.join(' ')}); ` +
      `forecast below the band's centre ${((100 * below) / forecasts).toFixed(0)}%; ` +
      `models ${[...models].map(([m, c]) => `${m} x${c}`).join(', ')}; ` +
      `fit ms median ${fitMs.sort((a, b) => a - b)[fitMs.length >> 1]} (${fitMs.join(' ')}); ${seconds} s in all`,
  );
}
console.log(
  `load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
