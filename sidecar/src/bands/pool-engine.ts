/**
 * The production BandsEngine over the forecast worker pool and its model cache. A miss fits in a
 * worker; a hit restores the cached snapshot. Either way the one-step pass through the banded range
 * runs on the caller's side from the snapshot (O(N), no worker needed): see engine.ts.
 */
import { LruCache } from '../forecast/cache.js';
import { ForecastPoolClosed } from '../forecast/errors.js';
import { restoreModel, type ModelSnapshot } from '../forecast/model.js';
import type { FitPool } from '../forecast/pool.js';
import type { BandJob, BandModel, BandsEngine } from './engine.js';

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

function modelOf(snapshot: ModelSnapshot, fitMs: number, cached: boolean): BandModel {
  // The cache's snapshot is read in place (shared): nothing changes it, and a copy per pass cost more than the pass.
  const restored = restoreModel(snapshot, { shared: true });
  return {
    name: restored.name,
    trainedOn: restored.trainedOn,
    fitMs: cached ? 0 : fitMs,
    cached,
    // A snapshot restores cheaply, and each restored model is independent: one per pass.
    predictor: (confidence) => restoreModel(snapshot, { shared: true }).predictor(confidence),
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

  async model(job: BandJob): Promise<BandModel> {
    let fitMs: number | undefined;
    const { value: snapshot } = await this.cache.getOrLoad(job.key, async () => {
      const started = performance.now();
      let outcome: 'ok' | 'error' = 'error';
      try {
        const fitted = await this.pool().fit(job.train, job.spec);
        outcome = 'ok';
        fitMs = fitted.fitMs;
        return fitted.snapshot;
      } finally {
        this.onFit?.((performance.now() - started) / 1000, outcome);
      }
    });
    // Callers that waited on another request's fit for the same key count as served from the cache.
    return modelOf(snapshot, fitMs ?? 0, fitMs === undefined);
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
