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
});
