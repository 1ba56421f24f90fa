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
//                                                [--phase0] [--by-step] [--by-break] [--gaps uniform|geometric|jitter|exact]
//                                                [--gap-mean 700] [--level-gaps uniform|geometric|jitter]
//
// `--gaps uniform|geometric|jitter|exact` replaces the counter's schedule (a restart every 700 steps) by restarts
// whose gaps are drawn: uniform over 300-1,100 steps, geometric with a mean of 700 (restarts at random, as at
// deploys or crashes), 700 +- 20 steps (a schedule with jitter), or exactly 700 from a random first restart; the
// increments are the suite's (rst26: a check that a restart chance that reads a schedule is no fit to the suite's).
// `--gap-mean N` scales those gaps to N steps on average (a schedule a 2,000-point window holds three gaps of at
// every phase needs N <= 666). `--by-break` splits a counter's 60-step cover and mean interval score (the width plus
// 40 times each miss, in data units: lower is better) by whether its model read a restart schedule
// (break-schedule.ts) and whether a restart fell in the hour. `--level-gaps uniform|geometric|jitter` replaces the
// shapes by the suite's level steps with jumps at irregular gaps (shape-series.mjs, irregularLevelSteps: uniform over
// 200-600 steps, geometric with a mean of 400, 400 +- 15): a rule for level shifts must not be a fit to the suite's
// schedule either (lvl26). The 60-step MASE (the training window's naive scale, as the suite's) is given with its
// standard error over origins.
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { SYNTHETIC_SHAPES, irregularLevelSteps, randomPhaseOrigins, rng, runnerSpec } from './shape-series.mjs';
import { naiveScale } from './series-tools.mjs';
import { flag, loadSidecar, option, textOption } from '../cli.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const origins = option('--origins', 40);
const only = textOption('--only', 'level-steps@1m,counter-resets@1m').split(',');
const seed = option('--seed', 1);
const phase0 = flag('--phase0');
const byStep = flag('--by-step');
const byBreak = flag('--by-break');
const gaps = textOption('--gaps', '');
const gapMean = option('--gap-mean', 700);
const levelGaps = textOption('--level-gaps', '');
const shapes = levelGaps
  ? [irregularLevelSteps(levelGaps)]
  : SYNTHETIC_SHAPES.filter((shape) => only.includes(shape.name));
/** --gaps: a restart gap drawn from a uniform (0, 1) draw, at 700 steps on average (--gap-mean scales them). */
const GAP_DRAWS = {
  uniform: (u) => Math.round(((300 + Math.floor(u * 801)) * gapMean) / 700),
  geometric: (u) => 1 + Math.floor(Math.log(1 - u) / Math.log(1 - 1 / gapMean)),
  jitter: (u) => Math.round(((680 + Math.floor(u * 41)) * gapMean) / 700),
  exact: () => gapMean,
};
if (gaps && !GAP_DRAWS[gaps]) throw new Error(`--gaps: one of ${Object.keys(GAP_DRAWS).join(', ')}`);
/** The suite's counter (Poisson(50) increments, from 10^4 x seed) restarting after gaps drawn by `draw`. */
const drawnGaps = (shape, draw) => ({
  ...shape,
  make: (n, seed) => {
    const r = rng(seed);
    const timing = rng(seed + 0x5eed);
    let c = 1e4 * seed;
    let next = Math.floor(timing.uniform() * draw(timing.uniform()));
    return Array.from({ length: n }, (_, t) => {
      while (t > 0 && t >= next) {
        if (t === next) c = 0;
        next += Math.max(1, draw(timing.uniform()));
      }
      c += r.poisson(50);
      return c;
    });
  },
});
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
/** The mean over origins (a coverage, a MASE), with its standard error from the spread of the origins' own figures. */
const coverWithError = (perOrigin) => {
  const n = perOrigin.length;
  const mean = perOrigin.reduce((a, b) => a + b, 0) / n;
  const variance = perOrigin.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1);
  return `${mean.toFixed(3)} ± ${Math.sqrt(variance / n).toFixed(3)}`;
};
/** Gneiting and Raftery's interval score of a central (1 - alpha) interval: its width plus 2 / alpha of each miss. */
const intervalScore = (v, lo, hi) => hi - lo + (2 / (1 - LEVEL)) * (Math.max(0, lo - v) + Math.max(0, v - hi));
const count = (c, v, lo, hi) => {
  c.n++;
  if (v >= lo && v <= hi) c.inside++;
};

