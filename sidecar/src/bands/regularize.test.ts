import { PayloadTooLarge } from '../errors.js';
import { regularize, type Point } from './regularize.js';

/** The values with gaps (NaN) shown as null. */
const valuesOf = (points: Point[], step?: number): Array<number | null> =>
  Array.from(regularize(points, step, 100, 'p').values, (v) => (Number.isNaN(v) ? null : v));

describe('regularize', () => {
  it('keeps evenly spaced points as they are', () => {
    const points: Point[] = [
      [100, 1],
      [160, 2],
      [220, 3],
    ];
    expect(regularize(points, undefined, 100, 'p').grid).toEqual({ startMs: 100000, stepMs: 60000, count: 3 });
    expect(valuesOf(points)).toEqual([1, 2, 3]);
  });

  it('leaves a missing point as a gap instead of shifting its neighbours', () => {
    const points: Point[] = [
      [100, 1],
      [160, 2],
      [280, 4],
      [340, 5],
    ];
    expect(valuesOf(points)).toEqual([1, 2, null, 4, 5]);
  });

  it('sorts, snaps jitter to the nearest slot and keeps null values as gaps', () => {
    const points: Point[] = [
      [220.4, 3],
      [100, 1],
      [159.7, null],
    ];
    expect(valuesOf(points)).toEqual([1, null, 3]);
  });

  it('uses a given step over the inferred one', () => {
    const points: Point[] = [
      [0, 1],
      [60, 2],
    ];
    expect(valuesOf(points, 30)).toEqual([1, null, 2]);
  });

  it('names the field for milliseconds, too few points and a single timestamp', () => {
    expect(() =>
      regularize(
        [
          [1700000000000, 1],
          [1700000060000, 2],
        ],
        undefined,
        100,
        'series[0].points',
      ),
    ).toThrow(/^series\[0\]\.points: point 0: .* milliseconds/);
    expect(() => regularize([[1, 1]], undefined, 100, 'series[0].points')).toThrow(/^series\[0\]\.points: at least 2/);
    expect(() =>
      regularize(
        [
          [5, 1],
          [5, 2],
        ],
        undefined,
        100,
        'series[0].points',
      ),
    ).toThrow(/no step can be inferred/);
  });

  it('answers 413 when a few far-apart points would make a huge grid', () => {
    const points: Point[] = [
      [0, 1],
      [60, 1],
      [120, 1],
      [60 * 1000000, 1],
    ];
    expect(() => regularize(points, undefined, 50000, 'series[0].points')).toThrow(PayloadTooLarge);
  });
});
