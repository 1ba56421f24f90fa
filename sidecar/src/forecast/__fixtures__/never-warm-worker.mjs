// Test-only fit worker (never used outside pool.test.ts): never says its warm-up is over, like a
// worker still loading the engine on a loaded machine. It answers nothing but a request to close.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (request) => {
  if ('close' in request) parentPort.close();
});
