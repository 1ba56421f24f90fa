#!/usr/bin/env node
// Coverage of NTMA's nominal 95% bands on the NAB development corpus, over more origins and points
// than the shape suite scores: the suite's NAB rows are three origins of 60 correlated points, so
// one origin moves a coverage by several points. Here every series of the chosen directories is
// fitted at `--origins` cut points a day apart, walking back from the end, and scored on the day
// after each (one-step band over 288 points, and within its first 60, where the suite looks) and
// on the 60-step interval. Points inside NAB's labelled anomaly windows are left out by default
// (`--with-anomalies` keeps them): the bands are for normal behaviour. Misses below and above the
// band are counted apart, so a skewed band shows. Reads only /work/shared/nab (or NAB_DIR).
//
//   node bench/forecast-peers/nab-coverage.mjs [--origins 6] [--train 4032] [--dirs realAWSCloudwatch,realTraffic]
//                                              [--with-anomalies] [--transform auto|none] [--season-noise auto|none]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { flag, loadSidecar, option, textOption } from '../cli.mjs';
import { anomalyWindows, inWindows, loadNabGrid } from './series-tools.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const origins = option('--origins', 6);
const trainMax = option('--train', 4032);
const dirs = textOption('--dirs', 'realAWSCloudwatch,realTraffic').split(',');
const transform = textOption('--transform', 'auto');
// The band calibrated for the kept model's seasons (types.ts, seasonNoise), as the bands API asks.
const seasonNoise = textOption('--season-noise', 'auto');
const withAnomalies = flag('--with-anomalies');
const nabRoot = process.env.NAB_DIR ?? '/work/shared/nab';
const STEP = 300;
const DAY = 288;
const HORIZON = 60;

const tally = () => ({ n: 0, below: 0, above: 0 });
const add = (into, from) => {
  into.n += from.n;
  into.below += from.below;
  into.above += from.above;
};
const count = (c, v, lo, hi) => {
  c.n++;
  if (v < lo) c.below++;
  else if (v > hi) c.above++;
};
const cover = (c) => (c.n === 0 ? '-' : (1 - (c.below + c.above) / c.n).toFixed(3));
const side = (c, key) => (c.n === 0 ? '-' : (c[key] / c.n).toFixed(3));

const total = { day: tally(), first: tally(), multi: tally() };
console.log(
  `| series | origins | 1-step cover, next day (below / above) | 1-step cover, first 60 | 60-step cover (below / above) |`,
);
console.log('|---|---|---|---|---|');
for (const dir of dirs) {
  for (const name of readdirSync(path.join(nabRoot, 'data', dir)).sort()) {
    const { values, times } = loadNabGrid(path.join(nabRoot, 'data', dir, name), STEP);
    const train = Math.min(trainMax, values.length - DAY - origins * DAY);
    if (train < 500) continue;
    const windows = anomalyWindows(nabRoot, `${dir}/${name}`);
    const scored = (i) => withAnomalies || !inWindows(windows, times[i]);
    const series = { day: tally(), first: tally(), multi: tally() };
    let fitted = 0;
    for (let k = 0; k < origins; k++) {
      const end = values.length - k * DAY - DAY;
      const future = values.slice(end, end + DAY);
      let model;
      try {
        model = fitModel(values.slice(end - train, end), {
          stepSeconds: STEP,
          model: 'auto',
          confidence: 0.95,
          transform,
          seasonNoise,
        });
      } catch {
        continue; // a window of gaps: nothing to score
      }
      fitted++;
      const band = bandOver(model, future, 0.95);
      const multi = model.forecast(HORIZON, 0.95);
      future.forEach((v, i) => {
        if (v === null || !scored(end + i)) return;
        count(series.day, v, band.lower[i], band.upper[i]);
        if (i < HORIZON) {
          count(series.first, v, band.lower[i], band.upper[i]);
          count(series.multi, v, multi.lower[i], multi.upper[i]);
        }
      });
    }
    if (series.day.n === 0) continue;
    for (const key of Object.keys(total)) add(total[key], series[key]);
    console.log(
      `| ${name.replace('.csv', '')} | ${fitted} | ${cover(series.day)} (${side(series.day, 'below')} / ${side(series.day, 'above')}) | ${cover(series.first)} | ${cover(series.multi)} (${side(series.multi, 'below')} / ${side(series.multi, 'above')}) |`,
    );
  }
}
console.log(
  `| all (${total.day.n} points) | | ${cover(total.day)} (${side(total.day, 'below')} / ${side(total.day, 'above')}) | ${cover(total.first)} | ${cover(total.multi)} (${side(total.multi, 'below')} / ${side(total.multi, 'above')}) |`,
);
