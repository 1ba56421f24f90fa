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
  private readonly waiting: RefitJob[] = [];
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
    return this.waiting.length;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Drops waiting jobs; fits already running finish and their models are destroyed. */
  stop(): void {
    this.stopped = true;
    for (const job of this.waiting) this.known.delete(job.id);
    this.waiting.length = 0;
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.maxInFlight && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
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
