import { BadRequest, PayloadTooLarge } from '../errors.js';
import { gridOf } from '../series/grid.js';
import { DEFAULT_LIMITS } from './limits.js';
import { checkPointCount, queryLayout, seriesLayout } from './window.js';

const limits = DEFAULT_LIMITS;
const T0 = 1700000000; // 22:13:20 UTC, not on a 10-minute boundary
const BOUNDARY = 1699999800; // 22:10:00 UTC

describe('queryLayout', () => {
  it('trains on a week before start by default and bands start..end inclusive', () => {
    const start = 1699999800; // on a 10-minute boundary
    const layout = queryLayout(start, start + 3600, 60, undefined, limits);
    expect(layout.trainPoints).toBe(10080);
    expect(layout.warmupPoints).toBe(0);
    expect(layout.bandPoints).toBe(61);
    expect(layout.grid.startMs).toBe((start - 7 * 86400) * 1000);
    expect(layout.grid.count).toBe(10080 + 61);
  });

  it('ends training on the last 10-minute boundary so nearby starts share one model', () => {
    const a = queryLayout(T0, T0 + 3600, 60, 86400, limits);
    const b = queryLayout(T0 + 240, T0 + 3840, 60, 86400, limits);
    expect(a.grid.startMs).toBe(b.grid.startMs);
    expect(a.trainPoints).toBe(1440);
    // 22:13:20 is 3 whole steps after 22:10:20, the boundary on its own step grid.
    expect(a.warmupPoints).toBe(3);
    expect(b.warmupPoints).toBe(7);
    const trainEndMs = a.grid.startMs + a.trainPoints * 60000;
    expect(trainEndMs + a.warmupPoints * 60000).toBe(T0 * 1000);
  });

  it('keeps the training window on the step grid of start', () => {
    const layout = queryLayout(T0 + 7, T0 + 607, 15, 3600, limits);
    const firstBandMs = layout.grid.startMs + (layout.trainPoints + layout.warmupPoints) * 15000;
    expect(firstBandMs).toBe((T0 + 7) * 1000);
  });

  it('shortens the default week when the step is short', () => {
    expect(queryLayout(T0, T0 + 60, 15, undefined, limits).trainPoints).toBe(20160);
  });

  it('names the field for a range too long for the step, an end before start and a bad train', () => {
    expect(() => queryLayout(T0, T0 + 86400 * 30, 15, undefined, limits)).toThrow(
      /^step: start\.\.end holds 172801 points/,
    );
    expect(() => queryLayout(T0, T0 - 60, 60, undefined, limits)).toThrow(/^end: must not be before start/);
    expect(() => queryLayout(T0, T0 + 60, 60, 600, limits)).toThrow(/^train: 10m is 10 points .* at least 40/);
    expect(() => queryLayout(T0, T0 + 60, 1, 86400, limits)).toThrow(BadRequest);
    expect(() => queryLayout(T0, T0 + 60, 1, 86400, limits)).toThrow(/^train: 1d is 86400 points .* at most 50000/);
  });
});

describe('seriesLayout', () => {
  it('trains on the first half by default, starting on a 10-minute boundary', () => {
    const grid = gridOf(T0, T0 + 2 * 86400, 60);
    const layout = seriesLayout(grid, undefined, limits, 'series[0].points');
    // 22:13:20 -> the next boundary on the grid is 22:20:20, 7 points in.
    expect(layout.grid.startMs).toBe((T0 + 420) * 1000);
    expect(layout.trainPoints).toBe(Math.floor((grid.count - 7) / 2));
    expect(layout.trainPoints + layout.bandPoints).toBe(grid.count - 7);
  });

  it('uses an explicit train and bands everything after it', () => {
    const grid = gridOf(BOUNDARY, BOUNDARY + 86400, 60);
    const layout = seriesLayout(grid, 3600, limits, 'series[0].points');
    expect(layout.grid.startMs).toBe(BOUNDARY * 1000);
    expect(layout.trainPoints).toBe(60);
    expect(layout.bandPoints).toBe(grid.count - 60);
  });

  it('names the train field when it leaves nothing to band, and the points when they are too few', () => {
    const grid = gridOf(BOUNDARY, BOUNDARY + 100 * 60, 60);
    expect(() => seriesLayout(grid, 86400, limits, 'series[0].points')).toThrow(/^train: /);
    const short = gridOf(BOUNDARY, BOUNDARY + 39 * 60, 60);
    expect(() => seriesLayout(short, undefined, limits, 'series[2].points')).toThrow(
      /^series\[2\]\.points: 40 points at step 1m leave nothing to band: the model trains on 40 and bands the points after them, so at least 41 are needed/,
    );
    const offBoundary = gridOf(BOUNDARY - 120, BOUNDARY + 2 * 60, 60);
    expect(() => seriesLayout(offBoundary, undefined, limits, 'series[0].points')).toThrow(
      /^series\[0\]\.points: 5 points at step 1m leave nothing to band: the first 2 come before a \S+ boundary and are not used, the model trains on 40 and bands the points after them, so at least 43 are needed/,
    );
  });
});

describe('checkPointCount', () => {
  it('answers 413 naming the series when it has too many points', () => {
    expect(() => checkPointCount(50001, limits, 'series[1].points')).toThrow(PayloadTooLarge);
    expect(() => checkPointCount(50001, limits, 'series[1].points')).toThrow(
      /^series\[1\]\.points: 50001 points; at most 50000/,
    );
    expect(() => checkPointCount(50000, limits, 'series[1].points')).not.toThrow();
  });
});
