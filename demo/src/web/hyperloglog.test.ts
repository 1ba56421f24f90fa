import { HyperLogLog, hash32 } from './hyperloglog.js';

describe('HyperLogLog', () => {
  it.each([10, 1000, 50000])('estimates %i distinct sources within 5 %', (n) => {
    const sketch = new HyperLogLog(12);
    for (let i = 0; i < n; i++) sketch.add(`10.0.${i >> 8}.${i & 255}#${i}`);
    expect(Math.abs(sketch.estimate() - n) / n).toBeLessThan(0.05);
  });

  it('counts repeats of one source once', () => {
    const sketch = new HyperLogLog();
    for (let i = 0; i < 10000; i++) sketch.add('203.0.113.7');
    expect(Math.round(sketch.estimate())).toBe(1);
  });

  it('estimates zero when empty and after clear', () => {
    const sketch = new HyperLogLog();
    expect(sketch.estimate()).toBe(0);
    sketch.add('a');
    sketch.clear();
    expect(sketch.estimate()).toBe(0);
  });

  it('merges as a set union', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 3000; i++) a.add(`s${i}`);
    for (let i = 2000; i < 5000; i++) b.add(`s${i}`);
    a.merge(b);
    expect(Math.abs(a.estimate() - 5000) / 5000).toBeLessThan(0.05);
  });

  it('refuses to merge sketches of different precision', () => {
    expect(() => new HyperLogLog(10).merge(new HyperLogLog(12))).toThrow(/precision 12 into 10/);
  });

  it('rejects a precision outside 4..16', () => {
    expect(() => new HyperLogLog(3)).toThrow(/4\.\.16/);
    expect(() => new HyperLogLog(17)).toThrow(/4\.\.16/);
  });

  it('hashes similar strings to unrelated values', () => {
    const a = hash32('10.0.0.1');
    const b = hash32('10.0.0.2');
    // Roughly half the bits differ when the finaliser mixes well.
    const differing = (a ^ b)
      .toString(2)
      .split('')
      .filter((c) => c === '1').length;
    expect(differing).toBeGreaterThan(8);
    expect(hash32('10.0.0.1')).toBe(a);
  });
});
