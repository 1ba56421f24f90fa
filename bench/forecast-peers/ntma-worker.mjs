// The NTMA runner's worker measurement (ntma.mjs starts it): a worker thread set up as the sidecar sets up its fit
// workers (the V8 flags of forecast/worker-flags.ts, then the warm-up fits of forecast/warm-up.ts), which then fits the
// input six times: the first fit a request meets, and the median of the next five. A fresh process without the
// warm-up (ntma.mjs's coldFitMs and warmingFitMs) is not what a sidecar request meets.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const dist = new URL('../../sidecar/dist/forecast/', import.meta.url).href;
const { fitModel } = await import(`${dist}fit.js`);
const { warmUp } = await import(`${dist}warm-up.js`);
const { fitValues } = await import(`${dist}jobs.js`);

const { values, spec, horizon } = workerData;
const started = performance.now();
warmUp();
const warmUpMs = performance.now() - started;
const timedFit = () => {
  const t = performance.now();
  // As a sidecar worker's job hands them over (forecast/jobs.ts): a plain array, null for a gap.
  fitModel(fitValues(values), spec).forecast(horizon, spec.confidence);
  return performance.now() - t;
};
const first = timedFit();
const next = Array.from({ length: 5 }, timedFit).sort((a, b) => a - b);
parentPort.postMessage({ warmUpMs, workerFirstFitMs: first, workerFitMs: next[2] });
