/**
 * Refits for the watchers, off the loop. Fits run in the forecaster's worker pool; this queue only
 * decides which series go next, how many are fitted in one message, how many messages are
 * outstanding at once and how much of the machine steady refits may take. The bounds matter:
 * ten thousand series warming up together would otherwise copy ten thousand training windows into
 * the pool's queue at the same moment. A job reads its training window when it starts, not when
 * it is queued, so a fit that waited uses the freshest data.
 *
 * Two lanes: a series' first fit (it is banded by its provisional model until then) goes before
 * any refit of a series that has a fitted model already. First fits take every slot the queue has;
 * refits are held to a CPU budget (`refitCores`, in cores of fit time per second of wall time), so
 * a watcher of 100,000 series whose models all want refreshing every 15 minutes (6,700 fits a
 * minute, several cores) refreshes them as fast as the budget allows, oldest request first,
 * instead of taking the machine.
 */
import type { FitSpec, FittedModel } from '../forecast/types.js';

/** Fits a model off the event loop (the worker pool in production, a plain function in tests). */
export type AsyncFit = (values: ReadonlyArray<number | null>, spec: FitSpec) => Promise<FittedModel>;

/** One series' answer in a batch: its model and the fit's time in the worker, or its error. */
export type BatchFitItem = { model: FittedModel; fitMs: number } | { error: unknown };

/**
 * Fits many windows in one message (the worker pool's fitBatch): `train` holds them end to end
 * (NaN for gaps) and belongs to the callee from the call on. One answer per window, in order.
 */
export type AsyncBatchFit = (train: Float64Array, lengths: number[], spec: FitSpec) => Promise<BatchFitItem[]>;

export interface RefitJob {
  /** One job per id at a time: asking again while queued or running is a no-op. */
  id: string;
  /** The series' first fit: it goes before every refit and is not held to the refit budget. */
  first?: boolean;
  /** The data to fit, read when the job starts; undefined drops the job (e.g. the series is gone). */
  input(): { values: ReadonlyArray<number | null>; spec: FitSpec } | undefined;
  /** The fitted model; the job owns it from here (install it, or destroy it). */
  done(model: FittedModel): void;
  failed(error: unknown): void;
}

export interface RefitOptions {
  /** Messages outstanding at once; twice the pool size keeps every worker busy without piling up. */
  maxInFlight: number;
  /** Observes each fit's time, for ntma_fit_duration_seconds. */
  observe?: (seconds: number, outcome: 'ok' | 'error') => void;
  /** Batches fits (the worker pool); without it every fit is its own call of the single fit. */
  fitBatch?: AsyncBatchFit;
  /** Fit time a batch aims at, in ms (its size follows the fits' measured time): short, so a bands request queued behind it in the shared pool waits little. Default 250. */
  batchMs?: number;
  /** Most series in one batch. Default 64. */
  maxBatch?: number;
  /**
   * Cores of fit time refits (not first fits) may use on average; Infinity for no budget (the
   * default). A budget short of what the refits want delays them, oldest first.
   */
  refitCores?: number;
  /** Monotonic clock in ms; tests may pass their own. */
  now?: () => number;
}

/** Fit time per series a batch is sized with before any has been measured. */
const FIRST_GUESS_MS = 50;
/** At most this many seconds of unused refit budget is saved up. */
const MAX_SAVED_SECONDS = 2;

/** Jobs in arrival order from `head` on; a head index, not shift(), since a warm-up queues one per series. */
class Lane {
  /** Taken jobs are cleared at once: a job's closures hold its series, which may be forgotten meanwhile. */
  private jobs: Array<RefitJob | undefined> = [];
  private head = 0;

  get size(): number {
    return this.jobs.length - this.head;
  }

  push(job: RefitJob): void {
    this.jobs.push(job);
  }

