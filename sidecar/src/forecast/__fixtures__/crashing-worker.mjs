// Test-only fit worker (never used outside pool.test.ts): answers like forecast/worker.ts by
// running the compiled engine, except for two trigger jobs that kill the thread the way real
// failures would. Crashing on purpose is deliberately absent from the production worker.
//   - training series of exactly 13 values: process.exit(13) (like a fatal WASM abort)
//   - training series of exactly 14 values: an uncaught exception outside the job handler
//   - training series of exactly 15 values: spins forever (a fit that never returns)
// It says it is warm at once, as the real worker does under jest, so the pool stops it with a warm
// worker's grace.
import { parentPort } from 'node:worker_threads';

const { runJob } = await import(new URL('../../../dist/forecast/jobs.js', import.meta.url).href);

parentPort.on('message', (request) => {
  // Asked to stop: end the way the real worker does, so closing a pool of these ends no thread mid-job.
  if ('close' in request) {
    parentPort.close();
    return;
  }
  const { id, job } = request;
  if (job.train.length === 13) process.exit(13);
  if (job.train.length === 15) for (;;);
  if (job.train.length === 14) {
    setTimeout(() => {
      throw new Error('boom outside the job handler');
    });
    return;
  }
  try {
    parentPort.postMessage({ id, ok: true, result: runJob(job) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: { name: error.name, message: error.message } });
  }
});
parentPort.postMessage({ warm: true, ms: 0, skipped: true });
