/** Messages between the pool (main thread) and a fit worker. Everything here is structured-cloneable. */
import type { Job, JobResults, WireError } from './jobs.js';

export { toWireError, type WireError } from './jobs.js';

export interface JobRequest {
  id: number;
  job: Job;
}

/** Asks a worker to close its port, so its thread ends on its own once the job in hand (if any) is done. */
export interface CloseRequest {
  close: true;
}

export type WorkerRequest = JobRequest | CloseRequest;

export type JobResponse =
  { id: number; ok: true; result: JobResults[Job['kind']] } | { id: number; ok: false; error: WireError };

/** Sent once by a worker when its warm-up is over (or skipped): from then on a job meets compiled code. */
export interface WarmNotice {
  warm: true;
  /** How long the warm-up fits took, in milliseconds (0 when skipped). */
  ms: number;
  /** NTMA_FIT_WARMUP=false: no warm-up fits ran. */
  skipped?: boolean;
  /** What the warm-up threw, if it did: the worker still serves, colder; the app logs it. */
  error?: string;
}

export type WorkerMessage = JobResponse | WarmNotice;