console.log(
  `| shape | origins | 1-step cover ± s.e. | 60-step cover ± s.e. | 60-step, steps 1-20 / 21-40 / 41-60 | 60-step, seasonal models (origins) / others (origins) | 60-step MASE ± s.e. |`,
);
console.log('|---|---|---|---|---|---|---|');
for (const suiteShape of shapes) {
  const shape = gaps && suiteShape.name === 'counter-resets@1m' ? drawnGaps(suiteShape, GAP_DRAWS[gaps]) : suiteShape;
  const one = tally();
  const multi = tally();
  const onePerOrigin = [];
  const multiPerOrigin = [];
  const masePerOrigin = [];
  const thirds = [tally(), tally(), tally()];
  // Split by whether the model took a season: a break schedule read as a season is the model's choice, not its interval.
  const seasonal = { ...tally(), origins: 0 };
  const other = { ...tally(), origins: 0 };
  const blocks = STEP_BLOCKS.map(() => ({ ...tally(), below: 0, above: 0 }));
  // --by-break: a counter's 60-step cover by whether its model read a restart schedule and a restart fell in the hour.
  const breakSplit = new Map();
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
    if (byBreak) {
      const restarts = future.some((v, i) => v < (i === 0 ? train[train.length - 1] : future[i - 1]));
      const key = `${model.snapshot().counter?.schedule ? 'schedule' : 'no schedule'}, ${restarts ? 'a restart' : 'none'}`;
      for (const name of [key, 'all']) {
        if (!breakSplit.has(name)) breakSplit.set(name, { ...tally(), origins: 0, score: 0 });
        const cell = breakSplit.get(name);
        cell.origins++;
        future.forEach((v, i) => {
          count(cell, v, interval.lower[i], interval.upper[i]);
          cell.score += intervalScore(v, interval.lower[i], interval.upper[i]);
        });
      }
    }
    onePerOrigin.push((one.inside - before.one) / HORIZON);
    multiPerOrigin.push((multi.inside - before.multi) / HORIZON);
    masePerOrigin.push(future.reduce((s, v, i) => s + Math.abs(v - interval.mean[i]), 0) / HORIZON / naiveScale(train));
  }
  console.log(
    `| ${shape.name}${shape === suiteShape ? '' : ` (gaps: ${gaps}, ${gapMean})`} | ${origins} | ${coverWithError(onePerOrigin)} | ${coverWithError(multiPerOrigin)} | ${thirds.map(cover).join(' / ')} | ` +
      `${cover(seasonal)} (${seasonal.origins}) / ${cover(other)} (${other.origins}) | ${coverWithError(masePerOrigin)} |`,
  );
  if (byBreak) {
    const cells = [...breakSplit].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `|   60-step cover, interval score: read a schedule?, a restart in the hour? | ${cells.map(([key, c]) => `${key}: ${cover(c)}, ${(c.score / c.n).toFixed(0)} (${c.origins})`).join(' | ')} |`,
    );
  }
  if (byStep) {
    const share = (b, k) => (b[k] / b.n).toFixed(3);
    console.log(
      `|   steps ahead: cover (below / above) | ${blocks.map((b, j) => `${STEP_BLOCKS[j].join('-')}: ${cover(b)} (${share(b, 'below')} / ${share(b, 'above')})`).join(' | ')} |`,
    );
  }
}
