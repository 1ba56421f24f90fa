import { traffic } from './__fixtures__/simulate.js';
import { LruCache, modelKey, type ModelKeyParts } from './cache.js';
import { fitModel } from './fit.js';
import { bandOver } from './bands.js';
import { restoreModel, type ModelSnapshot } from './model.js';

const parts: ModelKeyParts = {
  query: 'rate(node_network_receive_bytes_total[5m])',
  labels: { instance: 'a:9100', device: 'eth0' },
  trainStart: 1_700_000_000,
  trainEnd: 1_700_086_340,
  stepSeconds: 60,
  model: 'auto',
};

describe('model cache keys', () => {
  it('do not depend on label order', () => {
    expect(modelKey({ ...parts, labels: { device: 'eth0', instance: 'a:9100' } })).toBe(modelKey(parts));
  });

  it('differ by query, labels, training window, step and model', () => {
    const keys = new Set([
      modelKey(parts),
      modelKey({ ...parts, query: 'up' }),
      modelKey({ ...parts, labels: { instance: 'b:9100', device: 'eth0' } }),
      modelKey({ ...parts, trainEnd: parts.trainEnd + 60 }),
      modelKey({ ...parts, stepSeconds: 30 }),
      modelKey({ ...parts, model: { p: 1, d: 1, q: 1 } }),
    ]);
    expect(keys.size).toBe(6);
  });
});

describe('LRU cache', () => {
  it('evicts the least recently used entry beyond its size', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 1 });
  });

  it('shares one load between concurrent misses and does not cache a failure', async () => {
    const cache = new LruCache<string>(4);
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 'model';
    };
    const [a, b] = await Promise.all([cache.getOrLoad('k', load), cache.getOrLoad('k', load)]);
    expect(loads).toBe(1);
    expect([a.value, b.value]).toEqual(['model', 'model']);
    expect([a.cached, b.cached]).toEqual([false, true]);

    await expect(cache.getOrLoad('bad', () => Promise.reject(new Error('fit failed')))).rejects.toThrow('fit failed');
    expect(cache.get('bad')).toBeUndefined();
  });

  it('serves a band from a cached model snapshot without refitting, identical to the fresh one', async () => {
    const cache = new LruCache<ModelSnapshot>(8);
    const y = traffic(1440 + 60, 12);
    let fits = 0;
    const load = async (): Promise<ModelSnapshot> => {
      fits++;
      return fitModel(y.slice(0, 1440), { stepSeconds: 60, model: 'auto', confidence: 0.95 }).snapshot();
    };
    const first = await cache.getOrLoad(modelKey(parts), load);
    const second = await cache.getOrLoad(modelKey({ ...parts, labels: { device: 'eth0', instance: 'a:9100' } }), load);
    expect(fits).toBe(1);
    expect(second.cached).toBe(true);
    // No refit is checked by the fit count above, not by timing: a loaded CI machine makes any time limit flaky.
    const warm = bandOver(restoreModel(second.value), y.slice(1440), 0.95);
    const fresh = bandOver(
      fitModel(y.slice(0, 1440), { stepSeconds: 60, model: 'auto', confidence: 0.95 }),
      y.slice(1440),
      0.95,
    );
    expect(warm.forecast).toEqual(fresh.forecast);
    expect(warm.upper).toEqual(fresh.upper);
    expect(first.value).toEqual(second.value);
  });
});
