/* global WebAssembly */
// A fit worker for the crash test in bands.test.ts: the real engine (from sidecar/dist), except that
// a training series starting with a sentinel value crashes the thread mid-job (as a WASM trap
// escaping would) or hangs it (as a fit that never ends would). Everything else is answered normally.
import { parentPort } from 'node:worker_threads';
import { runJob } from '../../sidecar/dist/forecast/jobs.js';
import { toWireError } from '../../sidecar/dist/forecast/protocol.js';

export const CRASH = -424242;
export const HANG = -434343;

parentPort?.on('message', ({ id, job }) => {
  const first = job.train[0];
  if (first === CRASH) {
    // Thrown outside the message handler's try: an uncaught error ends the worker thread.
    setTimeout(() => {
      throw new WebAssembly.RuntimeError('memory access out of bounds');
    }, 100);
    return;
  }
  if (first === HANG) {
    for (;;) {
      // never answers; only terminate() ends this
    }
  }
  try {
    parentPort.postMessage({ id, ok: true, result: runJob(job) });
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: toWireError(error) });
  }
});
