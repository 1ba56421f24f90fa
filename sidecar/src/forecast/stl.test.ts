import { reference } from './__fixtures__/reference.js';
import { arma, rng, traffic } from './__fixtures__/simulate.js';
import { mstl, seasonNoise } from './mstl.js';
import {
  acfPeaks,
  alternationGain,
  clockPeriods,
  findPeriods,
  MIN_GAIN,
  MIN_STEP_SEASON_CYCLES,
  withoutLevelShifts,
  type PeriodCheck,
} from './periods.js';
import { removeSeasonality } from './seasonality.js';
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

  it("widens the first period's seasonal window when asked, and R's 11 cycles otherwise", () => {
    const { values } = reference.mstl;
    expect(maxAbsDiff(mstl(values, [24]).seasonals[0]!, stl(values, 24, { seasonalWindow: 11 }).seasonal)).toBe(0);
    const wide = mstl(values, [24], { seasonalWindow: 21 }).seasonals[0]!;
    expect(maxAbsDiff(wide, stl(values, 24, { seasonalWindow: 21 }).seasonal)).toBe(0);
    expect(maxAbsDiff(wide, mstl(values, [24]).seasonals[0]!)).toBeGreaterThan(0.01);
  });

  it('drops periods that do not fit twice, as R does', () => {
    const out = mstl(reference.mstl.values.slice(0, 300), [24, 168]);
    expect(out.periods).toEqual([24]);
  });

  it('drops a period that fits exactly twice, which STL cannot decompose', () => {
    const values = reference.mstl.values.slice(0, 336);
    expect(mstl(values, [24, 168]).periods).toEqual([24]);
    expect(mstl(values.slice(0, 48), [24]).periods).toEqual([]);
  });
});

describe('the noise a season carries forward', () => {
  /** Mean square of the seasons' sum at each phase of the last cycle, over MSTL fits of white noise. */
  function carried(length: number, periods: number[], seasonalWindow?: number): number[] {
    const r = rng(5);
    const period = Math.max(...periods);
    const squares = new Array<number>(period).fill(0);
    const draws = 100;
    for (let d = 0; d < draws; d++) {
      const y = Array.from({ length }, () => r.normal());
      const out = mstl(y, periods, seasonalWindow ? { seasonalWindow } : {});
      for (let k = 0; k < period; k++) {
        let s = 0;
        out.seasonals.forEach((seasonal, i) => (s += seasonal[length - out.periods[i]! + (k % out.periods[i]!)]!));
        squares[k]! += (s * s) / draws;
      }
    }
    return squares;
  }
  const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;

  it('is about 1 / cycles where the window holds them all, more where its weights fall off', () => {
    for (const [length, window] of [
      [120, undefined],
      [200, undefined],
      [360, undefined],
      [360, 21],
    ] as const) {
      const noise = seasonNoise(length, [40], window ? { seasonalWindow: window } : {});
      const ratio = mean(carried(length, [40], window)) / noise.mean(0, 40);
      expect(ratio).toBeGreaterThan(0.9);
      expect(ratio).toBeLessThan(1.1);
    }
    expect(seasonNoise(120, [40]).mean(0, 40)).toBeCloseTo(1 / 3, 2);
    // Nine cycles in a window of 11: the tricube weights count the older ones less than the recent.
    const nine = seasonNoise(360, [40]).mean(0, 40);
    expect(nine).toBeGreaterThan(1 / 9);
    expect(seasonNoise(360, [40], { seasonalWindow: 21 }).mean(0, 40)).toBeLessThan(nine);
  });

  it('is larger at the phases of the last cycle that have one value fewer', () => {
    // 2.5 cycles: the first half of the last cycle's phases hold two values, the second half three.
    const noise = seasonNoise(100, [40]);
    expect(noise.at(0)).toBeCloseTo(1 / 2, 2);
    expect(noise.at(39)).toBeCloseTo(1 / 3, 2);
    expect(noise.at(40)).toBe(noise.at(0));
    expect(noise.mean(0, 20)).toBe(noise.at(0));
    expect(noise.mean(0, 40)).toBeCloseTo((noise.at(0) + noise.at(39)) / 2, 10);
    const squares = carried(100, [40]);
    expect(mean(squares.slice(0, 20)) / noise.at(0)).toBeGreaterThan(0.9);
    expect(mean(squares.slice(20)) / noise.at(39)).toBeGreaterThan(0.9);
    expect(mean(squares.slice(20)) / noise.at(39)).toBeLessThan(1.1);
  });

  it('adds up over the seasons, and is nothing without one', () => {
    const both = seasonNoise(300, [10, 50]);
    // The second season takes a window 4 cycles wider than the first (R's 11, 15).
    const apart = seasonNoise(300, [10]).mean(0, 50) + seasonNoise(300, [50], { seasonalWindow: 15 }).mean(0, 50);
    expect(both.mean(0, 50)).toBeCloseTo(apart, 10);
    expect(mean(carried(300, [10, 50])) / both.mean(0, 50)).toBeGreaterThan(0.85);
    expect(seasonNoise(300, []).mean(0, 50)).toBe(0);
    expect(seasonNoise(300, []).at(7)).toBe(0);
  });
});

