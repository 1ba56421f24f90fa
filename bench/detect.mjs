#!/usr/bin/env node
/**
 * Detector cost benchmark (issue 14): what one watched series costs the watch loop per step.
 * Streams synthetic series (a 10-minute cycle, noise, a few spikes and a level shift) through the
 * built ForecastDetector exactly as a watcher configures it (15 s step, 1 h window, as in
 * bench/watch.mjs), fitting synchronously whenever it asks (fits run in the worker pool in the
 * sidecar, so their time is reported apart). Reports, per configuration (the default one, and the
 * default without the distribution-shift channel, to price that channel):
 * - µs per update(): the main-thread work per series per step, fits excluded;
 * - the series per core that buys at one update per 15 s step;
 * - retained heap + array buffers per series (detector state and its fitted model), by difference
 *   of process memory with and without the detectors held, after a forced GC.
 *
 * Prints a table and writes bench/results/detect.json. Never part of `npm test`.
 * Usage: node --expose-gc bench/detect.mjs [--quick] [--skip-build] [--series N] [--points P]
 * (scripts/bench.mjs runs it without --expose-gc; it re-executes itself with it.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ROOT, args, buildSidecar, flag, loadSidecar, option } from './cli.mjs';

if (typeof globalThis.gc !== 'function') {
  const again = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
  });
  process.exit(again.status ?? 1);
}

const QUICK = flag('--quick');
const SERIES = option('--series', QUICK ? 50 : 100);
const POINTS = option('--points', QUICK ? 1000 : 1500);
const STEP = 15;
const TRAIN_SECONDS = 3600;

buildSidecar();
const { ForecastDetector, DEFAULT_DETECTOR } = await loadSidecar('detect/forecast-detector.js');
const { watcherDetectorOptions } = await loadSidecar('watch/detectors.js');
const { fit } = await loadSidecar('forecast/fit.js');

/** A small deterministic generator, so every run sees the same series. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function series(seed) {
  const rand = lcg(seed + 1);
  const base = 100 + 900 * rand();
  const values = new Array(POINTS);
  for (let i = 0; i < POINTS; i += 1) {
    const cycle = 0.2 * base * Math.sin((2 * Math.PI * i * STEP) / 600);
    const noise = 0.03 * base * (rand() + rand() + rand() - 1.5);
    const spike = rand() < 0.002 ? 2 * base : 0;
    const shift = i > (POINTS * 3) / 4 ? 0.3 * base : 0;
    values[i] = base + cycle + noise + spike + shift;
  }
  return values;
}

const configurations = {
  default: DEFAULT_DETECTOR.surprise.channels,
  'without-shift': DEFAULT_DETECTOR.surprise.channels.filter((c) => c.input !== 'shift'),
};

function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const inputs = Array.from({ length: SERIES }, (_, k) => series(k));

function run(channels, count) {
  const held = [];
  let updateMs = 0;
  let fitMs = 0;
  let updates = 0;
  let fits = 0;
  for (let k = 0; k < count; k += 1) {
    const detector = new ForecastDetector({
      ...watcherDetectorOptions(STEP, TRAIN_SECONDS),
      confidence: 0.99,
      surprise: { ...DEFAULT_DETECTOR.surprise, channels },
    });
    const values = inputs[k];
    for (let i = 0; i < POINTS; i += 1) {
      if (detector.wantsModel()) {
        const started = performance.now();
        try {
          detector.install(fit(detector.trainingWindow(), { stepSeconds: STEP, model: 'auto', confidence: 0.99 }));
          fits += 1;
        } catch {
          detector.fitFailed();
        }
        fitMs += performance.now() - started;
      }
      const started = performance.now();
      detector.update(1_700_000_000 + i * STEP, values[i]);
      updateMs += performance.now() - started;
      updates += 1;
    }
    held.push(detector);
  }
  return { held, updateMs, fitMs, updates, fits };
}

// A warm-up pass, discarded: compiles the hot paths and grows the forecast engine's WebAssembly
// memory (which never shrinks) before anything is measured, so neither lands on the first configuration.
run(configurations.default, Math.min(SERIES, 20));

const results = {};
for (const [name, channels] of Object.entries(configurations)) {
  const before = memory();
  const { held, updateMs, fitMs, updates, fits } = run(channels, SERIES);
  const bytes = (memory() - before) / SERIES;
  const usPerUpdate = (1000 * updateMs) / updates;
  results[name] = {
    channels: channels.map((c) => `${c.input}:${c.seconds}s`),
    series: SERIES,
    updates,
    usPerUpdate: Number(usPerUpdate.toFixed(2)),
    seriesPerCoreAt15s: Math.floor((STEP * 1e6) / usPerUpdate),
    fits,
    msPerFit: Number((fitMs / Math.max(1, fits)).toFixed(1)),
    bytesPerSeries: Math.round(bytes),
  };
  held.length = 0;
}

console.log('configuration   µs/update  series/core@15s  bytes/series (state + model)  ms/fit');
for (const [name, r] of Object.entries(results)) {
  console.log(
    `${name.padEnd(15)} ${String(r.usPerUpdate).padStart(9)}  ${String(r.seriesPerCoreAt15s).padStart(15)}  ${String(r.bytesPerSeries).padStart(28)}  ${String(r.msPerFit).padStart(6)}`,
  );
}
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  path.join(ROOT, 'bench/results/detect.json'),
  `${JSON.stringify({ generatedAt: new Date().toISOString(), stepSeconds: STEP, trainSeconds: TRAIN_SECONDS, points: POINTS, results }, null, 2)}\n`,
);
