import { ForecastError, ForecastPoolClosed } from '../forecast/errors.js';
import type { FitPool } from '../forecast/pool.js';
import { InlinePool } from './__fixtures__/fakes.js';
import { zFor } from '../forecast/calibration.js';
import type { BandJob, BandModel } from './engine.js';
import { PoolBandsEngine } from './pool-engine.js';

const asPool = (pool: InlinePool): FitPool => pool.asPool();

const series = (n: number): number[] =>
  Array.from({ length: n }, (_, i) => 100 + 10 * Math.sin((2 * Math.PI * i) / 60) + ((i * 7919) % 13) - 6);

function job(key: string, n = 600, confidence = 0.95): BandJob {
  return { key, train: series(n), spec: { stepSeconds: 60, model: 'auto', confidence } };
}

/** The one-step forecasts and band half-widths of the next `steps` points, fed the series' own values. */
function walk(model: BandModel, confidence: number, from = 600, steps = 60): Array<{ mean: number; half: number }> {
  const z = zFor(confidence);
  const predictor = model.predictor(confidence);
  return series(from + steps)
    .slice(from)
    .map((value) => {
      const { mean, sigma } = predictor.peek();
      predictor.observe(value);
      return { mean, half: z * sigma };
    });
}

describe('PoolBandsEngine', () => {
  it('fits on a miss and serves the same model from the cached snapshot on a hit', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const cold = await engine.model(job('a'));
    const warm = await engine.model(job('a'));
    expect(pool.calls).toBe(1);
    expect(cold.cached).toBe(false);
    expect(cold.fitMs).toBeGreaterThan(0);
    expect(warm).toMatchObject({ cached: true, fitMs: 0, name: cold.name, trainedOn: cold.trainedOn });
    const [coldBand, warmBand] = [walk(cold, 0.95), walk(warm, 0.95)];
    for (let i = 0; i < 60; i++) {
      expect(warmBand[i]!.mean).toBeCloseTo(coldBand[i]!.mean, 9);
      expect(warmBand[i]!.half).toBeCloseTo(coldBand[i]!.half, 9);
    }
    // Each predictor starts over right after the training window.
    expect(walk(cold, 0.95)[0]!.mean).toBeCloseTo(coldBand[0]!.mean, 9);
  });

  it('re-calibrates a cached model for another confidence instead of refitting', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const wide = await engine.model(job('a', 600, 0.99));
    const narrow = await engine.model(job('a', 600, 0.8));
    expect(pool.calls).toBe(1);
    expect(walk(narrow, 0.8)[0]!.half).toBeLessThan(walk(wide, 0.99)[0]!.half);
  });

  it('lets concurrent misses for one key share a single fit', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const answers = await Promise.all([engine.model(job('k')), engine.model(job('k')), engine.model(job('other'))]);
    expect(pool.calls).toBe(2);
    expect(answers.map((a) => a.cached)).toEqual([false, true, false]);
  });

  it('passes fit failures on and caches nothing for them', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    const hopeless: BandJob = { ...job('gappy'), train: new Array(600).fill(null) };
    await expect(engine.model(hopeless)).rejects.toBeInstanceOf(ForecastError);
    await expect(engine.model(hopeless)).rejects.toBeInstanceOf(ForecastError);
    expect(pool.calls).toBe(2);
  });

  it('refuses jobs once closed, and leaves the shared pool to its owner', async () => {
    const pool = new InlinePool();
    const engine = new PoolBandsEngine({ pool: asPool(pool) });
    await engine.model(job('a'));
    await engine.close();
    expect(pool.closed).toBe(false);
    await expect(engine.model(job('c'))).rejects.toBeInstanceOf(ForecastPoolClosed);
  });

  it('reports the wall time and outcome of each fit it asks for, and none for cache hits', async () => {
    const pool = new InlinePool();
    const fits: Array<[number, string]> = [];
    const engine = new PoolBandsEngine({
      pool: asPool(pool),
      onFit: (seconds, outcome) => fits.push([seconds, outcome]),
    });
    await engine.model(job('a'));
    await engine.model(job('a'));
    await expect(engine.model({ ...job('gappy'), train: new Array(600).fill(null) })).rejects.toBeInstanceOf(
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
