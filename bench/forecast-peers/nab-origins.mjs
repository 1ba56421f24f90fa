#!/usr/bin/env node
// The shape suite's four NAB series (shapes.mjs) at many origins: the suite scores each at three origins a day
// apart, 60 correlated points each, so whether a cell outside 0.93-0.97 is the series' calibration or the three
// origins' draw cannot be read from it. Here origins walk back from the suite's last one `--every` steps apart (60:
// horizons that tile without overlap; 288: exactly the suite's three), as far as the training window allows, with
// the suite's training length (`--train N` for another: a shorter window reaches more origins), and each is fitted as
// the suite's NTMA runner fits (shape-series.mjs, runnerSpec) and scored on the 60 points after it: the one-step band
// and the 60-step interval, their coverage with a standard error over origins (series-tools.mjs, meanWithError), the
// share of points below and above, and the 60-step MASE.
// NAB's labelled anomaly windows (labels/combined_windows.json) enter twice: the model is fitted on the window as it
// is and again with the labelled points made gaps ("training: blanked"), and each is scored on every point and on
// the points outside the labels only ("scored: normal"; an origin with none there has no figure). `--per-origin`
// prints every origin: its model, spikes and level shifts found, labelled points in the training window and in its
// held-out tail (the last fifth, up to 1,440 points, whose one-step errors calibrate the band), whether a level
// shift the model found (breaks.ts) lies in that tail, and the one-step band's mean half-width and the 60-step
// interval's at 60 steps, over the window's naive scale (MASE's). `--dirs realAWSCloudwatch` scores every series of
// those directories instead of the suite's four, with the same training rule.
// Reads only the development corpus (/work/shared/nab, or NAB_DIR).
//
//   node bench/forecast-peers/nab-origins.mjs [--every 60] [--train N] [--only elb,rds] [--dirs a,b] [--per-origin]
//                                             [--out file.json]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { DAY_5M, runnerSpec } from './shape-series.mjs';
import {
  SUITE_NAB_FILES,
  anomalyWindows,
  inWindows,
  loadNabGrid,
  meanWithError,
  naiveScale,
  suiteNabTrain,
  tally,
} from './series-tools.mjs';
import { flag, loadSidecar, option, textOption } from '../cli.mjs';

const { fitModel, heldOutTailLength: tailLength } = await loadSidecar('forecast/fit.js');
const { bandOver } = await loadSidecar('forecast/bands.js');

const every = option('--every', 60);
const trainOption = option('--train', undefined);
const only = textOption('--only', '')
  .split(',')
  .filter((s) => s.length > 0);
const perOrigin = flag('--per-origin');
const out = textOption('--out', undefined);
const nabRoot = process.env.NAB_DIR ?? '/work/shared/nab';
const dirs = textOption('--dirs', '')
  .split(',')
  .filter((s) => s.length > 0);
const files =
  dirs.length === 0
    ? SUITE_NAB_FILES
    : dirs.flatMap((dir) =>
        readdirSync(path.join(nabRoot, 'data', dir))
          .sort()
          .map((name) => `${dir}/${name}`),
      );
const STEP = 300;
const HORIZON = 60;
const LEVEL = 0.95;
const spec = runnerSpec({ step: STEP }, LEVEL);

const rows = [];
const loadAtStart = loadavg();
for (const file of files) {
  const name = path.basename(file, '.csv');
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  const { values, times } = loadNabGrid(path.join(nabRoot, 'data', file), STEP);
  // realTraffic's readings come every 5-20 minutes off any grid: on the 5-minute one nearly every point is a gap.
  const observed = values.filter((v) => v !== null).length;
  if (observed < values.length / 2) {
    console.error(
      `${name}: ${observed} of ${values.length} points on a ${STEP} s grid; skipped (not a 5-minute series)`,
    );
    continue;
  }
  const windows = anomalyWindows(nabRoot, file);
  const train = trainOption ?? suiteNabTrain(values.length, HORIZON, DAY_5M);
  if (train < 500) continue;
  const labelled = (i) => inWindows(windows, times[i]);
  for (let k = 0; ; k++) {
    const cut = values.length - HORIZON - k * every;
    if (cut - train < 0) break;
    const future = values.slice(cut, cut + HORIZON);
    const normal = (i) => !labelled(cut + i);
    for (const training of ['as is', 'blanked']) {
      const window = values
        .slice(cut - train, cut)
        .map((v, i) => (training === 'blanked' && labelled(cut - train + i) ? null : v));
      const model = fitModel(window, spec);
      const band = bandOver(model, future, LEVEL);
      const multi = model.forecast(HORIZON, LEVEL);
      const scale = naiveScale(window);
      let error = 0;
      let points = 0;
      future.forEach((v, i) => {
        if (v === null) return;
        error += Math.abs(v - multi.mean[i]);
        points++;
      });
      let labelledInTail = 0;
      for (let i = cut - tailLength(train); i < cut; i++) if (labelled(i)) labelledInTail++;
      let labelledInWindow = 0;
      for (let i = cut - train; i < cut; i++) if (labelled(i)) labelledInWindow++;
      const { diagnostics } = model;
      const breaksAt = model.snapshot().breaks?.at ?? [];
      rows.push({
        series: name,
        origin: k,
        cutAt: new Date(times[cut] * 1000).toISOString(),
        training,
        model: model.name,
        spikes: diagnostics.spikes,
        breaks: diagnostics.breaks ?? 0,
        breakInTail: breaksAt.some((b) => b >= train - tailLength(train)),
        labelledInWindow,
        labelledInTail,
        labelledScored: future.filter((v, i) => v !== null && !normal(i)).length,
        oneStepHalfWidth: band.upper.reduce((a, u, i) => a + (u - band.lower[i]) / 2, 0) / HORIZON / scale,
        sixtyStepHalfWidth: (multi.upper[HORIZON - 1] - multi.lower[HORIZON - 1]) / 2 / scale,
        mase60: error / points / scale,
        all: {
          one: tally(future, band.lower, band.upper),
          sixty: tally(future, multi.lower, multi.upper),
        },
        normal: {
          one: tally(future, band.lower, band.upper, normal),
          sixty: tally(future, multi.lower, multi.upper, normal),
        },
      });
      process.stderr.write('.');
    }
  }
}
process.stderr.write('\n');

