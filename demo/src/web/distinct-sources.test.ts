import { DistinctSources } from './distinct-sources.js';

describe('DistinctSources', () => {
  it('counts the sources seen inside the window', () => {
    const counter = new DistinctSources({ windowMs: 60000, buckets: 6 });
    for (let i = 0; i < 500; i++) counter.add(`u${i}`, 1000 + i * 10);
    expect(counter.estimate(10000)).toBeGreaterThan(475);
    expect(counter.estimate(10000)).toBeLessThan(525);
  });

  it('forgets sources once their sub-window slides out', () => {
    const counter = new DistinctSources({ windowMs: 60000, buckets: 6 });
    for (let i = 0; i < 300; i++) counter.add(`old${i}`, 15000);
    for (let i = 0; i < 20; i++) counter.add(`new${i}`, 65000);
    // Six 10 s sub-windows: at 65 s the 10-20 s one is still in the window; at 75 s it has slid out.
    expect(counter.estimate(65000)).toBeGreaterThan(300);
    expect(counter.estimate(75000)).toBe(20);
    expect(counter.estimate(200000)).toBe(0);
  });

  it('tells a flood from few sources apart from many pseudo-sources', () => {
    const few = new DistinctSources({ windowMs: 30000 });
    const many = new DistinctSources({ windowMs: 30000 });
    for (let i = 0; i < 20000; i++) {
      few.add(`attacker${i % 5}`, i);
      many.add(`spoofed${i}`, i);
    }
    expect(few.estimate(20000)).toBe(5);
    expect(many.estimate(20000)).toBeGreaterThan(19000);
  });

  it('reuses a ring slot for a later sub-window without leaking the old one', () => {
    const counter = new DistinctSources({ windowMs: 6000, buckets: 6 });
    counter.add('a', 0);
    counter.add('b', 6000); // same slot as t=0, one window later
    expect(counter.estimate(6000)).toBe(1);
  });

  it('rejects a non-positive window and a bad bucket count', () => {
    expect(() => new DistinctSources({ windowMs: 0 })).toThrow(/windowMs/);
    expect(() => new DistinctSources({ windowMs: 1000, buckets: 0 })).toThrow(/buckets/);
  });
});
