import { rng } from './__fixtures__/simulate.js';
import { ArimaFilter } from './arima-filter.js';
import {
  clipped,
  clippingCheck,
  clippingPays,
  END_OUTLIER,
  excessStandardError,
  observeClipped,
} from './end-outliers.js';
import { fitModel } from './fit.js';
import type { FitSpec } from './types.js';

/** A local level: ARIMA(0,1,1), which moves its level by 0.3 of every innovation. */
const localLevel = (): ArimaFilter => ArimaFilter.start({ phi: [], theta: [-0.7], d: 1, mean: 0 });

/**
 * A level wandering slowly under unit noise, with a jump of `size` at one point in 40 (at random: no period to
 * find): a spike of one point that reverts, or a step to a new level that lasts (alternately up and down).
 */
function withJumps(n: number, seed: number, size: number, kind: 'spike' | 'step', wander = 0.1): Float64Array {
  const r = rng(seed);
  let level = 0;
  let steps = 0;
  return Float64Array.from({ length: n }, () => {
    level += wander * r.normal();
    const jump = r.uniform() < 1 / 40;
    if (jump && kind === 'step') steps++;
    const shift = kind === 'spike' ? (jump ? size : 0) : steps % 2 === 1 ? size : 0;
    return level + shift + r.normal();
  });
}

