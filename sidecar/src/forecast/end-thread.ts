/**
 * Ending one fit worker thread, bounded. The worker is first asked to close its port, so its thread
 * ends as a thread ends on its own: after V8's background compile jobs for it have drained.
 * terminate() while such a job runs (a worker still warming up, or just done with a fit) can abort
 * the whole process with a Node assertion in NodePlatform::ForIsolate, so it is the fallback for a
 * worker that has not ended within `graceMs`.
 *
 * Even terminate() may never settle: Node 20's platform can deadlock a thread that is ending
 * (NodePlatform::DrainTasks, nodejs/node#54918), and then every later thread end in the process waits
 * behind it. The caller must not hang with it, so after `terminateWaitMs` more this gives up and
 * says 'stuck'.
 */
import type { WorkerRequest } from './protocol.js';

/** The part of a worker_threads Worker this needs (a fake in unit tests). */
export interface EndableThread {
  postMessage(request: WorkerRequest): void;
  terminate(): Promise<number>;
  once(event: 'exit', listener: () => void): unknown;
}

/** How the thread ended: on its own, by terminate(), or not at all as far as we waited. */
export type ThreadEnd = 'exited' | 'terminated' | 'stuck';

export interface EndThreadTimes {
  /** How long the thread may take to finish the job or warm-up in hand after it is asked to close. */
  graceMs: number;
  /** How long terminate() may take before we stop waiting for it. */
  terminateWaitMs: number;
}

export function endThread(thread: EndableThread, times: EndThreadTimes): Promise<ThreadEnd> {
  return new Promise<ThreadEnd>((resolve) => {
    let giveUp: NodeJS.Timeout | undefined;
    const settle = (end: ThreadEnd): void => {
      clearTimeout(grace);
      clearTimeout(giveUp);
      resolve(end);
    };
    const terminate = (): void => {
      giveUp = setTimeout(() => settle('stuck'), times.terminateWaitMs);
      thread.terminate().then(
        () => settle('terminated'),
        () => settle('terminated'),
      );
    };
    const grace = setTimeout(terminate, times.graceMs);
    thread.once('exit', () => settle('exited'));
    try {
      thread.postMessage({ close: true });
    } catch {
      // The port is gone already (the thread is ending): terminate() at once.
      clearTimeout(grace);
      terminate();
    }
  });
}
