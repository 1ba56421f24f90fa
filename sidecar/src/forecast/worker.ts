/**
 * Fit worker thread: receives a job, fits, answers with plain arrays. Models never cross
 * threads; the answer carries a snapshot instead. A job that throws is answered with the error;
 * only a crash (a WASM trap that escapes, out of memory) ends the thread, and the pool replaces it.
 */
import { parentPort } from 'node:worker_threads';
import { runJob } from './jobs.js';
import { toWireError, type JobResponse, type WarmNotice, type WorkerRequest } from './protocol.js';
import { warmUp } from './warm-up.js';

if (!parentPort) throw new Error('forecast/worker.js must run as a worker thread');
const port = parentPort;

port.on('message', (request: WorkerRequest) => {
  if ('close' in request) {
    // With the port closed the event loop runs dry and the thread ends the ordinary way.
    port.close();
    return;
  }
  const { id, job } = request;
  let response: JobResponse;
  try {
    response = { id, ok: true, result: runJob(job) };
  } catch (error) {
    response = { id, ok: false, error: toWireError(error) };
  }
  port.postMessage(response);
});

// Before the first job (jobs that arrive meanwhile wait in the port's queue). A warm-up that fails
// costs nothing but the warmth, so the worker serves anyway; the notice says what went wrong and
// the app logs it. NTMA_FIT_WARMUP=false skips it: the unit tests start and stop pools by the
// dozen, and a worker ended while V8 still compiles its warm-up in the background can abort the
// process (Node 20).
function warmUpNotice(): WarmNotice {
  if (process.env.NTMA_FIT_WARMUP === 'false') return { warm: true, ms: 0, skipped: true };
  const started = performance.now();
  try {
    warmUp();
    return { warm: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { warm: true, ms: Math.round(performance.now() - started), error: message };
  }
}
// The pool waits for this before the app listens, so the first request meets a warm worker.
port.postMessage(warmUpNotice());