  take(): RefitJob | undefined {
    if (this.head >= this.jobs.length) return undefined;
    const job = this.jobs[this.head]!;
    this.jobs[this.head++] = undefined;
    if (this.head >= 1024 && this.head * 2 >= this.jobs.length) {
      // Drop the taken half now and then, so the array does not hold every job ever queued.
      this.jobs = this.jobs.slice(this.head);
      this.head = 0;
    }
    return job;
  }

  drain(): RefitJob[] {
    const rest = this.jobs.slice(this.head) as RefitJob[];
    this.jobs = [];
    this.head = 0;
    return rest;
  }
}

interface Started {
  job: RefitJob;
  values: ReadonlyArray<number | null>;
  spec: FitSpec;
  /** Fit-seconds charged to the refit budget when it was taken (0 for a first fit). */
  estimate: number;
}

export class RefitQueue {
  private readonly firstLane = new Lane();
  private readonly refitLane = new Lane();
  private readonly known = new Set<string>();
  private running = 0;
  private fitsRunning = 0;
  private stopped = false;
  private readonly now: () => number;
  /** Mean fit time per series (ms), measured, for sizing batches. */
  private fitMs = FIRST_GUESS_MS;
  /** Refit budget in fit-seconds: spent by refits, refilled with wall time. */
  private budget = 0;
  private budgetAt: number;
  private wake: NodeJS.Timeout | null = null;

  constructor(
    private readonly fit: AsyncFit,
    private readonly options: RefitOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.budgetAt = this.now();
  }

  /** Queues a job unless one with the same id is already queued or running; true when queued. */
  request(job: RefitJob): boolean {
    if (this.stopped || this.known.has(job.id)) return false;
    this.known.add(job.id);
    (job.first ? this.firstLane : this.refitLane).push(job);
    this.pump();
    return true;
  }

  has(id: string): boolean {
    return this.known.has(id);
  }

  /** Jobs waiting for a slot (not yet handed to the pool). */
  get queued(): number {
    return this.firstLane.size + this.refitLane.size;
  }

  /** First fits waiting (series banded by a provisional model only). */
  get queuedFirst(): number {
    return this.firstLane.size;
  }

  /** Fits handed to the pool and not answered yet. */
  get inFlight(): number {
    return this.fitsRunning;
  }

  /** Drops waiting jobs; fits already running finish and their models are destroyed. */
  stop(): void {
    this.stopped = true;
    if (this.wake) clearTimeout(this.wake);
    this.wake = null;
    for (const job of [...this.firstLane.drain(), ...this.refitLane.drain()]) this.known.delete(job.id);
    if (this.carry) this.known.delete(this.carry.job.id);
    this.carry = null;
  }

  private get refitCores(): number {
    return this.options.refitCores ?? Number.POSITIVE_INFINITY;
  }

  /** Refills the refit budget for the time passed; true when a refit may start now (its estimate is charged on taking it). */
  private refitAllowed(): boolean {
    const cores = this.refitCores;
    if (!Number.isFinite(cores)) return true;
    const now = this.now();
    this.budget = Math.min(MAX_SAVED_SECONDS * cores, this.budget + ((now - this.budgetAt) / 1000) * cores);
    this.budgetAt = now;
    return this.budget > 0;
  }

  /** Pumps again once the budget is back above zero. */
  private wakeForBudget(): void {
    if (this.wake || this.stopped || this.refitLane.size === 0) return;
    const ms = Math.max(10, Math.ceil((-this.budget / this.refitCores) * 1000));
    this.wake = setTimeout(() => {
      this.wake = null;
      this.pump();
    }, ms);
    this.wake.unref?.();
  }

  /** The next job to start, first fits before refits, refits only within the budget. */
  private next(): RefitJob | undefined {
    if (this.firstLane.size > 0) return this.firstLane.take();
    if (this.refitLane.size > 0 && this.refitAllowed()) return this.refitLane.take();
    return undefined;
  }

  /** A job taken for the last batch whose spec differed; it starts the next one. */
  private carry: Started | null = null;

