#!/usr/bin/env node
/**
 * How long a watcher's `ntma_anomaly` stays non-zero after a short spike on a flat, noisy series
 * (the live watch test's shape, test/integration/watch.test.ts), without Prometheus: the built
 * ForecastDetector exactly as a watcher configures it (1 s step, 5-minute window, sensitivity
 * low), fitted synchronously whenever it asks. The series is a level of 100 with ±5% independent
 * noise per second, read as Prometheus' irate would read it (each sample mixes two seconds of the
 * scripted rate at the run's scrape phase), and a spike of 8x for 6 s after the history.
 *
 * Reports per seed: the model in use when the spike came, the steps after the spike's end until
 * `anomaly` is 0 for good, and whether the band ever said "drop" after it. Also which ARIMA
 * orders the engine picks on windows of independent noise. Writes nothing; never part of `npm test`.
 * Usage: node bench/spike-recovery.mjs [--skip-build] [--seeds N] [--windows N]
 */
import { args, buildSidecar, loadSidecar, option } from './cli.mjs';

const SEEDS = option('--seeds', 12);
const WINDOWS = option('--windows', 12);
const STEP = 1;
const TRAIN_SECONDS = 300;
const CONFIDENCE = 0.999;
const HISTORY = 330;
const SPIKE_SECONDS = 6;
const AFTER = 120;
const TRACE = option('--trace', 0);
/**
 * As the live watcher starts: its history is loaded and replayed before the first fit is back, so
 * the model (and every channel's history of residuals) starts at the end of the history and the
 * spike comes seconds later. Without it the detector fits from half a window on, as in a long run.
 */
const LIVE = args.includes('--live');

buildSidecar();
const { ForecastDetector } = await loadSidecar('detect/forecast-detector.js');
const { watcherDetectorOptions } = await loadSidecar('watch/detectors.js');
const { fit } = await loadSidecar('forecast/fit.js');
const { mulberry32 } = await loadSidecar('seeded-random.js');

/** Scripted rate per whole second, and the samples irate reads at a scrape phase in [0, 1). */
function series(seed, length, spikeAt) {
  const random = mulberry32(seed);
  const phase = random();
  const rate = Array.from({ length: length + 1 }, (_, k) => {
    const level = 100 * (1 + 0.05 * (2 * random() - 1));
    return k >= spikeAt && k < spikeAt + SPIKE_SECONDS ? 8 * level : level;
  });
  return Array.from({ length }, (_, k) => phase * rate[k] + (1 - phase) * rate[k + 1]);
}

const spec = { stepSeconds: STEP, model: 'auto', confidence: CONFIDENCE };

function run(seed) {
  const random = mulberry32(seed * 7919);
  const spikeAt = LIVE ? HISTORY + 5 + Math.floor(random() * 25) : HISTORY + 30 + Math.floor(random() * 60);
  const values = series(seed, spikeAt + SPIKE_SECONDS + AFTER, spikeAt);
  const detector = new ForecastDetector({ ...watcherDetectorOptions(STEP, TRAIN_SECONDS), confidence: CONFIDENCE });
  let lastNonZero = -1;
  let firstBack = -1;
  let zeros = 0;
  let drop = false;
  let modelAtSpike = '-';
  const models = [];
  for (let k = 0; k < values.length; k++) {
    if (detector.wantsModel() && (!LIVE || k >= HISTORY)) {
      try {
        const model = fit(detector.trainingWindow(), spec);
        detector.install(model);
        models.push(`${k}:${model.name}`);
      } catch {
        detector.fitFailed();
      }
    }
    if (k === spikeAt) modelAtSpike = detector.currentModel()?.name ?? 'none';
    const verdict = detector.update(k * STEP, values[k]);
    if (seed === TRACE && k >= spikeAt - 3 && k < spikeAt + 60) {
      const f = (v) => (v === null ? '-' : v.toFixed(1));
      console.log(
        `${k - spikeAt}\t${f(values[k])}\t${f(verdict.forecast)}\t${f(verdict.lower)}\t${f(verdict.upper)}\t${verdict.anomaly}\t${verdict.score.toFixed(3)}\t${verdict.kind ?? ''}`,
      );
    }
    if (k >= spikeAt + SPIKE_SECONDS) {
      if (verdict.anomaly !== 0) lastNonZero = k;
      zeros = verdict.anomaly === 0 ? zeros + 1 : 0;
      // As the watch test reads it: the first time two samples in a row are 0.
      if (firstBack < 0 && zeros === 2) firstBack = k - 1;
      if (verdict.anomaly === -1) drop = true;
    }
  }
  const end = spikeAt + SPIKE_SECONDS;
  return {
    seed,
    modelAtSpike,
    refits: models.filter((m) => Number(m.split(':')[0]) > spikeAt).map((m) => m),
    stepsToRecover: firstBack < 0 ? Infinity : firstBack - end,
    stepsToLastNonZero: lastNonZero < 0 ? 0 : lastNonZero - end + 1,
    drop,
  };
}

const results = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const r = run(seed);
  results.push(r);
  console.log(
    `seed ${String(seed).padStart(2)}  model ${r.modelAtSpike.padEnd(22)} recover ${String(r.stepsToRecover).padStart(3)} steps` +
      ` (last non-zero ${String(r.stepsToLastNonZero).padStart(3)})${r.drop ? '  DROP' : ''}  refits after: ${r.refits.join(' ')}`,
  );
}
const steps = results.map((r) => r.stepsToRecover).sort((a, b) => a - b);
console.log(
  `steps to recover over ${SEEDS} seeds: median ${steps[steps.length >> 1]}, max ${steps[steps.length - 1]}, ` +
    `drops ${results.filter((r) => r.drop).length}`,
);

// Orders picked on windows of independent noise (one window = the watcher's 300 points).
const picks = new Map();
for (let w = 1; w <= WINDOWS; w++) {
  for (const mixed of [false, true]) {
    const random = mulberry32(1000 + w);
    const raw = Array.from({ length: TRAIN_SECONDS + 1 }, () => 100 * (1 + 0.05 * (2 * random() - 1)));
    const window = mixed ? raw.slice(0, -1).map((v, k) => 0.5 * v + 0.5 * raw[k + 1]) : raw.slice(0, -1);
    const name = `${mixed ? 'irate-mixed' : 'iid'}: ${fit(window, spec).name}`;
    picks.set(name, (picks.get(name) ?? 0) + 1);
  }
}
for (const [name, count] of [...picks].sort()) console.log(`${count}\t${name}`);
