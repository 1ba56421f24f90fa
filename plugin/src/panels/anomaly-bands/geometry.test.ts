import { bandPath, linePath, linearScale, nearestIndex, niceTicks, timeTicks, valueExtent } from './geometry';

const x = linearScale([0, 10], [0, 100]);
const y = linearScale([0, 10], [100, 0]);

describe('geometry', () => {
  it('maps a domain onto a range, inverted for the y axis', () => {
    expect(x(5)).toBe(50);
    expect(y(10)).toBe(0);
  });

  it('breaks lines at gaps instead of drawing through them', () => {
    expect(linePath([0, 1, 2, 3], [1, 2, null, 4], x, y)).toBe('M0,90L10,80M30,60');
  });

  it('draws the band as one closed area per run of points with both bounds', () => {
    const d = bandPath([0, 1, 2, 3], [1, 1, null, 1], [3, 3, 3, 3], x, y);
    expect(d).toBe('M0,70L10,70L10,90L0,90ZM30,70L30,90Z');
  });

  it('pads the value extent and survives empty or flat data', () => {
    expect(valueExtent([0, 10])).toEqual([-0.5, 10.5]);
    expect(valueExtent([null, undefined])).toEqual([0, 1]);
    expect(valueExtent([5, 5])).toEqual([4.5, 5.5]);
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(timeTicks(0, 3600, 4)).toEqual([0, 900, 1800, 2700, 3600]);
  });

  it('finds the nearest time', () => {
    expect(nearestIndex([0, 60, 120], 80)).toBe(1);
    expect(nearestIndex([0, 60, 120], 1000)).toBe(2);
    expect(nearestIndex([], 5)).toBe(-1);
  });
});

describe('valueExtent of a nearly flat series', () => {
  it('treats a difference of rounding size as flat', () => {
    const [lo, hi] = valueExtent([1, 1 + 1e-8]);
    expect(lo).toBeCloseTo(0.9, 6);
    expect(hi).toBeCloseTo(1.1, 6);
  });
});