describe('seasonal periods', () => {
  it('offers a day from the step, and a week only with two weeks of data', () => {
    expect(clockPeriods(60, 1440 * 7)).toEqual([1440]);
    expect(clockPeriods(60, 1440 * 14)).toEqual([1440, 10080]);
    expect(clockPeriods(300, 288 * 3)).toEqual([288]);
    expect(clockPeriods(86_400, 60)).toEqual([7]);
    expect(clockPeriods(86_400 * 7, 60)).toEqual([]);
  });

  it('trusts a real daily cycle', () => {
    const y = Float64Array.from(traffic(288 * 5, 1, { day: 288 }));
    const { decomposition, checks } = removeSeasonality(y, 300);
    expect(decomposition.periods).toEqual([288]);
    expect(checks.find((c) => c.period === 288)).toMatchObject({ rejected: null });
    expect(checks.find((c) => c.period === 288)!.strength).toBeGreaterThan(0.8);
  });

  it('rejects a "daily" period in AR noise, even though STL would absorb noise into it', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const y = Float64Array.from(arma(288 * 3, seed, { phi: 0.7, theta: 0 }));
      const { decomposition, checks } = removeSeasonality(y, 300);
      expect(decomposition.periods).toEqual([]);
      expect(checks.find((c) => c.period === 288)!.rejected).toMatch(/no held-out gain/);
    }
  });

  it('says why a period with fewer than two cycles is not used', () => {
    const { decomposition, checks } = removeSeasonality(Float64Array.from(traffic(1440, 2)), 60);
    expect(decomposition.periods).toEqual([]);
    expect(checks.find((c) => c.period === 1440)).toMatchObject({ rejected: 'fewer than two cycles (1.00)' });
  });
});

