#!/usr/bin/env node
// What the one-step band was calibrated on against what it then met, on the shape suite's synthetic shapes at
// origins of random phase (as random-origins.mjs cuts them). Per shape, pooled over origins and in the band's own
// units (model space, over the calibrated scale `bandScale(...).sigma`): the held-out tail's |errors| the band was
// read from (RMS, and the 95% point over 1.96, which is 1 where no floor binds) and the kept model's one-step errors
// over the 60 points after the window (RMS, 95% point over 1.96: the band's width that would give 0.95), with the
// coverage and how many fits a floor bound. A tail whose errors are larger than the kept model's makes a wide band
// (issue 18, wide23: the tail's seasons averaged fewer cycles). NTMA only, fitted in-process with the suite runner's
// options; `--season-noise none` fits without the band's correction for the seasons' noise where the engine has it.
// A count model's band is drawn in the root plus 3/8 (poi23), not in its model's root: there the two columns differ
// in space as well, so read Poisson's rows with that in mind.
//
//   node bench/forecast-peers/calibration-dump.mjs [--origins 60] [--seed 1] [--only level-noise@1m,daily+weekly@5m]
//
// Needs the compiled sidecar (npm run build -w sidecar).
import { SYNTHETIC_SHAPES, rng, runnerSpec } from './shape-series.mjs';
import { loadSidecar, option, textOption } from '../cli.mjs';

const { fitModel } = await loadSidecar('forecast/fit.js');
const { bandScale, quantile, zFor } = await loadSidecar('forecast/calibration.js');
const { restoreFilter, seasonalAt } = await loadSidecar('forecast/model.js');
const { forward } = await loadSidecar('forecast/transform.js');

const origins = option('--origins', 60);
const seed = option('--seed', 1);
const only = textOption('--only', 'level-noise@1m,daily+weekly@5m').split(',');
const seasonNoise = textOption('--season-noise', 'auto');
const HORIZON = 60;
const PHASES = 2800;
const LEVEL = 0.95;
const z = zFor(LEVEL);

const rms = (a) => Math.sqrt(a.reduce((s, e) => s + e * e, 0) / a.length);
const q95 = (a) =>
  quantile(
    [...a].sort((x, y) => x - y),
    0.95,
  ) / z;

console.log(
  '| shape | origins | held-out tail: RMS / 95% point over 1.96 | next 60 points: RMS / 95% point over 1.96 | coverage | floor bound |',
);
console.log('|---|---|---|---|---|---|');
for (const shape of SYNTHETIC_SHAPES) {
  if (!only.includes(shape.name)) continue;
  const draw = rng(seed);
  const tail = [];
  const ahead = [];
  let floored = 0;
  for (let k = 0; k < origins; k++) {
    const offset = Math.floor(draw.uniform() * PHASES);
    // random-origins.mjs's cuts and seeds, so the two benches' origins are the same.
    const y = shape.make(offset + shape.train + HORIZON, 500001 + 1000 * seed + k);
    const model = fitModel(y.slice(offset, offset + shape.train), { ...runnerSpec(shape, LEVEL), seasonNoise });
    const snap = model.snapshot();
    const { sigma, shift } = bandScale(snap.calibration, LEVEL);
    const held = snap.calibration.kind === 'symmetric' ? snap.calibration.absErrors : snap.calibration.errors;
    if (snap.calibration.kind === 'symmetric' && held.length > 0 && sigma > q95(held) * 1.0001) floored++;
    for (const e of held) tail.push(Math.abs(e) / sigma);
    // The kept model's one-step errors in model space, as its predictor makes them (model.ts).
    const filter = restoreFilter(snap.remainder);
    let position = snap.seasonal.position;
    for (const v of y.slice(offset + shape.train)) {
      const u =
        (forward(snap.transform ?? 'none', v) - snap.center) / snap.scale -
        seasonalAt(snap.seasonal.cycles, position++);
      ahead.push(Math.abs(u - filter.peek() - shift) / sigma);
      filter.observe(u);
    }
  }
  const covered = ahead.filter((e) => e <= z).length / ahead.length;
  console.log(
    `| ${shape.name} | ${origins} | ${rms(tail).toFixed(3)} / ${q95(tail).toFixed(3)} | ${rms(ahead).toFixed(3)} / ${q95(ahead).toFixed(3)} | ${covered.toFixed(3)} | ${floored} |`,
  );
}
