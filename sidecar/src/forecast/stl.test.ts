import { reference } from './__fixtures__/reference.js';
import { arma, traffic } from './__fixtures__/simulate.js';
import { mstl } from './mstl.js';
import { candidatePeriods, removeSeasonality } from './seasonality.js';
import { stl } from './stl.js';

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('STL and MSTL against R', () => {
  it('stl matches stats::stl(s.window = 11) to 1e-9', () => {
    const { values, period, seasonalWindow, seasonal, trend } = reference.stl;
    const out = stl(values, period, { seasonalWindow });
    expect(maxAbsDiff(out.seasonal, seasonal)).toBeLessThan(1e-9);
    expect(maxAbsDiff(out.trend, trend)).toBeLessThan(1e-9);
  });

  it('mstl with a daily and a weekly period matches forecast::mstl to 1e-9', () => {
    const r = reference.mstl;
    const out = mstl(r.values, r.periods);
    expect(out.periods).toEqual([24, 168]);
    expect(maxAbsDiff(out.trend, r.trend)).toBeLessThan(1e-9);
    expect(maxAbsDiff(out.seasonals[0]!, r.seasonal24)).toBeLessThan(1e-9);
    expect(maxAbsDiff(out.seasonals[1]!, r.seasonal168)).toBeLessThan(1e-9);
    expect(maxAbsDiff(out.remainder, r.remainder)).toBeLessThan(1e-9);
  });

  it('drops periods that do not fit twice, as R does', () => {
    const out = mstl(reference.mstl.values.slice(0, 300), [24, 168]);
    expect(out.periods).toEqual([24]);
  });
});

describe('seasonal periods', () => {
  it('derives a day from the step, and a week only with two weeks of data', () => {
    expect(candidatePeriods(60, 1440 * 7)).toEqual([1440]);
    expect(candidatePeriods(60, 1440 * 14)).toEqual([1440, 10080]);
    expect(candidatePeriods(300, 288 * 3)).toEqual([288]);
    expect(candidatePeriods(86_400, 60)).toEqual([7]);
    expect(candidatePeriods(86_400 * 7, 60)).toEqual([]);
  });

  it('trusts a real daily cycle', () => {
    const y = Float64Array.from(traffic(288 * 5, 1, { day: 288 }));
    const { decomposition, checks } = removeSeasonality(y, 300);
    expect(decomposition.periods).toEqual([288]);
    expect(checks[0]).toMatchObject({ period: 288, rejected: null });
    expect(checks[0]!.strength).toBeGreaterThan(0.8);
  });

  it('rejects a "daily" period in pure noise, even though STL absorbs noise into it', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const y = Float64Array.from(arma(288 * 3, seed, { phi: 0.7, theta: 0 }));
      const { decomposition, checks } = removeSeasonality(y, 300);
      expect(decomposition.periods).toEqual([]);
      expect(checks[0]!.rejected).toMatch(/does not repeat|weak/);
    }
  });

  it('says why a period with fewer than two cycles is not used', () => {
    const { decomposition, checks } = removeSeasonality(Float64Array.from(traffic(1440, 2)), 60);
    expect(decomposition.periods).toEqual([]);
    expect(checks).toEqual([{ period: 1440, rejected: 'fewer than two cycles (1.00)' }]);
  });
});
