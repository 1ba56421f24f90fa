/**
 * A fixed-size pool of fit worker threads, so fits (tens to hundreds of milliseconds of
 * synchronous WASM and numerics) never block the event loop.
 *
 * - Each job has a time budget. A fit cannot be interrupted from outside, so when the budget
 *   runs out the worker is terminated, the job rejects with ForecastTimeout and a new worker
 *   takes its place.
 * - A worker that dies mid-job (WASM trap, out of memory, exit) rejects that job with
 *   ForecastWorkerCrashed and is replaced; no promise is ever left pending.
 * - Jobs wait in a bounded queue; beyond it, submissions fail fast with ForecastPoolBusy (which
 *   says when to retry) rather than piling up latency.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  ForecastError,
  ForecastPoolBusy,
  ForecastPoolClosed,
  ForecastTimeout,
  ForecastWorkerCrashed,
} from './errors.js';
import { endThread } from './end-thread.js';
import type { BatchItem, FitResult, Job, JobResults, Values } from './jobs.js';
import type { JobRequest, JobResponse, WarmNotice, WireError, WorkerMessage } from './protocol.js';
import type { FitSpec } from './types.js';
import { applyWorkerFlags } from './worker-flags.js';

export interface ForecastPoolOptions {
  /** Worker threads (config.fitWorkers). */
  workers: number;
  /** Per-job budget from dispatch to answer (config.fitTimeoutMs). */
  timeoutMs: number;
  /** Jobs allowed to wait for a worker; default 16 per worker. */
  maxQueue?: number;
  /** Worker script; tests point this at a fixture. Default: the compiled forecast/worker.js. */
  workerUrl?: URL;
}

/**
 * The compiled worker script. Node runs worker threads from JavaScript files only: from dist/
 * (production) the worker sits next to this module. Under jest this module is TypeScript in
 * src/ (transformed in memory, so there is no .js beside it), and the worker is taken from
 * dist/ instead: `npm test` builds the sidecar before running tests, and a missing build fails
 * here with the command to run rather than with an obscure loader error. A TS loader inside the
 * worker was the alternative; it would make every worker start compile the engine again.
 */
export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  const url = /\.ts$/.test(here) ? new URL('../../dist/forecast/worker.js', here) : new URL('./worker.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(`forecast worker not found at ${fileURLToPath(url)}; build the sidecar (npm run build -w sidecar)`);
  }
  return url;
}

/** How long a stopping worker may take to finish the job or warm-up in hand before it is terminated. */
const GRACEFUL_STOP_MS = 5000;
/**
 * The same for a worker that has not yet said it is warm (still loading and compiling the engine):
 * ending it then is what terminate() handles worst, and on a loaded machine the start alone can take
 * longer than the above.
 */
const STARTING_STOP_MS = 20_000;
/** How long a terminated worker may take to end before we stop waiting (end-thread.ts says why). */
const TERMINATE_WAIT_MS = 5000;
/**
 * How long warmed() waits at most: a warm-up takes a fraction of a second on an idle core, several
 * on a loaded machine; past this the app starts anyway and the first jobs wait in the workers' queues.
 */
export const WARM_WAIT_MS = 15_000;

/** How the workers' warm-up went, as warmed() found it: for the app's start-up log. */
export interface WarmReport {
  /** Workers in service. */
  workers: number;
  /** Of those, how many said their warm-up is over (skipped or failed included). */
  done: number;
  /** warmed() stopped waiting at its bound with some worker still warming up. */
  timedOut: boolean;
  /** NTMA_FIT_WARMUP=false: the workers ran no warm-up fits. */
  skipped: boolean;
  /** The slowest finished warm-up, in milliseconds. */
  slowestMs: number;
  /** What failed warm-ups threw (such a worker serves, colder). */
  errors: string[];
}

interface Pending {
  id: number;
  job: Job;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  online: boolean;
  /** What the worker said when its warm-up was over (protocol.ts' WarmNotice); unset until then. */
  warm?: WarmNotice;
  running?: { pending: Pending; timer: NodeJS.Timeout };
  /** Set when we terminate it ourselves, so its exit is not reported as a crash. */
  retired: boolean;
}

export function fromWire(error: WireError): Error {
  switch (error.name) {
    case 'ForecastError':
      return new ForecastError(error.message);
    case 'RangeError':
      return new RangeError(error.message);
    default: {
      const e = new Error(error.message);
      e.name = error.name;
      return e;
    }
  }
}

