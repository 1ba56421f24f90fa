import { ForecastPoolClosed } from './errors.js';
import type { FitPool, ForecastPool } from './pool.js';

/**
 * The app's one forecast worker pool, shared by the bands API and the watchers so that the fit
 * threads (config.fitWorkers) are all the CPU fitting may take, whoever asks. It starts on first
 * use, so an app that never fits starts no threads. Its owner (the app) closes it; users never do.
 */
export class LazyForecastPool implements FitPool {
  private pool: ForecastPool | undefined;
  private closed = false;

  constructor(private readonly make: () => ForecastPool) {}

  get started(): boolean {
    return this.pool !== undefined;
  }

  get queueDepth(): number {
    return this.pool?.queueDepth ?? 0;
  }

  fit(...args: Parameters<ForecastPool['fit']>): ReturnType<ForecastPool['fit']> {
    const pool = this.get();
    return pool ? pool.fit(...args) : Promise.reject(new ForecastPoolClosed());
  }

  bandsFor(...args: Parameters<ForecastPool['bandsFor']>): ReturnType<ForecastPool['bandsFor']> {
    const pool = this.get();
    return pool ? pool.bandsFor(...args) : Promise.reject(new ForecastPoolClosed());
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
