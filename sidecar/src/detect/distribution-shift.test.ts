import { DistributionShift } from './distribution-shift.js';
import { SortedWindow } from './sorted-window.js';

/** A deterministic, well-mixed sequence in [0, 1). */
function mixed(i: number): number {
  return (((i * 0.6180339887) % 1) + 1) % 1;
}

function feed(shift: DistributionShift, reference: SortedWindow, value: number): number {
  const statistic = shift.update(value, reference);
  reference.push(value);
  return statistic;
}

describe('DistributionShift', () => {
  it('says nothing until the reference holds enough values', () => {
    const shift = new DistributionShift(10);
    const reference = new SortedWindow(100);
    expect(feed(shift, reference, 1)).toBe(0);
  });

  it('is small while the recent values mix like the history, large once they do not', () => {
    const shift = new DistributionShift(24);
    const reference = new SortedWindow(1000);
    let calm = 0;
    for (let i = 0; i < 1000; i += 1) {
      const s = feed(shift, reference, mixed(i));
      if (i > 100) calm = Math.max(calm, s);
    }
    // Same range, wrong part of it: every recent value in the top tenth of the history.
    let shifted = 0;
    for (let i = 0; i < 24; i += 1) shifted = feed(shift, reference, 0.95 + 0.04 * mixed(i));
    expect(shifted).toBeGreaterThan(2 * calm);
  });

  it('sees a loss of variance that leaves the level unchanged', () => {
    const shift = new DistributionShift(24);
    const reference = new SortedWindow(1000);
    let calm = 0;
    for (let i = 0; i < 1000; i += 1) {
      const s = feed(shift, reference, mixed(i));
      if (i > 100) calm = Math.max(calm, s);
    }
    let flat = 0;
    for (let i = 0; i < 24; i += 1) flat = feed(shift, reference, 0.5);
    expect(flat).toBeGreaterThan(2 * calm);
  });

  it('reads a constant series as no shift at all once it has been constant', () => {
    const shift = new DistributionShift(12);
    const reference = new SortedWindow(200);
    const values: number[] = [];
    for (let i = 0; i < 200; i += 1) values.push(feed(shift, reference, 3));
    // Constant against constant: the statistic is the same every point, so ranking finds nothing.
    expect(new Set(values.slice(40).map((v) => v.toFixed(9))).size).toBe(1);
  });
});
