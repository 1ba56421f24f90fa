/**
 * V8 settings for the fit worker threads, applied before the first one starts.
 *
 * Node 20 can deadlock a worker thread that is ending: its event loop runs dry, and
 * NodePlatform::DrainTasks waits for every background task in the process, among them a concurrent
 * TurboFan job of that same thread's isolate, which waits for that thread to run a GC
 * (CollectionBarrier::AwaitCollectionBackground). Neither moves again; every later thread end waits
 * behind them, and the process cannot exit (seen in CI; reproduced with a stack trace, see
 * nodejs/node#54918). Without concurrent recompilation the worker's JavaScript is optimised on its
 * own thread, so no such job exists. V8 reads this flag when it creates an isolate: worker threads
 * started afterwards compile synchronously, while the main thread keeps its background compiler.
 */
import v8 from 'node:v8';

let applied = false;

export function applyWorkerFlags(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString('--no-concurrent-recompilation');
}
