import { ValueNovelty } from './novelty.js';

describe('ValueNovelty', () => {
  it('measures the distance from the recent median in interquartile spreads', () => {
    const novelty = new ValueNovelty(100);
    for (let i = 0; i <= 100; i += 1) novelty.update(i % 101);
    // Values 0..100 held (minus the oldest): median ~50, IQR ~50 -> spread ~37.
    const n = novelty.update(150);
    expect(n).toBeGreaterThan(2.5);
    expect(n).toBeLessThan(3);
    expect(Math.abs(novelty.update(50))).toBeLessThan(0.1);
  });

  it('is signed: below the median is negative', () => {
    const novelty = new ValueNovelty(50);
    for (let i = 0; i < 50; i += 1) novelty.update(10 + (i % 5));
    expect(novelty.update(0)).toBeLessThan(0);
  });

  it('falls back to wider ranges when most values are identical, instead of dividing by zero', () => {
    const novelty = new ValueNovelty(100);
    for (let i = 0; i < 100; i += 1) novelty.update(i % 10 === 0 ? 5 : 0);
    const spike = novelty.update(5);
    expect(Number.isFinite(spike)).toBe(true);
    expect(spike).toBeGreaterThan(0);
    const constant = new ValueNovelty(10);
    for (let i = 0; i < 10; i += 1) constant.update(3);
    expect(constant.update(3)).toBe(0);
  });

  it('does not read a familiar burst as novel when the bursts thin out below one value in twenty', () => {
    // A disk that writes in bursts: zeros, some small writes, and bursts of 100. With 6% of the
    // window non-zero the 90% range sees the bursts; at 4% it sees only the small writes, and the
    // same burst would read hundreds of spreads away.
    const burstSize = (burstEvery: number, smallEvery: number): number => {
      const novelty = new ValueNovelty(1000);
      for (let i = 0; i < 1000; i += 1) novelty.update(i % burstEvery === 0 ? 100 : i % smallEvery === 0 ? 0.1 : 0);
      return novelty.update(100);
    };
    const dense = burstSize(17, 1000);
    const sparse = burstSize(25, 7);
    expect(dense).toBeGreaterThan(1);
    expect(sparse).toBeGreaterThan(1);
    expect(sparse / dense).toBeLessThan(3);
  });
});
