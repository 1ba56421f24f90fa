import { ForecastPoolClosed } from './errors.js';
import type { FitPool, ForecastPool, WarmReport } from './pool.js';

/**
 * The app's one forecast worker pool, shared by the bands API and the watchers so that the fit
 * threads (config.fitWorkers) are all the CPU fitting may take, whoever asks. It starts on first
 * use or on warm(), which the app calls once it is ready, so that no request meets a cold worker;
 * an app that is built but never started spawns no threads. Its owner (the app) closes it.
 */
export class LazyForecastPool implements FitPool {
  private pool: ForecastPool | undefined;
  private closed = false;

  constructor(private readonly make: () => ForecastPool) {}

  get started(): boolean {
    return this.pool !== undefined;
  }

  /** Workers that would not end when the pool closed (ForecastPool.stuckWorkers). */
  get stuckWorkers(): number {
    return this.pool?.stuckWorkers ?? 0;
  }

  get queueDepth(): number {
    return this.pool?.queueDepth ?? 0;
  }

  fit(...args: Parameters<ForecastPool['fit']>): ReturnType<ForecastPool['fit']> {
    const pool = this.get();
    return pool ? pool.fit(...args) : Promise.reject(new ForecastPoolClosed());
  }

  fitBatch(...args: Parameters<ForecastPool['fitBatch']>): ReturnType<ForecastPool['fitBatch']> {
    const pool = this.get();
    return pool ? pool.fitBatch(...args) : Promise.reject(new ForecastPoolClosed());
  }

  /**
   * Starts the pool now, so its workers warm up (warm-up.ts) before the first request rather
   * than during it; resolves when they have (bounded: ForecastPool.warmed), with how it went
   * (undefined once closed). The app awaits this before it listens, and logs the report.
   */
  async warm(): Promise<WarmReport | undefined> {
    return this.get()?.warmed();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.pool?.close();
  }

  /** The pool, started now if need be; undefined once closed (callers reject, as the pool does). */
  private get(): ForecastPool | undefined {
    if (this.closed) return undefined;
    this.pool ??= this.make();
    return this.pool;
  }
}
