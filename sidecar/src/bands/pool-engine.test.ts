import { ForecastError, ForecastPoolClosed } from '../forecast/errors.js';
import { runJob, type BandsResult, type Values } from '../forecast/jobs.js';
import type { ForecastPool } from '../forecast/pool.js';
import type { FitSpec } from '../forecast/types.js';
import type { BandJob } from './engine.js';
import { PoolBandsEngine } from './pool-engine.js';

/** Runs the real engine inline instead of in a worker: the adapter's logic without threads. */
class InlinePool {
  calls = 0;
  closed = false;
  async bandsFor(train: Values, observed: Values, spec: FitSpec): Promise<BandsResult> {
    this.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    return runJob({ kind: 'bands', train, observed, spec });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const asPool = (pool: InlinePool): ForecastPool => pool as unknown as ForecastPool;

function job(key: string, n = 600, confidence = 0.95): BandJob {
  const values = Array.from(
    { length: n + 60 },
    (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / 60) + ((i * 7919) % 13) - 6,
  );
  return {
    key,
    train: values.slice(0, n),
    follow: values.slice(n),
    spec: { stepSeconds: 60, model: 'auto', confidence },
  };
}

describe('PoolBandsEngine', () => {
  it('fits on a miss and serves the same band from the cached snapshot on a hit', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const cold = await engine.band(job('a'));
    const warm = await engine.band(job('a'));
    expect(pool.calls).toBe(1);
    expect(cold.cached).toBe(false);
    expect(cold.fitMs).toBeGreaterThan(0);
    expect(warm).toMatchObject({ cached: true, fitMs: 0, model: cold.model, trainedOn: cold.trainedOn });
    expect(warm.mean).toHaveLength(60);
    for (let i = 0; i < 60; i++) {
      expect(warm.mean[i]).toBeCloseTo(cold.mean[i]!, 9);
      expect(warm.upper[i]).toBeCloseTo(cold.upper[i]!, 9);
    }
  });

  it('re-calibrates a cached model for another confidence instead of refitting', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const wide = await engine.band(job('a', 600, 0.99));
    const narrow = await engine.band(job('a', 600, 0.8));
    expect(pool.calls).toBe(1);
    expect(narrow.upper[0]! - narrow.lower[0]!).toBeLessThan(wide.upper[0]! - wide.lower[0]!);
  });

  it('lets concurrent misses for one key share a single fit', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const answers = await Promise.all([engine.band(job('k')), engine.band(job('k')), engine.band(job('other'))]);
    expect(pool.calls).toBe(2);
    expect(answers.map((a) => a.cached)).toEqual([false, true, false]);
  });

  it('passes fit failures on and caches nothing for them', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const hopeless: BandJob = { ...job('gappy'), train: new Array(600).fill(null) };
    await expect(engine.band(hopeless)).rejects.toBeInstanceOf(ForecastError);
    await expect(engine.band(hopeless)).rejects.toBeInstanceOf(ForecastError);
    expect(pool.calls).toBe(2);
  });

  it('refuses jobs once closed, and leaves the shared pool to its owner', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    await engine.band(job('a'));
    await engine.close();
    expect(pool.closed).toBe(false);
    await expect(engine.band(job('c'))).rejects.toBeInstanceOf(ForecastPoolClosed);
  });

  it('reports the wall time and outcome of each fit it asks for, and none for cache hits', async () => {
    const pool = new InlinePool();
    const fits: Array<[number, string]> = [];
    const engine = new PoolBandsEngine({
      pool: asPool(pool),
      onFit: (seconds, outcome) => fits.push([seconds, outcome]),
    });
    await engine.band(job('a'));
    await engine.band(job('a'));
    await expect(engine.band({ ...job('gappy'), train: new Array(600).fill(null) })).rejects.toBeInstanceOf(
      ForecastError,
    );
    expect(fits.map(([, outcome]) => outcome)).toEqual(['ok', 'error']);
    expect(fits.every(([seconds]) => seconds >= 0 && seconds < 60)).toBe(true);
  });

  it('leaves a shared pool open when it closes', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    await engine.close();
    expect(pool.closed).toBe(false);
  });
});
