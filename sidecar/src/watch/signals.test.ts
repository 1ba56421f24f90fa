import type { SignalRole } from './config.js';
import { readingsFor, RecentValues, SignalTable } from './signals.js';

describe('recent values', () => {
  it('takes the median of older points as the baseline, leaving out the newest two', () => {
    const recent = new RecentValues(10);
    for (const v of [10, 12, 11, 13, 9, 500, 800]) recent.push(v);
    expect(recent.latest()).toBe(800);
    expect(recent.baseline()).toBe(11);
  });

  it('skips gaps and needs three points for a baseline', () => {
    const recent = new RecentValues(10);
    for (const v of [5, null, 7, null, 1, 1]) recent.push(v);
    expect(recent.baseline()).toBeNull();
    recent.push(1);
    expect(recent.baseline()).toBe(5);
    recent.push(null);
    expect(recent.latest()).toBeNull();
  });

  it('forgets points older than its capacity', () => {
    const recent = new RecentValues(5);
    for (const v of [1000, 1000, 1000, 1, 2, 3, 4, 5]) recent.push(v);
    expect(recent.baseline(0)).toBe(3);
    expect(recent.newestFirst()).toEqual([5, 4, 3, 2, 1]);
  });

  it('lists what it keeps newest first, gaps as null', () => {
    const recent = new RecentValues(5);
    expect(recent.newestFirst()).toEqual([]);
    for (const v of [7, null, 9]) recent.push(v);
    expect(recent.newestFirst()).toEqual([9, null, 7]);
  });
});

describe('signal table', () => {
  it('joins a watched series to the most specific signal series carrying its labels', () => {
    const table = new SignalTable();
    table.record([
      { labels: { __name__: 'x', instance: 'a' }, value: 1 },
      { labels: { instance: 'a', device: 'eth0' }, value: 2 },
      { labels: {}, value: 3 },
    ]);
    expect(table.match({ instance: 'a', device: 'eth0', job: 'node' })?.latest()).toBe(2);
    expect(table.match({ instance: 'a', device: 'eth1' })?.latest()).toBe(1);
    expect(table.match({ instance: 'b' })?.latest()).toBe(3);
  });

  it('finds nothing when no signal series shares the labels', () => {
    const table = new SignalTable();
    table.record([{ labels: { instance: 'a' }, value: 1 }]);
    expect(table.match({ instance: 'b', device: 'eth0' })).toBeUndefined();
    expect(table.match({ device: 'eth0' })).toBeUndefined();
  });

  it('gives a series that stopped reporting gaps, then forgets it', () => {
    const table = new SignalTable();
    table.record([{ labels: { instance: 'a' }, value: 1 }]);
    table.record([]);
    expect(table.match({ instance: 'a' })?.latest()).toBeNull();
    for (let i = 0; i < 40; i++) table.record([]);
    expect(table.size).toBe(0);
  });

  it('follows at most maxSeries series, keeps the ones it has, and says how many new ones it refused', () => {
    const table = new SignalTable(100);
    // A flood from many sources: a series per source address, 5,000 of them, step after step.
    const flood = (step: number) =>
      Array.from({ length: 5_000 }, (_, i) => ({
        labels: { instance: 'a', src: `10.0.${i >> 8}.${i & 255}` },
        value: step,
      }));
    expect(table.record([{ labels: { instance: 'a' }, value: 7 }])).toBe(0);
    expect(table.record(flood(1))).toBe(4_901);
    expect(table.record(flood(2))).toBe(4_901);
    expect(table.size).toBe(100);
    // The series followed before the flood is still followed, with its history.
    expect(table.match({ instance: 'a', device: 'eth0' })?.latest()).toBeNull();
    expect(table.match({ instance: 'a', src: '10.0.0.5' })?.latest()).toBe(2);
    // Once the flood's series are forgotten, new ones get their place again.
    for (let i = 0; i < 40; i++) table.record([]);
    expect(table.size).toBe(0);
    expect(table.record(flood(3).slice(0, 10))).toBe(0);
  });

  it('counts the series a backfill refused', () => {
    const table = new SignalTable(2);
    const series = ['a', 'b', 'c', 'd'].map((instance) => ({ labels: { instance }, values: [1, 2, 3] }));
    expect(table.backfill(series)).toBe(2);
    expect(table.size).toBe(2);
  });

  it('backfills history in order so a baseline exists before the first live step', () => {
    const table = new SignalTable();
    table.backfill([{ labels: { instance: 'a' }, values: [10, 11, 12, 13, 14, 15] }]);
    expect(table.match({ instance: 'a' })?.baseline()).toBe(11.5);
  });
});

describe('readings for a watched series', () => {
  it('reads each joined signal and the series itself against their baselines', () => {
    const packets = new SignalTable();
    for (const v of [100, 100, 100, 100, 900]) packets.record([{ labels: { instance: 'a' }, value: v }]);
    const own = new RecentValues();
    for (const v of [1000, 1000, 1000, 1000, 1100]) own.push(v);
    const tables = new Map<SignalRole, SignalTable>([['packets', packets]]);
    expect(readingsFor({ instance: 'a', device: 'eth0' }, tables, { role: 'bytes', recent: own })).toEqual({
      packets: { current: 900, baseline: 100 },
      bytes: { current: 1100, baseline: 1000 },
    });
  });

  it('uses frozen baselines when given and leaves out signals without data', () => {
    const packets = new SignalTable();
    packets.record([{ labels: { instance: 'a' }, value: 700 }]);
    const tables = new Map<SignalRole, SignalTable>([
      ['packets', packets],
      ['bytes', new SignalTable()],
    ]);
    expect(readingsFor({ instance: 'a' }, tables, undefined, { packets: 50 })).toEqual({
      packets: { current: 700, baseline: 50 },
    });
  });
});