  /**
   * Jobs for one message (one spec: a batch is fitted with one), each with its training window
   * read now; jobs whose series is gone are forgotten. A refit is charged to the budget at its
   * estimated cost when taken, and corrected by its measured cost when it returns.
   */
  private takeBatch(limit: number): Started[] {
    const batch: Started[] = [];
    if (this.carry) {
      batch.push(this.carry);
      this.carry = null;
    }
    while (batch.length < limit) {
      const job = this.next();
      if (!job) break;
      const input = job.input();
      if (!input) {
        this.known.delete(job.id);
        continue;
      }
      const started: Started = { job, values: input.values, spec: input.spec, estimate: 0 };
      if (!job.first && Number.isFinite(this.refitCores)) {
        started.estimate = this.fitMs / 1000;
        this.budget -= started.estimate;
      }
      if (batch.length > 0 && input.spec !== batch[0]!.spec) {
        this.carry = started;
        break;
      }
      batch.push(started);
    }
    return batch;
  }

  private pump(): void {
    const batched = this.options.fitBatch;
    const limit = batched
      ? Math.max(1, Math.min(this.options.maxBatch ?? 64, Math.round((this.options.batchMs ?? 250) / this.fitMs)))
      : 1;
    while (!this.stopped && this.running < this.options.maxInFlight) {
      const batch = this.takeBatch(limit);
      if (batch.length === 0) break;
      this.running++;
      this.fitsRunning += batch.length;
      void (batched ? this.runBatch(batched, batch) : this.runOne(batch[0]!));
    }
    if (!this.stopped && this.refitLane.size > 0 && this.running < this.options.maxInFlight) this.wakeForBudget();
  }

  private async runOne(one: Started): Promise<void> {
    const { job, values, spec } = one;
    const started = performance.now();
    try {
      let model: FittedModel;
      try {
        model = await this.fit(values, spec);
      } catch (error) {
        this.options.observe?.((performance.now() - started) / 1000, 'error');
        if (!this.stopped) job.failed(error);
        return;
      }
      this.options.observe?.((performance.now() - started) / 1000, 'ok');
      if (this.stopped) model.destroy();
      else job.done(model);
    } finally {
      this.finish([one], one.estimate > 0 ? (performance.now() - started) / 1000 : 0);
    }
  }

  private async runBatch(fitBatch: AsyncBatchFit, batch: Started[]): Promise<void> {
    const spec = batch[0]!.spec;
    const lengths = batch.map((s) => s.values.length);
    const train = new Float64Array(lengths.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const { values } of batch) {
      for (const v of values) train[at++] = v === null ? Number.NaN : v;
    }
    let refitSeconds = 0;
    try {
      let items: BatchFitItem[];
      try {
        items = await fitBatch(train, lengths, spec);
      } catch (error) {
        // The whole message failed (a worker crash or timeout): every series in it did.
        for (const { job } of batch) {
          this.options.observe?.(0, 'error');
          if (!this.stopped) job.failed(error);
        }
        return;
      }
      let total = 0;
      batch.forEach(({ job, estimate }, k) => {
        const item = items[k] ?? { error: new Error('no answer for this series in its batch') };
        if ('error' in item) {
          this.options.observe?.(0, 'error');
          if (!this.stopped) job.failed(item.error);
          return;
        }
        total += item.fitMs;
        if (estimate > 0) refitSeconds += item.fitMs / 1000;
        this.options.observe?.(item.fitMs / 1000, 'ok');
        if (this.stopped) item.model.destroy();
        else job.done(item.model);
      });
      if (items.length > 0) this.fitMs = 0.8 * this.fitMs + 0.2 * Math.max(1, total / items.length);
    } finally {
      this.finish(batch, refitSeconds);
    }
  }

  /** `refitSeconds`: what the batch's refits measured; the budget was charged their estimate. */
  private finish(batch: Started[], refitSeconds: number): void {
    this.running--;
    this.fitsRunning -= batch.length;
    let charged = 0;
    for (const { estimate } of batch) charged += estimate;
    this.budget += charged - refitSeconds;
    for (const { job } of batch) this.known.delete(job.id);
    this.pump();
  }
}
