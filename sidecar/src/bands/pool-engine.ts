/**
 * The production BandsEngine over the forecast worker pool and its model cache. A miss fits and
 * bands in a worker (one job, no second pass); a hit restores the cached snapshot and runs the
 * O(N) one-step pass here, which needs no worker at all.
 */
import { LruCache } from '../forecast/cache.js';
import { ForecastPoolClosed } from '../forecast/errors.js';
import { bandsFromSnapshot, type BandsResult } from '../forecast/jobs.js';
import type { ModelSnapshot } from '../forecast/model.js';
import type { FitPool } from '../forecast/pool.js';
import type { BandJob, BandsEngine, BandTrace } from './engine.js';

/**
 * Snapshots hold a season's profile and the calibration errors: up to ~100 kB for a weekly
 * season at one minute, so 512 of them stay well under 64 MB.
 */
export const MODEL_CACHE_ENTRIES = 512;

export interface PoolEngineOptions {
  /** The app's one worker pool, shared with the watchers; its owner closes it, never this engine. */
  pool: FitPool;
  cacheEntries?: number;
  /** Called after each fit this engine asks for (cache misses), with its wall time from submission. */
  onFit?: (seconds: number, outcome: 'ok' | 'error') => void;
}

function traceOf(result: BandsResult, cached: boolean): BandTrace {
  return {
    model: result.model,
    trainedOn: result.trainedOn,
    mean: result.forecast,
    lower: result.lower,
    upper: result.upper,
    fitMs: cached ? 0 : result.fitMs,
    cached,
  };
}

export class PoolBandsEngine implements BandsEngine {
  private readonly shared: FitPool;
  private readonly onFit: PoolEngineOptions['onFit'];
  private readonly cache: LruCache<ModelSnapshot>;
  private closed = false;

  constructor(options: PoolEngineOptions) {
    this.shared = options.pool;
    this.cache = new LruCache<ModelSnapshot>(options.cacheEntries ?? MODEL_CACHE_ENTRIES);
    this.onFit = options.onFit;
  }

  async band(job: BandJob): Promise<BandTrace> {
    let fresh: BandsResult | undefined;
    const { value: snapshot } = await this.cache.getOrLoad(job.key, async () => {
      const started = performance.now();
      let outcome: 'ok' | 'error' = 'error';
      try {
        fresh = await this.pool().bandsFor(job.train, job.follow, job.spec);
        outcome = 'ok';
      } finally {
        this.onFit?.((performance.now() - started) / 1000, outcome);
      }
      return fresh.snapshot;
    });
    // Callers that waited on another request's fit for the same key get the band from its snapshot.
    if (fresh) return traceOf(fresh, false);
    return traceOf(bandsFromSnapshot(snapshot, job.follow, job.spec.confidence), true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cache.clear();
  }

  private pool(): FitPool {
    if (this.closed) throw new ForecastPoolClosed();
    return this.shared;
  }
}
