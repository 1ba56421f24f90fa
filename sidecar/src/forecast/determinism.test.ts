/**
 * A fit must not depend on what its thread fitted before. Each worker keeps one ctsa WASM instance
 * for its lifetime (arima-wasm.ts), and the workers warm up on fits of their own (warm-up.ts), so
 * a heap that carried state from one fit to the next (memory read before it is written, a
 * reused buffer or parameter block) would make the same request answer differently in a fresh
 * worker and in a busy one, and a watcher's model depend on the order its series were fitted in.
 * Compared to the bit: every number of the snapshot (coefficients, orders tried and their AICc,
 * calibration errors) and of the band it draws.
 */
import { arma, traffic } from './__fixtures__/simulate.js';
import { bandOver } from './bands.js';
import { fitModel } from './fit.js';
import { restoreModel, type ModelSnapshot } from './model.js';
import { ForecastPool } from './pool.js';
import type { FitSpec } from './types.js';

const spec: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95 };

/** Every number as the hex of its IEEE-754 bits, so -0, NaN and the last ulp all count. */
function bits(value: unknown): unknown {
  if (typeof value === 'number') {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    return `${view.getUint32(0).toString(16)}:${view.getUint32(4).toString(16)}`;
  }
  if (Array.isArray(value)) return value.map(bits);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bits(v)]));
  }
  return value;
}

/** The series under test: a day and a half of traffic (season, differenced ARIMA) and what follows it. */
const target = traffic(2160 + 120, 31);
const train = target.slice(0, 2160);
const follow = target.slice(2160);

/** What a busy worker has fitted before: seasonal and not, short and long, explicit orders, gaps, a failure. */
const before: Array<{ values: Array<number | null>; spec: FitSpec }> = [
  { values: traffic(10_080, 7), spec },
  { values: arma(300, 3, { phi: 0.9, theta: -0.4 }), spec },
  { values: traffic(2880, 9, { day: 240, walk: 0.5 }), spec },
  { values: arma(5000, 4, { phi: 0.2, sd: 40, mean: 1e4 }), spec: { ...spec, model: { p: 3, d: 1, q: 2 } } },
  { values: arma(120, 5).map((v, i) => (i % 9 === 4 ? null : v)), spec },
  { values: Array.from({ length: 600 }, (_, i) => (i % 50 === 0 ? 40 : 3)), spec: { ...spec, transform: 'auto' } },
  { values: [1, 2, 3], spec },
];

function band(snapshot: ModelSnapshot): unknown {
  return bits(bandOver(restoreModel(snapshot), follow, spec.confidence));
}

describe('a fit does not depend on what its thread fitted before', () => {
  it('gives the same model and band, to the bit, in a fresh worker and in one that has fitted other series', async () => {
    const fresh = new ForecastPool({ workers: 1, timeoutMs: 60_000 });
    const busy = new ForecastPool({ workers: 1, timeoutMs: 60_000 });
    try {
      const first = await fresh.fit(Float64Array.from(train), spec);
      for (const job of before) await busy.fit(job.values, job.spec).catch(() => undefined);
      const later = await busy.fit(Float64Array.from(train), spec);
      expect(later.model).toBe(first.model);
      expect(bits(later.snapshot)).toEqual(bits(first.snapshot));
      expect(band(later.snapshot)).toEqual(band(first.snapshot));
    } finally {
      await Promise.all([fresh.close(), busy.close()]);
    }
  }, 120_000);

  it('gives the same model on this thread before and after other fits', () => {
    const first = fitModel(train, spec).snapshot();
    for (const job of before) {
      try {
        fitModel(job.values, job.spec).destroy();
      } catch {
        // the too-short series is meant to fail; its failure must leave nothing behind either
      }
    }
    const again = fitModel(train, spec).snapshot();
    expect(bits(again)).toEqual(bits(first));
    expect(band(again)).toEqual(band(first));
  }, 120_000);
});
