#!/usr/bin/env node
// 60-step MASE of NTMA's forecasts on the NAB development corpus, over more series and origins than the
// shape suite's four NAB rows: every file of the chosen directories long enough for `--origins` cut points a
// day apart after at least 1,000 training points is fitted at each (walking back from the end as the suite's
// NAB rows do: the last origin leaves 60 points to score) on up to `--train` points before it, and scored on the
// 60 points after. MASE's scale is the training window's mean |y_t - y_{t-1}|, as in the suite; a file whose
// scale is 0 (a flat line) has no MASE and is left out. The fits ask for what the bands API asks for unless
// told otherwise. Reads only /work/shared/nab (or NAB_DIR).
//
//   node bench/forecast-peers/nab-mase.mjs [--origins 6] [--train 4032]
//        [--dirs artificialNoAnomaly,artificialWithAnomaly,realAWSCloudwatch] [--transform auto|none]
//        [--alternation auto|none] [--end-outliers auto|none] [--out fits.json]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadSidecar, option, textOption } from '../cli.mjs';
import { loadNabGrid, naiveScale } from './series-tools.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');

const origins = option('--origins', 6);
const trainMax = option('--train', 4032);
const dirs = textOption('--dirs', 'artificialNoAnomaly,artificialWithAnomaly,realAWSCloudwatch').split(',');
const out = textOption('--out', undefined);
const spec = {
  stepSeconds: 300,
  model: 'auto',
  confidence: 0.95,
  transform: textOption('--transform', 'auto'),
  alternation: textOption('--alternation', 'auto'),
  endOutliers: textOption('--end-outliers', 'auto'),
};
const nabRoot = process.env.NAB_DIR ?? '/work/shared/nab';
const DAY = 288;
const HORIZON = 60;

const fits = [];
for (const dir of dirs) {
  for (const name of readdirSync(path.join(nabRoot, 'data', dir)).sort()) {
    const { values } = loadNabGrid(path.join(nabRoot, 'data', dir, name), spec.stepSeconds);
    const train = Math.min(trainMax, values.length - HORIZON - origins * DAY);
    if (train < 1000) continue;
    for (let k = 0; k < origins; k++) {
      const end = values.length - HORIZON - k * DAY;
      const window = values.slice(end - train, end);
      const future = values.slice(end, end + HORIZON);
      const scale = naiveScale(window);
      if (!(scale > 0)) continue;
      const model = fitModel(window, spec);
      const forecast = model.forecast(HORIZON, spec.confidence).mean;
      let err = 0;
      let n = 0;
      future.forEach((v, i) => {
        if (v === null) return;
        err += Math.abs(v - forecast[i]);
        n++;
      });
      if (n > 0) fits.push({ file: `${dir}/${name}`, origin: k, model: model.name, mase: err / n / scale });
    }
  }
}
const mean = fits.reduce((s, f) => s + f.mase, 0) / fits.length;
console.log(
  `${fits.length} fits, ${new Set(fits.map((f) => f.file)).size} files: mean 60-step MASE ${mean.toFixed(4)}`,
);
if (out) writeFileSync(out, `${JSON.stringify({ spec, fits }, null, 1)}\n`);