/** What the pool's users call: the bands engine and the watchers take this, not the whole class. */
export type FitPool = Pick<ForecastPool, 'fit' | 'fitBatch' | 'queueDepth' | 'close'>;

export class ForecastPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Pending[] = [];
  private readonly size: number;
  private readonly maxQueue: number;
  private readonly timeoutMs: number;
  private readonly workerUrl: URL;
  private nextId = 1;
  private closed = false;
  private stuck = 0;
  /** Stops of replaced workers still in flight: close() waits for them as for its own. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly warmWaiters: Array<() => void> = [];

  constructor(options: ForecastPoolOptions) {
    if (!(options.workers >= 1)) throw new RangeError('a forecast pool needs at least one worker');
    this.size = Math.floor(options.workers);
    this.timeoutMs = options.timeoutMs;
    this.maxQueue = options.maxQueue ?? 16 * this.size;
    this.workerUrl = options.workerUrl ?? defaultWorkerUrl();
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  /** Jobs waiting for a worker (for the queue-depth gauge). */
  get queueDepth(): number {
    return this.queue.length;
  }

  /** Jobs being fitted right now. */
  get running(): number {
    let n = 0;
    for (const slot of this.slots) if (slot.running) n++;
    return n;
  }

  /** Worker threads that were terminated and still had not ended TERMINATE_WAIT_MS later. */
  get stuckWorkers(): number {
    return this.stuck;
  }

  /** Fits a model; the answer carries its snapshot for the cache. */
  fit(train: Values, spec: FitSpec): Promise<FitResult> {
    return this.submit({ kind: 'fit', train, spec });
  }

  /**
   * Fits many series in one job: `train` holds their windows end to end (NaN for gaps) and is
   * transferred to the worker, so the caller must not use it afterwards. One answer per series.
   */
  fitBatch(train: Float64Array, lengths: number[], spec: FitSpec, lean = false): Promise<BatchItem[]> {
    return this.submit({ kind: 'fitBatch', train, lengths, spec, lean });
  }

  submit<K extends Job['kind']>(job: Extract<Job, { kind: K }>): Promise<JobResults[K]> {
    if (this.closed) return Promise.reject(new ForecastPoolClosed());
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new ForecastPoolBusy(this.queue.length));
    }
    return new Promise<JobResults[K]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve: resolve as (value: unknown) => void, reject });
      this.pump();
    });
  }

  /**
   * Resolves once every worker has finished its warm-up (or ended), or after `timeoutMs`, whichever
   * comes first, with how it went; never rejects. The app awaits it before it listens.
   */
  warmed(timeoutMs = WARM_WAIT_MS): Promise<WarmReport> {
    if (this.allWarm()) return Promise.resolve(this.warmReport());
    return new Promise<WarmReport>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        const i = this.warmWaiters.indexOf(done);
        if (i >= 0) this.warmWaiters.splice(i, 1);
        resolve(this.warmReport());
      };
      const timer = setTimeout(done, timeoutMs);
      this.warmWaiters.push(done);
    });
  }

  private warmReport(): WarmReport {
    const live = [...this.slots].filter((slot) => !slot.retired);
    const notices = live.flatMap((slot) => (slot.warm ? [slot.warm] : []));
    return {
      workers: live.length,
      done: notices.length,
      timedOut: notices.length < live.length,
      skipped: notices.length > 0 && notices.every((n) => n.skipped === true),
      slowestMs: Math.max(0, ...notices.map((n) => n.ms)),
      errors: notices.flatMap((n) => (n.error === undefined ? [] : [n.error])),
    };
  }

  /**
   * Rejects waiting and running jobs with ForecastPoolClosed and stops every worker. Resolves once
   * each has ended or been given up on, workers replaced earlier and still ending included (bounded:
   * STARTING_STOP_MS + TERMINATE_WAIT_MS).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new ForecastPoolClosed());
    const exits = [...this.slots].map((slot) => this.stop(slot));
    this.slots.clear();
    this.checkWarm();
    await Promise.allSettled([...exits, ...this.stopping]);
  }

  /** Takes a slot out of service and ends its thread (end-thread.ts), bounded. */
  private async stop(slot: Slot): Promise<void> {
    slot.retired = true;
    if (slot.running) {
      clearTimeout(slot.running.timer);
      slot.running.pending.reject(new ForecastPoolClosed());
      slot.running = undefined;
    }
    const graceMs = slot.warm ? GRACEFUL_STOP_MS : STARTING_STOP_MS;
    const end = await endThread(slot.worker, { graceMs, terminateWaitMs: TERMINATE_WAIT_MS });
    if (end === 'stuck') this.stuck += 1;
  }

  private idleSlot(): Slot | undefined {
    for (const slot of this.slots) if (!slot.running && !slot.retired) return slot;
    return undefined;
  }

  private spawn(): void {
    if (this.closed) return;
    applyWorkerFlags();
    const worker = new Worker(this.workerUrl);
    // Idle workers must not keep the process alive; a running job holds its timeout timer.
    worker.unref();
    const slot: Slot = { worker, online: false, retired: false };
    this.slots.add(slot);
    worker.on('online', () => {
      slot.online = true;
    });
    worker.on('message', (message: WorkerMessage) => {
      if ('warm' in message) {
        slot.warm = message;
        this.checkWarm();
      } else this.answer(slot, message);
    });
    // 'error' (an uncaught exception in the worker) is always followed by 'exit'.
    let crash: string | undefined;
    worker.on('error', (error) => {
      crash = error.message;
    });
    worker.on('messageerror', (error) => {
      crash = `unreadable message: ${error.message}`;
    });
    worker.on('exit', (code) => this.exited(slot, crash ?? `exit code ${code}`));
  }

  private allWarm(): boolean {
    for (const slot of this.slots) if (!slot.warm && !slot.retired) return false;
    return true;
  }

  private checkWarm(): void {
    if (!this.allWarm()) return;
    for (const done of [...this.warmWaiters]) done();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.idleSlot();
      if (!slot && this.slots.size < this.size) {
        this.spawn();
        slot = this.idleSlot();
      }
      if (!slot) return;
      const pending = this.queue.shift()!;
      const timer = setTimeout(() => this.expire(slot), this.timeoutMs);
      slot.running = { pending, timer };
      const request: JobRequest = { id: pending.id, job: pending.job };
      // A batch's buffer moves to the worker instead of being copied.
      const { job } = pending;
      // (A tag test, not instanceof: a buffer made in another realm, e.g. a test's, is one too.)
      const buffer = job.kind === 'fitBatch' ? job.train.buffer : undefined;
      const transfer =
        buffer && Object.prototype.toString.call(buffer) === '[object ArrayBuffer]' ? [buffer as ArrayBuffer] : [];
      try {
        slot.worker.postMessage(request, transfer);
      } catch (error) {
        // Not cloneable (a caller passed something other than plain numbers): the worker is fine.
        clearTimeout(timer);
        slot.running = undefined;
        pending.reject(error as Error);
      }
    }
  }

  private answer(slot: Slot, response: JobResponse): void {
    const running = slot.running;
    if (!running || running.pending.id !== response.id) return;
    clearTimeout(running.timer);
    slot.running = undefined;
    if (response.ok) running.pending.resolve(response.result);
    else running.pending.reject(fromWire(response.error));
    this.pump();
  }

  private expire(slot: Slot): void {
    const running = slot.running;
    if (!running) return;
    slot.running = undefined;
    running.pending.reject(new ForecastTimeout(this.timeoutMs));
    this.replace(slot);
  }

  private exited(slot: Slot, reason: string): void {
    if (slot.retired) return;
    const running = slot.running;
    slot.running = undefined;
    if (running) {
      clearTimeout(running.timer);
      running.pending.reject(new ForecastWorkerCrashed(reason));
    }
    // A worker that never came online has a broken script: respawning it would only loop.
    this.replace(slot, slot.online, true);
  }

  /**
   * Takes a slot out of service and (unless it has already exited) stops its worker the way
   * close() does: a worker past its budget finishes the fit in hand and ends on its own; only one
   * stuck for good is terminated, by then with no compile job of its warm-up in flight.
   */
  private replace(slot: Slot, respawn = true, exited = false): void {
    slot.retired = true;
    this.slots.delete(slot);
    this.checkWarm();
    if (!exited) {
      // A replaced worker may still be spinning in a fit: close() must not resolve before it ends.
      const stopped = this.stop(slot).finally(() => this.stopping.delete(stopped));
      this.stopping.add(stopped);
    }
    if (this.closed) return;
    if (respawn) this.spawn();
    // Otherwise the next waiting job spawns one (pump), so a broken script fails jobs, not loops.
    this.pump();
  }
}
