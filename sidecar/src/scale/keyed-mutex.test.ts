import { KeyedMutex } from './keyed-mutex.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let inside = 0;
    let most = 0;
    await Promise.all(
      [30, 10, 0].map((delay, i) =>
        mutex.run('a', async () => {
          inside += 1;
          most = Math.max(most, inside);
          events.push(`start ${i}`);
          await tick(delay);
          events.push(`end ${i}`);
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run in parallel', async () => {
    const mutex = new KeyedMutex();
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await tick(10);
      inside -= 1;
    };
    await Promise.all([mutex.run('a', work), mutex.run('b', work)]);
    expect(most).toBe(2);
  });

  it('releases the lock when work throws', async () => {
    const mutex = new KeyedMutex();
    await expect(mutex.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(mutex.run('a', async () => 'next')).resolves.toBe('next');
  });
});
