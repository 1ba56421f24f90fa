import { LazyForecastPool } from './lazy-pool.js';
import { ForecastPoolClosed } from './errors.js';
import type { ForecastPool } from './pool.js';

/** Records calls; stands in for the worker pool, whose own tests run real workers. */
function fakePool() {
  const calls: string[] = [];
  let closed = false;
  const pool = {
    queueDepth: 3,
    fit: async () => (calls.push('fit'), { snapshot: {} }),
    warmed: async () => {
      calls.push('warmed');
    },
    close: async () => {
      closed = true;
    },
  };
  return { pool: pool as unknown as ForecastPool, calls, isClosed: () => closed };
}

describe('LazyForecastPool', () => {
  it('starts the pool on the first fit only and sends every user to the same one', async () => {
    const fake = fakePool();
    let made = 0;
    const lazy = new LazyForecastPool(() => (made++, fake.pool));
    expect(lazy.started).toBe(false);
    expect(lazy.queueDepth).toBe(0);
    await lazy.fit(new Float64Array(0), { stepSeconds: 60, model: 'auto', confidence: 0.95 });
    await lazy.fit(new Float64Array(0), { stepSeconds: 60, model: 'auto', confidence: 0.95 });
    expect(made).toBe(1);
    expect(fake.calls).toEqual(['fit', 'fit']);
    expect(lazy.queueDepth).toBe(3);
  });

  it('closes the pool it started and refuses fits afterwards, without starting a new one', async () => {
    const fake = fakePool();
    let made = 0;
    const lazy = new LazyForecastPool(() => (made++, fake.pool));
    await lazy.fit(new Float64Array(0), { stepSeconds: 60, model: 'auto', confidence: 0.95 });
    await lazy.close();
    expect(fake.isClosed()).toBe(true);
    await expect(
      lazy.fit(new Float64Array(0), { stepSeconds: 60, model: 'auto', confidence: 0.95 }),
    ).rejects.toBeInstanceOf(ForecastPoolClosed);
    expect(made).toBe(1);
  });

  it('closes without ever starting a pool that was never used', async () => {
    let made = 0;
    const lazy = new LazyForecastPool(() => (made++, fakePool().pool));
    await lazy.close();
    expect(made).toBe(0);
  });

  it('starts the pool on warm(), once, and never after close', async () => {
    const fake = fakePool();
    let made = 0;
    const lazy = new LazyForecastPool(() => (made++, fake.pool));
    await lazy.warm();
    await lazy.warm();
    expect(lazy.started).toBe(true);
    expect(made).toBe(1);
    expect(fake.calls).toEqual(['warmed', 'warmed']);
    await lazy.close();
    const other = new LazyForecastPool(() => (made++, fakePool().pool));
    await other.close();
    await other.warm();
    expect(other.started).toBe(false);
  });
});
