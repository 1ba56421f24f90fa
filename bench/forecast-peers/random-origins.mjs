#!/usr/bin/env node
// Coverage of NTMA's nominal 95% bands on the shape suite's synthetic shapes at origins of random phase. The
// suite (shapes.mjs) fits every shape at a fixed training length, so a shape whose breaks come on a fixed
// schedule (level steps: a jump at t mod 400 = 200; counter resets: a reset at t mod 700 = 350) never has one
// inside its 60-step horizon, and an interval calibrated for breaks at their real rate holds more there than
// 95%. Here each origin cuts the shape's training length out of a longer series at an offset drawn uniformly
// over 2,800 steps (a whole number of both schedules), with seeds other than the suite's, and the one-step band
// and 60-step interval are scored on the 60 points after it; the 60-step coverage is also given by thirds of
// the horizon. NTMA only, fitted in-process as the suite's NTMA runner fits (transform, alternation, endOutliers and
// seasonNoise 'auto').
// The one-step and 60-step coverages carry a standard error over origins (each origin's 60 points are one
// correlated draw, so the spread of the origins' coverages is what a figure is uncertain by). `--phase0` cuts every
// origin where the suite cuts (offset 0: the cycles' phase the suite forecasts from) with this bench's seeds, to tell
// a coverage the suite's phase has from one its eight origins drew. `--by-step` adds, per shape, the 60-step
// interval's coverage by blocks of steps ahead with the share of points below its lower edge and above its upper one
// (a break's chance grows with the step, and a counter's reset only pulls the value down).
//
//   node bench/forecast-peers/random-origins.mjs [--origins 40] [--only level-steps@1m,counter-resets@1m] [--seed 1]
//                                                [--phase0] [--by-step]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { SYNTHETIC_SHAPES, randomPhaseOrigins, runnerSpec } from './shape-series.mjs';
import { flag, loadSidecar, option, textOption } from '../cli.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const origins = option('--origins', 40);
const only = textOption('--only', 'level-steps@1m,counter-resets@1m').split(',');
const seed = option('--seed', 1);
const phase0 = flag('--phase0');
const byStep = flag('--by-step');
/** The --by-step blocks of steps ahead (first and last step, 1-based). */
const STEP_BLOCKS = [
  [1, 1],
  [2, 5],
  [6, 10],
  [11, 17],
  [18, 25],
  [26, 40],
  [41, 60],
];
const HORIZON = 60;
const LEVEL = 0.95;

const tally = () => ({ n: 0, inside: 0 });
const cover = (c) => (c.n === 0 ? '-' : (c.inside / c.n).toFixed(3));
/** The coverage over origins, with its standard error from the spread of the origins' own coverages. */
const coverWithError = (perOrigin) => {
  const n = perOrigin.length;
  const mean = perOrigin.reduce((a, b) => a + b, 0) / n;
  const variance = perOrigin.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  return `${mean.toFixed(3)} ± ${Math.sqrt(variance / n).toFixed(3)}`;
};
const count = (c, v, lo, hi) => {
  c.n++;
  if (v >= lo && v <= hi) c.inside++;
};

console.log(
  `| shape | origins | 1-step cover ± s.e. | 60-step cover ± s.e. | 60-step, steps 1-20 / 21-40 / 41-60 | 60-step, seasonal models (origins) / others (origins) |`,
);
console.log('|---|---|---|---|---|---|');
for (const shape of SYNTHETIC_SHAPES) {
  if (!only.includes(shape.name)) continue;
  const one = tally();
  const multi = tally();
  const onePerOrigin = [];
  const multiPerOrigin = [];
  const thirds = [tally(), tally(), tally()];
  // Split by whether the model took a season: a break schedule read as a season is the model's choice, not its interval.
  const seasonal = { ...tally(), origins: 0 };
  const other = { ...tally(), origins: 0 };
  const blocks = STEP_BLOCKS.map(() => ({ ...tally(), below: 0, above: 0 }));
  for (const { train, future } of randomPhaseOrigins(shape, { seed, origins, horizon: HORIZON, phase0 })) {
    const model = fitModel(train, runnerSpec(shape, LEVEL));
    const band = bandOver(model, future, LEVEL);
    const interval = model.forecast(HORIZON, LEVEL);
    const split = /mstl\[/.test(model.name) ? seasonal : other;
    split.origins++;
    const before = { one: one.inside, multi: multi.inside };
    future.forEach((v, i) => {
      count(one, v, band.lower[i], band.upper[i]);
      count(multi, v, interval.lower[i], interval.upper[i]);
      count(thirds[Math.floor((3 * i) / HORIZON)], v, interval.lower[i], interval.upper[i]);
      count(split, v, interval.lower[i], interval.upper[i]);
      const block = blocks[STEP_BLOCKS.findIndex(([, last]) => i < last)];
      count(block, v, interval.lower[i], interval.upper[i]);
      if (v < interval.lower[i]) block.below++;
      if (v > interval.upper[i]) block.above++;
    });
    onePerOrigin.push((one.inside - before.one) / HORIZON);
    multiPerOrigin.push((multi.inside - before.multi) / HORIZON);
  }
  console.log(
    `| ${shape.name} | ${origins} | ${coverWithError(onePerOrigin)} | ${coverWithError(multiPerOrigin)} | ${thirds.map(cover).join(' / ')} | ` +
      `${cover(seasonal)} (${seasonal.origins}) / ${cover(other)} (${other.origins}) |`,
  );
  if (byStep) {
    const share = (b, k) => (b[k] / b.n).toFixed(3);
    console.log(
      `|   steps ahead: cover (below / above) | ${blocks.map((b, j) => `${STEP_BLOCKS[j].join('-')}: ${cover(b)} (${share(b, 'below')} / ${share(b, 'above')})`).join(' | ')} |`,
    );
  }
}
