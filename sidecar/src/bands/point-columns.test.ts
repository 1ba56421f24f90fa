import { columnsOf, plainColumns } from './point-columns.js';
import type { Point } from './regularize.js';

describe('plainColumns', () => {
  it('writes pairs of numbers into columns, a null value as NaN', () => {
    const columns = plainColumns([
      [100, 1.5],
      [160, null],
      [220, 3],
    ]);
    expect(columns && Array.from(columns.times)).toEqual([100, 160, 220]);
    expect(columns && Array.from(columns.values)).toEqual([1.5, NaN, 3]);
  });

  it('takes an empty array', () => {
    expect(plainColumns([])?.times).toHaveLength(0);
  });

  it.each([
    ['not an array', { 0: [1, 2] }],
    ['a point that is not an array', [[1, 2], 3]],
    ['a point of one number', [[1, 2], [3]]],
    [
      'a point of three numbers',
      [
        [1, 2],
        [3, 4, 5],
      ],
    ],
    ['a string time', [['100', 2]]],
    ['a null time', [[null, 2]]],
    ['a string value', [[100, '2']]],
    ['a boolean value', [[100, true]]],
    ['a nested value', [[100, [2]]]],
    ['an infinite value', [[100, Infinity]]],
    ['an infinite time', [[-Infinity, 1]]],
    ['a NaN value', [[100, NaN]]],
    ['a missing value', [[100, undefined]]],
    [
      'an infinite value after a gap',
      [
        [100, null],
        [160, Infinity],
      ],
    ],
    [
      'a string value after a gap',
      [
        [100, null],
        [160, 'x'],
      ],
    ],
  ])('refuses %s (ajv then coerces it or answers its 400)', (_name, points) => {
    expect(plainColumns(points)).toBeUndefined();
  });

  it('keeps reading pairs of numbers fast after pairs with gaps, and right', () => {
    const withGaps: Point[] = Array.from({ length: 5000 }, (_, i) => [i * 60, i % 3 === 0 ? null : i + 0.5]);
    for (let round = 0; round < 3; round++) plainColumns(withGaps);
    const columns = plainColumns(withGaps)!;
    expect(columns.values[3]).toBeNaN();
    expect(columns.values[4]).toBe(4.5);
  });
});

describe('columnsOf', () => {
  it('returns the columns plainColumns made for the same array', () => {
    const points: Point[] = [
      [100, 1],
      [160, 2],
    ];
    const columns = plainColumns(points);
    expect(columnsOf(points)).toBe(columns);
  });

  it('reads an array plainColumns did not see (one that ajv coerced)', () => {
    const points: Point[] = [
      [100, 1],
      [160, null],
    ];
    const columns = columnsOf(points);
    expect(Array.from(columns.times)).toEqual([100, 160]);
    expect(Array.from(columns.values)).toEqual([1, NaN]);
  });
});