describe('end outliers: the last point clipped where the held-out tail says outliers do not last', () => {
  it('clips an innovation beyond the limit to the limit, on either side, and leaves the rest', () => {
    expect(clipped(10.5, 10, 1)).toBe(10.5);
    expect(clipped(14, 10, 1)).toBe(11);
    expect(clipped(7, 10, 1)).toBe(9);
    // No forecast yet (a filter before its first levels): the value as it is.
    expect(clipped(7, Number.NaN, 1)).toBe(7);
  });

  it('moves a filter by at most the limit on an outlying point, and steps a gap on the forecast', () => {
    const plain = localLevel();
    const robust = localLevel();
    for (const v of [5, 5.2, 4.9, 5.1]) {
      plain.observe(v);
      robust.observe(v);
    }
    plain.observe(-5);
    observeClipped(robust, -5, 1);
    // The plain level follows 0.3 of a 10-point dip; the clipped one 0.3 of one point.
    expect(plain.peek()).toBeLessThan(2.5);
    expect(robust.peek()).toBeGreaterThan(4.6);
    const gap = robust.clone();
    observeClipped(gap, Number.NaN, 1);
    expect(gap.peek()).toBeCloseTo(robust.peek(), 12);
  });

  it('finds clipping pays on a tail whose outliers are spikes that revert', () => {
    const tail = withJumps(800, 3, 8, 'spike');
    const check = clippingCheck(localLevel(), tail);
    // About 20 spikes, each beyond 2.5 sigmas of the innovations.
    expect(check.origins).toBeGreaterThanOrEqual(10);
    expect(check.clippedError).toBeLessThan(0.9 * check.plainError);
    expect(clippingPays(check)).toBe(true);
  });

  it('finds clipping does not pay where the outliers are new levels that last', () => {
    const tail = withJumps(800, 3, 8, 'step');
    const check = clippingCheck(localLevel(), tail);
    expect(check.origins).toBeGreaterThanOrEqual(10);
    expect(check.clippedError).toBeGreaterThan(check.plainError);
    expect(clippingPays(check)).toBe(false);
  });

  it('counts the origins one outlier fires the rule at as one observation of the comparison', () => {
    // Alternating noise of ±0.5, whose innovations stay well inside the limit, and one spike of 12.
    const tail = Float64Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? 0.5 : -0.5));
    tail[100] = 12;
    const check = clippingCheck(localLevel(), tail);
    // The outlier (and the large innovation after it, where the level took a share of it) fires the rule at
    // a run of origins, all scored against one future.
    expect(check.origins).toBeGreaterThanOrEqual(END_OUTLIER.points);
    expect(check.outliers).toHaveLength(1);
    expect(check.outliers[0]).toBeCloseTo(check.clippedError - check.plainError, 9);
    // The spike reverts: the clipped paths err less.
    expect(check.outliers[0]).toBeLessThan(0);
  });

  it('lets the rule stand where clipping erred more by less than the noise of the comparison, not beyond', () => {
    const outliers = [3, -2, 2.5, -1, 0.5];
    const excess = outliers.reduce((a, b) => a + b, 0);
    const se = excessStandardError(outliers);
    // The standard error of a sum of five: sqrt(5) times their standard deviation.
    expect(se).toBeCloseTo(Math.sqrt((5 * (20.5 - 5 * 0.6 ** 2)) / 4), 9);
    const tie = { origins: 15, plainError: 100, clippedError: 100 + excess, outliers };
    expect(excess).toBeGreaterThan(0);
    expect(excess).toBeLessThan(END_OUTLIER.evidence * se);
    expect(clippingPays(tie)).toBe(true);
    // The same excess with a strict comparison refuses, and so does one whose every outlier says the same.
    expect(clippingPays(tie, 0)).toBe(false);
    const steady = [0.6, 0.6, 0.6, 0.6, 0.6];
    expect(clippingPays({ origins: 15, plainError: 100, clippedError: 103, outliers: steady })).toBe(false);
    // One outlier has no spread: its sign decides.
    expect(excessStandardError([4])).toBe(0);
    expect(clippingPays({ origins: 3, plainError: 10, clippedError: 14, outliers: [4] })).toBe(false);
    expect(clippingPays({ origins: 3, plainError: 10, clippedError: 6, outliers: [-4] })).toBe(true);
  });

  it('leaves the filter it was given where it was, and lets the rule stand where the tail never met it', () => {
    const filter = localLevel();
    for (const v of [1, 2, 3]) filter.observe(v);
    const before = filter.peek();
    clippingCheck(filter, withJumps(300, 4, 8, 'spike'));
    expect(filter.peek()).toBe(before);
    // A tail of one point has no path after it to score: no origin, and the rule stands.
    const check = clippingCheck(localLevel(), [8]);
    expect(check.origins).toBe(0);
    expect(clippingPays(check)).toBe(true);
  });

  it("takes a dip at the window's end as a large ordinary innovation, when asked and where the tail agrees", () => {
    // A wandering level under unit noise (so the search differences it) with spikes that revert, ending on a
    // dip of eight: the differenced model's level follows a share of it over the whole horizon.
    const y = Array.from(withJumps(2000, 13, -8, 'spike', 0.3));
    y[y.length - 1] = y[y.length - 2]! - 8;
    const spec: FitSpec = { stepSeconds: 300, model: 'auto', confidence: 0.95 };
    const without = fitModel(y.slice(0, -1), spec).forecast(61, 0.95).mean[60]!;
    const plain = fitModel(y, spec);
    const robust = fitModel(y, { ...spec, endOutliers: 'auto' });
    expect(robust.name).toBe(plain.name);
    expect(robust.name).toMatch(/^arima\(\d,1,\d\)/);
    const plainEnd = plain.forecast(60, 0.95).mean[59]!;
    const robustEnd = robust.forecast(60, 0.95).mean[59]!;
    // The plain level follows the dip down; the clipped one follows 2.5 sigmas of it, not eight.
    expect(plainEnd).toBeLessThan(without);
    expect(robustEnd).toBeGreaterThan(plainEnd);
    expect(Math.abs(robustEnd - without)).toBeLessThan(0.7 * Math.abs(plainEnd - without));
    // The band's scale is the same: only the state after the last point moved.
    expect(robust.sigma).toBe(plain.sigma);
  });

  it('takes a dip at the last point but one as a large ordinary innovation, which the spike finder cannot judge', () => {
    // As above, but the window ends on a dip of eight and a point back at the level (NAB elb's 175, 656, 256
    // the other way up): the spike finder needs two neighbours on each side, and the plain level keeps part of
    // the dip. Where only the last point is clipped, the dip moves the state in full.
    const y = Array.from(withJumps(2000, 13, -8, 'spike', 0.3));
    const level = y[y.length - 3]!;
    y[y.length - 2] = level - 8;
    y[y.length - 1] = level;
    const spec: FitSpec = { stepSeconds: 300, model: 'auto', confidence: 0.95 };
    const without = fitModel(y.slice(0, -2), spec).forecast(62, 0.95).mean[61]!;
    const plain = fitModel(y, spec);
    const robust = fitModel(y, { ...spec, endOutliers: 'auto' });
    expect(robust.name).toBe(plain.name);
    const plainEnd = plain.forecast(60, 0.95).mean[59]!;
    const robustEnd = robust.forecast(60, 0.95).mean[59]!;
    expect(plainEnd).toBeLessThan(without);
    expect(robustEnd).toBeGreaterThan(plainEnd);
    expect(Math.abs(robustEnd - without)).toBeLessThan(0.7 * Math.abs(plainEnd - without));
  });
});
