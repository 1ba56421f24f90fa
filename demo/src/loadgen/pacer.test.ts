import { Pacer } from './pacer.js';

describe('Pacer', () => {
  it('carries fractions so a low rate is met exactly over time', () => {
    const pacer = new Pacer();
    let total = 0;
    for (let i = 0; i < 100; i++) total += pacer.take(2.5, 0.1);
    expect(total).toBe(25);
  });

  it('sends nothing for a zero, negative or NaN rate or tick', () => {
    const pacer = new Pacer();
    expect(pacer.take(0, 1)).toBe(0);
    expect(pacer.take(-5, 1)).toBe(0);
    expect(pacer.take(Number.NaN, 1)).toBe(0);
    expect(pacer.take(10, 0)).toBe(0);
  });

  it('drops what exceeds the cap instead of bursting later', () => {
    const pacer = new Pacer();
    expect(pacer.take(1000, 1, 50)).toBe(50);
    expect(pacer.take(10, 1, 50)).toBe(10);
  });

  it('starts clean after reset', () => {
    const pacer = new Pacer();
    pacer.take(0.9, 1);
    pacer.reset();
    expect(pacer.take(0.5, 1)).toBe(0);
  });
});
