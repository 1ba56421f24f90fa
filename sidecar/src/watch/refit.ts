/**
 * Refits for the watchers, off the loop. Fits run in the forecaster's worker pool; this queue only
 * decides which series goes next and how many fits are outstanding at once. The bound matters:
 * ten thousand series warming up together would otherwise copy ten thousand training windows into
 * the pool's queue at the same moment. A job reads its training window when it starts, not when
 * it is queued, so a fit that waited uses the freshest data.
 */
import type { FitSpec, FittedModel } from '../forecast/types.js';

/** Fits a model off the event loop (the worker pool in production, a plain function in tests). */
export type AsyncFit = (values: ReadonlyArray<number | null>, spec: FitSpec) => Promise<FittedModel>;

export interface RefitJob {
  /** One job per id at a time: asking again while queued or running is a no-op. */
  id: string;
  /** The data to fit, read when the job starts; undefined drops the job (e.g. the series is gone). */
  input(): { values: ReadonlyArray<number | null>; spec: FitSpec } | undefined;
  /** The fitted model; the job owns it from here (install it, or destroy it). */
  done(model: FittedModel): void;
  failed(error: unknown): void;
}

export interface RefitOptions {
  /** Fits outstanding at once; twice the pool size keeps every worker busy without piling up. */
  maxInFlight: number;
  /** Observes each fit's wall time, for ntma_fit_duration_seconds. */
  observe?: (seconds: number, outcome: 'ok' | 'error') => void;
}

export class RefitQueue {
  /**
   * Jobs in arrival order from `head` on. A head index, not shift(): a warm-up queues one job per
   * series, and shifting an array of 100,000 moves it every time.
   */
  private waiting: RefitJob[] = [];
  private head = 0;
  private readonly known = new Set<string>();
  private running = 0;
  private stopped = false;

  constructor(
    private readonly fit: AsyncFit,
    private readonly options: RefitOptions,
  ) {}

  /** Queues a job unless one with the same id is already queued or running; true when queued. */
  request(job: RefitJob): boolean {
    if (this.stopped || this.known.has(job.id)) return false;
    this.known.add(job.id);
    this.waiting.push(job);
    this.pump();
    return true;
  }

  has(id: string): boolean {
    return this.known.has(id);
  }

  /** Jobs waiting for a slot (not yet handed to the pool). */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Drops waiting jobs; fits already running finish and their models are destroyed. */
  stop(): void {
    this.stopped = true;
    for (let i = this.head; i < this.waiting.length; i++) this.known.delete(this.waiting[i]!.id);
    this.waiting = [];
    this.head = 0;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.maxInFlight && this.head < this.waiting.length) {
      const job = this.waiting[this.head++]!;
      if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
        // Drop the taken half now and then, so the array does not hold every job ever queued.
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      const input = job.input();
      if (!input) {
        this.known.delete(job.id);
        continue;
      }
      this.running++;
      void this.run(job, input.values, input.spec);
    }
  }

  private async run(job: RefitJob, values: ReadonlyArray<number | null>, spec: FitSpec): Promise<void> {
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
      this.running--;
      this.known.delete(job.id);
      this.pump();
    }
  }
}
