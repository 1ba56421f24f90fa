import { Arena } from './arena.js';
import { DistributionShift } from './distribution-shift.js';
import { Recurrence } from './recurrence.js';
import { SortedWindow } from './sorted-window.js';

/** The same stream, with ties and both signs, for every window compared here. */
function stream(n: number): number[] {
  let state = 7;
  return Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.round((state / 2147483648) * 40 - 20) / 4;
  });
}

/** What a window answers after each push, to compare two windows fed alike. */
function answers(window: SortedWindow, values: number[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const value = Math.abs(v);
    window.push(value);
    out.push(window.rankShare(value), window.countAtLeast(2), window.quantile(0.5), window.largest(1));
  }
  return out;
}

describe('Arena', () => {
  it('holds nothing until a window asks for its full cells, then one buffer for all of them', () => {
    const arena = new Arena([4 * 50, 4 * 50, 8 * 50]);
    const windows = [
      new SortedWindow(50, 'statistic', arena),
      new SortedWindow(50, 'statistic', arena),
      new SortedWindow(50, 'double', arena),
    ];
    for (let i = 0; i < 30; i++) windows.forEach((w) => w.push(i));
    expect(arena.size).toBe(0);
    for (let i = 30; i < 60; i++) windows.forEach((w) => w.push(i));
    // 200 + 200 bytes of statistics, each padded to 8, and 400 of doubles.
    expect(arena.size).toBe(800);
    expect(windows.map((w) => [w.size, w.largest(1), w.quantile(0)])).toEqual([
      [50, 59, 10],
      [50, 59, 10],
      [50, 59, 10],
    ]);
  });

  it('gives a window in an arena exactly the answers of a window with its own buffer', () => {
    const values = stream(300);
    const arena = new Arena([4 * 64, 8 * 64]);
    const statistic = new SortedWindow(64, 'statistic', arena);
    const double = new SortedWindow(64, 'double', arena);
    expect(answers(statistic, values)).toEqual(answers(new SortedWindow(64, 'statistic'), values));
    expect(answers(double, values)).toEqual(answers(new SortedWindow(64, 'double'), values));
    expect(arena.size).toBe(4 * 64 + 8 * 64);
  });

  it('keeps windows apart: filling one never moves another, and a window beyond its room gets its own buffer', () => {
    const arena = new Arena([4 * 33]);
    const first = new SortedWindow(33, 'statistic', arena);
    const second = new SortedWindow(33, 'statistic', arena);
    for (let i = 0; i < 100; i++) {
      first.push(i);
      second.push(1000 - i);
    }
    expect([first.largest(1), first.quantile(0), first.size]).toEqual([99, 67, 33]);
    expect([second.largest(1), second.quantile(0), second.size]).toEqual([933, 901, 33]);
    expect(arena.size).toBe(136);
  });

  it('holds the arrays a recurrence and a distribution shift size at construction, and they answer as on their own', () => {
    const DAY = 86_400;
    const parts = [...Recurrence.parts(DAY, 1800, 3), ...DistributionShift.parts(30)];
    const arena = new Arena(parts);
    const recurrence = new Recurrence(DAY, 1800, 3, arena);
    const shift = new DistributionShift(30, arena);
    // 192 slots of 4 + 2 bytes, then 30 bytes of ring (padded to 32) and 8 counts of 4: all of it used.
    expect(arena.size).toBe(parts.reduce((sum, part) => sum + Math.ceil(part / 8) * 8, 0));
    expect(arena.uint8(1)).toBeNull();

    const ownRecurrence = new Recurrence(DAY, 1800, 3);
    const ownShift = new DistributionShift(30);
    const reference = new SortedWindow(200);
    const values = stream(400);
    const t0 = 1_700_000_000;
    values.forEach((v, i) => {
      const t = t0 + i * 900;
      recurrence.record(t, Math.abs(v));
      ownRecurrence.record(t, Math.abs(v));
      expect(recurrence.periodAgo(t + DAY)).toBe(ownRecurrence.periodAgo(t + DAY));
      expect(recurrence.periodsReaching(t + DAY, 2)).toBe(ownRecurrence.periodsReaching(t + DAY, 2));
      expect(shift.update(v, reference)).toBe(ownShift.update(v, reference));
      reference.push(v);
    });
  });
});