describe('period finder', () => {
  function sine(n: number, period: number, seed: number, noise = 0.3): number[] {
    const r = rng(seed);
    return Array.from({ length: n }, (_, t) => 10 + Math.sin((2 * Math.PI * t) / period) + noise * r.normal());
  }
  const trusted = (checks: PeriodCheck[]): number[] => checks.filter((c) => c.rejected === null).map((c) => c.period);

  it('finds a 240-step sine that is no clock period, from its autocorrelation', () => {
    for (const n of [600, 2400, 10_080]) {
      const checks = findPeriods(sine(n, 240, n), 60);
      expect(trusted(checks)).toEqual([240]);
      expect(checks.find((c) => c.period === 240)).toMatchObject({ source: 'acf', rejected: null });
      expect(checks.find((c) => c.period === 240)!.gain).toBeGreaterThan(0.5);
    }
  });

  it('finds no period in white noise, nor in AR(1) noise with a trend', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const white = Array.from({ length: 3000 }, () => r.normal());
      expect(trusted(findPeriods(white, 60))).toEqual([]);
      const trend = arma(3000, seed + 100, { phi: 0.8, theta: 0 }).map((v, t) => v + 0.01 * t);
      expect(trusted(findPeriods(trend, 60))).toEqual([]);
    }
  });

  it('finds a daily period at 5-minute steps from two days', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const checks = findPeriods(traffic(2 * 288, seed, { day: 288 }), 300);
      expect(trusted(checks)).toEqual([288]);
    }
  });

  describe('weak seasons (a clock period trusted on its block means)', () => {
    /** Four days of 5-minute counts: a daily swing of +-amplitude around 100 under noise of sd `noise`. */
    const requests = (seed: number, amplitude: number, noise: number): number[] => {
      const r = rng(seed);
      return Array.from({ length: 4 * 288 }, (_, t) =>
        Math.max(0, Math.round(100 + amplitude * Math.sin((2 * Math.PI * t) / 288) + noise * r.normal())),
      );
    };

    it('trusts a day under noise larger than it over two-hour means, which point by point it does not', () => {
      for (let seed = 1; seed <= 5; seed++) {
        const y = requests(seed, 40, 70);
        const day = (checks: PeriodCheck[]): PeriodCheck => checks.find((c) => c.period === 288)!;
        const pointwise = day(findPeriods(y, 300));
        expect(pointwise.rejected).toMatch(/no held-out gain/);
        expect(pointwise.blockGain).toBeUndefined();
        const weak = day(findPeriods(y, 300, { weakSeasons: true }));
        expect(weak.rejected).toBeNull();
        expect(weak.gain).toBeLessThan(MIN_GAIN);
        expect(weak.blockGain).toBeGreaterThanOrEqual(MIN_GAIN);
        expect(weak.medianGain).toBeGreaterThanOrEqual(MIN_GAIN);
      }
    });

    it('adds no day to white noise, a random walk or a trend under AR(1) noise', () => {
      // What the points' check trusts in them (an autocorrelation peak now and then) is its own business.
      const same = (y: number[], step: number): void =>
        expect(trusted(findPeriods(y, step, { weakSeasons: true }))).toEqual(trusted(findPeriods(y, step)));
      for (let seed = 1; seed <= 10; seed++) {
        const r = rng(seed);
        same(
          Array.from({ length: 4 * 288 }, () => 100 + 10 * r.normal()),
          300,
        );
        let level = 100;
        same(
          Array.from({ length: 8 * 288 }, () => (level += r.normal()) + 5 * r.normal()),
          300,
        );
        same(
          arma(3000, seed + 100, { phi: 0.8, theta: 0 }).map((v, t) => v + 0.01 * t),
          60,
        );
      }
    });

    it('asks an autocorrelation peak for its gain point by point: blocks are for periods named before the data', () => {
      // A 79-step cycle under noise four times its amplitude: a peak, but no season to carry point by point.
      for (let seed = 1; seed <= 5; seed++) {
        const checks = findPeriods(sine(3000, 79, seed, 4), 60, { weakSeasons: true });
        for (const check of checks.filter((c) => c.source === 'acf')) expect(check.blockGain).toBeUndefined();
      }
    });
  });

  it('keeps a weekly period only for what it adds to the day', () => {
    // traffic() lowers weekends by 6; here they drop by 20 more, or not at all.
    const weekend = (t: number): boolean => Math.floor(t / 288) % 7 >= 5;
    const y = traffic(288 * 21, 4, { day: 288 }).map((v, t) => (weekend(t) ? v - 20 : v));
    expect(trusted(findPeriods(y, 300))).toEqual([288, 2016]);
    const noWeekend = traffic(288 * 21, 4, { day: 288 }).map((v, t) => (weekend(t) ? v + 6 : v));
    expect(trusted(findPeriods(noWeekend, 300))).toEqual([288]);
  });

  /** A level that jumps by +-30 every 400 points (at `phase`), the sign drawn at random or always `sign`. */
  function levelSteps(n: number, seed: number, phase: number, sign?: 1 | -1): number[] {
    const r = rng(seed);
    let level = 100;
    return Array.from({ length: n }, (_, t) => {
      if (t % 400 === phase) level += 30 * (sign ?? (r.uniform() < 0.5 ? -1 : 1));
      return level + 2 * r.normal();
    });
  }

  it('finds no period in a level that steps on a schedule, of random sign or of one sign', () => {
    const nearSchedule = (checks: PeriodCheck[]): number[] => trusted(checks).filter((p) => Math.abs(p - 400) < 40);
    for (let seed = 1; seed <= 24; seed++) {
      const phase = (97 * seed) % 400;
      // Four cycles (the shape suite's fit part): one schedule in eight steps the same way four times, a
      // sawtooth on a trend to a moving average, which the running median's check turns down. Two cycles of
      // 800 repeat when the signs alternate (+-+-), a square wave the data cannot tell from a season; STL
      // takes no period with only two cycles, so the model has none either way.
      const four = Float64Array.from(levelSteps(1600, seed, phase));
      expect(trusted(findPeriods(four, 60)).filter((p) => p !== 800)).toEqual([]);
      expect(removeSeasonality(four, 60).decomposition.periods).toEqual([]);
      // Longer, a run of signs may repeat at a multiple of 400 by chance (two cycles or so of +-+, +-+), but
      // the schedule itself is never a season.
      expect(nearSchedule(findPeriods(levelSteps(3000, seed, phase), 60))).toEqual([]);
      const stairs = findPeriods(levelSteps(1600, seed, phase, seed % 2 === 0 ? 1 : -1), 60);
      expect(trusted(stairs)).toEqual([]);
      expect(stairs.find((c) => c.period === 400)?.rejected).toMatch(/running median/);
    }
  });

  /**
   * A level of 100 that jumps by 30 every `gap` +- `jitter` points (uniform), first at `first`, plus noise of sd 2;
   * each jump's sign drawn at random, or taken in turn from `signs`.
   */
  function irregularSteps(
    n: number,
    seed: number,
    { gap = 400, jitter = 15, first = 200, signs }: { gap?: number; jitter?: number; first?: number; signs?: number[] },
  ): number[] {
    const r = rng(seed);
    const jumps = new Map<number, number>();
    for (let k = 0, t = first; t < n; k++, t = first + k * gap + Math.round((2 * r.uniform() - 1) * jitter)) {
      jumps.set(t, signs ? signs[k % signs.length]! : r.uniform() < 0.5 ? -1 : 1);
    }
    let level = 100;
    return Array.from({ length: n }, (_, t) => {
      level += 30 * (jumps.get(t) ?? 0);
      return level + 2 * r.normal();
    });
  }

  it('finds no season in a level that shifts at irregular times, however the signs fall', () => {
    // Alternating signs make a square wave of period 800 over two cycles, which the held-out and running-median
    // checks take for a season wherever the autocorrelation offers a period near it.
    let squares = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const checks = findPeriods(irregularSteps(1600, seed, { first: 50 + 13 * seed, signs: [1, -1] }), 60);
      expect(trusted(checks)).toEqual([]);
      for (const check of checks.filter((c) => c.medianGain !== undefined && c.medianGain >= MIN_GAIN)) {
        expect(check.rejected).toMatch(/without its level shifts/);
        expect(check.shiftFreeGain).toBeLessThan(MIN_GAIN);
        squares++;
      }
    }
    expect(squares).toBeGreaterThanOrEqual(6);
    for (let seed = 1; seed <= 40; seed++) {
      const first = (37 * seed) % 400;
      expect(trusted(findPeriods(irregularSteps(1600, seed, { first }), 60))).toEqual([]);
      expect(trusted(findPeriods(irregularSteps(1600, seed, { first, jitter: 200 }), 60))).toEqual([]);
    }
  });

  it('still finds a season that has a level shift across it', () => {
    for (let seed = 1; seed <= 10; seed++) {
      // 2.7 cycles of 480 (amplitude 20, noise 1) with a step of 30 somewhere in the second.
      const r = rng(seed);
      const y = Array.from({ length: 1300 }, (_, t) => {
        const step = t >= 500 + 37 * seed ? 30 : 0;
        return 100 + 20 * Math.sin((2 * Math.PI * t) / 480) + r.normal() + step;
      });
      const checks = findPeriods(y, 60);
      const found = trusted(checks);
      expect(found).toHaveLength(1);
      expect(Math.abs(found[0]! - 480)).toBeLessThan(0.03 * 480);
      expect(checks.find((c) => c.period === found[0])).toMatchObject({ source: 'acf' });
      expect(checks.find((c) => c.period === found[0])!.shiftFreeGain).toBeGreaterThan(0.5);
    }
  });

  it('leaves a clock period made of level shifts to the other checks', () => {
    // Weekends 40 lower, over 17 days: two shifts a week, two weeks and a half, a week named before the data.
    const weekend = (t: number): boolean => Math.floor(t / 288) % 7 >= 5;
    for (let seed = 1; seed <= 3; seed++) {
      const y = traffic(288 * 17, seed, { day: 288 }).map((v, t) => (weekend(t) ? v - 40 : v));
      const checks = findPeriods(y, 300);
      expect(trusted(checks)).toEqual([288, 2016]);
      expect(checks.find((c) => c.period === 2016)).toMatchObject({ source: 'clock' });
      expect(checks.find((c) => c.period === 2016)!.shiftFreeGain).toBeUndefined();
    }
  });

  it(`trusts a shape made of level shifts alone once it repeats over ${MIN_STEP_SEASON_CYCLES} cycles`, () => {
    // A job that lifts the level by 30 for the first half of every 800 points: no shift is of chance.
    const job = (n: number, seed: number): number[] => {
      const r = rng(seed);
      return Array.from({ length: n }, (_, t) => 100 + (t % 800 < 400 ? 30 : 0) + 2 * r.normal());
    };
    for (let seed = 1; seed <= 5; seed++) {
      expect(trusted(findPeriods(job(800 * MIN_STEP_SEASON_CYCLES, seed), 60))).toEqual([800]);
      const two = findPeriods(job(1700, seed), 60).find((c) => c.period === 800);
      expect(two?.rejected).toMatch(/without its level shifts/);
    }
  });

  it('takes level shifts out of a series, and leaves one without them alone', () => {
    const r = rng(3);
    const flat = Float64Array.from({ length: 1000 }, () => 5 + r.normal());
    expect(withoutLevelShifts(flat)).toBeUndefined();
    const stepped = flat.map((v, t) => (t >= 400 ? v + 40 : v));
    const out = withoutLevelShifts(stepped)!;
    expect(out[399]).toBe(stepped[399]);
    expect(Math.abs(out[400]! - (stepped[400]! - 40))).toBeLessThan(1);
    const mean = (from: number, to: number): number => out.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
    expect(Math.abs(mean(0, 400) - mean(400, 1000))).toBeLessThan(0.5);
  });

  /** A level with noise whose even and odd points differ by 2c, the phase flipping at `flip`. */
  function alternating(n: number, seed: number, c: number, flip = n): number[] {
    const r = rng(seed);
    return Array.from({ length: n }, (_, t) => 14 + (t < flip ? c : -c) * (t % 2 === 0 ? 1 : -1) + 0.5 * r.normal());
  }

  it('trusts an alternation from one step to the next, even after its phase flips', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const checks = findPeriods(alternating(3000, seed, 0.5, 2200), 300, { alternation: true });
      expect(trusted(checks)).toEqual([2]);
      expect(checks[0]).toMatchObject({ period: 2, source: 'alternation', rejected: null });
      expect(checks[0]!.gain).toBeGreaterThan(MIN_GAIN);
    }
  });

  it('finds no alternation in white noise, nor in AR(1) noise with a negative coefficient', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = rng(seed);
      const white = Array.from({ length: 3000 }, () => r.normal());
      expect(alternationGain(white)).toBeLessThan(MIN_GAIN / 2);
      expect(trusted(findPeriods(white, 300, { alternation: true }))).toEqual([]);
      // It alternates from point to point too, but its phase wanders within tens of points (nearer
      // -1 it holds for hundreds, and there carrying it over a horizon is right).
      const negative = arma(3000, seed + 200, { phi: -0.8, theta: 0 });
      expect(alternationGain(negative)).toBeLessThan(MIN_GAIN);
      expect(trusted(findPeriods(negative, 300, { alternation: true }))).toEqual([]);
    }
  });

  it('leaves a short series unchecked for an alternation', () => {
    expect(alternationGain(alternating(600, 1, 0.5))).toBeNaN();
  });

  it('keeps the day and the week beside an alternation', () => {
    const weekend = (t: number): boolean => Math.floor(t / 288) % 7 >= 5;
    const y = traffic(288 * 21, 4, { day: 288 }).map((v, t) => (weekend(t) ? v - 20 : v) + 3 * (t % 2 === 0 ? 1 : -1));
    expect(trusted(findPeriods(y, 300, { alternation: true }))).toEqual([2, 288, 2016]);
    // Only when asked for.
    expect(trusted(findPeriods(y, 300))).toEqual([288, 2016]);
  });

  // Its speed is measured by the bench, not asserted here: a time limit makes a test flaky on a loaded machine.
  it('finds the period of a long series from its autocorrelation peaks', () => {
    const y = sine(40_320, 240, 9);
    const peaks = acfPeaks(y);
    expect(peaks[0]!.period).toBe(240);
  });
});