const fmt = (v, d = 3) => (Number.isNaN(v) ? '-' : v.toFixed(d));
const withError = ({ mean, se }, d = 3) => (Number.isNaN(se) ? fmt(mean, d) : `${fmt(mean, d)} ± ${fmt(se, d)}`);
/** A cell's per-origin mean with its standard error, and the pooled shares below / above. */
function cell(mine, scored, horizon) {
  const figures = mine.map((r) => r[scored][horizon]).filter((t) => t.n > 0);
  const n = figures.reduce((a, t) => a + t.n, 0);
  const below = figures.reduce((a, t) => a + t.below, 0) / n;
  const above = figures.reduce((a, t) => a + t.above, 0) / n;
  const cover = meanWithError(figures.map((t) => t.cover));
  return {
    origins: figures.length,
    ...cover,
    below,
    above,
    text: `${withError(cover)} (${fmt(below)} / ${fmt(above)})`,
  };
}

if (perOrigin) {
  console.log(
    '| series | origin | cut (UTC) | training | model | spikes | breaks (in tail) | labelled in window / tail / scored | 1-step half-width | 60-step half-width | 1-step cover (all / normal) | 60-step cover (all / normal) | 60-step MASE |',
  );
  console.log('|---|---:|---|---|---|---:|---:|---|---:|---:|---|---|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.series} | ${r.origin} | ${r.cutAt.slice(0, 16)} | ${r.training} | \`${r.model}\` | ${r.spikes} | ${r.breaks}${r.breakInTail ? ' (yes)' : ''} | ${r.labelledInWindow} / ${r.labelledInTail} / ${r.labelledScored} | ${fmt(r.oneStepHalfWidth, 2)} | ${fmt(r.sixtyStepHalfWidth, 2)} | ${fmt(r.all.one.cover)} / ${fmt(r.normal.one.cover)} | ${fmt(r.all.sixty.cover)} / ${fmt(r.normal.sixty.cover)} | ${fmt(r.mase60)} |`,
    );
  }
  console.log('');
}

const summary = [];
console.log(
  `| series | training | scored | origins | 1-step cover ± s.e. (below / above) | 60-step cover ± s.e. (below / above) | 60-step MASE ± s.e. |`,
);
console.log('|---|---|---|---:|---|---|---:|');
/** Each series, then all of them, and all of them split by whether a level shift fell in the held-out tail. */
const groups = [
  ...[...new Set(rows.map((r) => r.series))].map((series) => [series, (r) => r.series === series]),
  ['all', () => true],
  ['all, a level shift in the tail', (r) => r.breakInTail],
  ['all, none in the tail', (r) => !r.breakInTail],
];
for (const [series, member] of groups) {
  for (const training of ['as is', 'blanked']) {
    for (const scored of ['all', 'normal']) {
      const mine = rows.filter((r) => member(r) && r.training === training);
      if (mine.length === 0) continue;
      const one = cell(mine, scored, 'one');
      const sixty = cell(mine, scored, 'sixty');
      const mase = meanWithError(mine.map((r) => r.mase60));
      summary.push({ series, training, scored, one, sixty, mase60: mase });
      console.log(
        `| ${series} | ${training} | ${scored} | ${one.origins} | ${one.text} | ${sixty.text} | ${scored === 'all' ? withError(mase) : ''} |`,
      );
    }
  }
}
const machine = { measuredAt: new Date().toISOString(), loadAtStart, loadAtEnd: loadavg() };
console.log(
  `\nevery ${every} steps, training ${trainOption ?? 'as the suite'}; load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${machine.loadAtEnd.map((l) => l.toFixed(1)).join(' ')} at end`,
);
// One origin a line: the file is read by eye as often as by a program.
if (out) {
  const head = JSON.stringify({ every, train: trainOption ?? 'suite', horizon: HORIZON, machine, summary }, null, 2);
  const lines = rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n');
  writeFileSync(out, `${head.slice(0, -2)},\n  "rows": [\n${lines}\n  ]\n}\n`);
}
