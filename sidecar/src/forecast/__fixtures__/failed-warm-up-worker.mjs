// Test-only fit worker (never used outside pool.test.ts): says its warm-up threw, the way
// forecast/worker.ts does when warmUp() fails, then serves jobs with the compiled engine.
import { parentPort } from 'node:worker_threads';

const { runJob } = await import(new URL('../../../dist/forecast/jobs.js', import.meta.url).href);

parentPort.on('message', (request) => {
  if ('close' in request) {
    parentPort.close();
    return;
  }
  const { id, job } = request;
  try {
    parentPort.postMessage({ id, ok: true, result: runJob(job) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: { name: error.name, message: error.message } });
  }
});
parentPort.postMessage({ warm: true, ms: 7, error: 'the warm-up broke' });
