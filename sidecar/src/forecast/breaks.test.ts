import { rng } from './__fixtures__/simulate.js';
import { ArimaFilter } from './arima-filter.js';
import { breakHalfWidth, findBreaks, medianChanges, tailShifts } from './breaks.js';
import { bandOver } from './bands.js';
import { zFor } from './calibration.js';
import { fitModel } from './fit.js';
import { measureSpread, spreadScale } from './spread.js';

/** The shape suite's level steps: 100, a jump of +-30 at t mod 400 = 200, noise of sd 2; and where the jumps are. */
function levelSteps(n: number, seed: number, every = 400, offset = 0): { x: Float64Array; at: number[] } {
  const r = rng(seed);
  let level = 100;
  const at: number[] = [];
  const x = Float64Array.from({ length: n }, (_, t) => {
    if ((t + offset) % every === every / 2) {
      level += 30 * (r.uniform() < 0.5 ? -1 : 1);
      at.push(t);
    }
    return level + 2 * r.normal();
  });
  return { x, at };
}

describe('medianChanges', () => {
  /** The two medians by sorting each window afresh, as findBreaks did before. */
  function sortedMedian(y: Float64Array, from: number, to: number): number {
    const s = Float64Array.from(y.subarray(from, to)).sort();
    const n = s.length;
    return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  }

  it('equals the medians of each window sorted afresh, with ties and at both ends', () => {
    const r = rng(11);
    for (const [m, w, levels] of [
      [200, 20, 0],
      [97, 20, 3],
      [80, 7, 2],
      [60, 20, 1],
    ] as const) {
      // levels > 0: values on a few levels only (a quantised gauge), so windows are full of ties.
      const y = Float64Array.from({ length: m }, () =>
        levels > 0 ? Math.floor(r.uniform() * levels) : 50 + 10 * r.normal(),
      );
      const d = new Float64Array(m).fill(Number.NaN);
      medianChanges(y, w, 5, m - 5, d);
      for (let i = 5; i <= m - 5; i++) {
        const expected = sortedMedian(y, i, Math.min(m, i + w)) - sortedMedian(y, Math.max(0, i - w), i);
        expect(d[i]).toBe(expected);
      }
      expect(Number.isNaN(d[4]!)).toBe(true);
    }
  });
});

describe('findBreaks', () => {
  it('finds every step of a level that steps, where it is and how large', () => {
    for (const seed of [1, 2, 3]) {
      const { x, at } = levelSteps(2000, seed, 400, 137);
      const found = findBreaks(x)!;
      expect(found.at).toEqual(at);
      for (const jump of found.jumps) expect(Math.abs(Math.abs(jump) - 30)).toBeLessThan(2);
    }
  });

  it('sees a step near the window end from five points after it, and steps over a gap', () => {
    const { x } = levelSteps(2000, 4, 400, 0);
    const end = Float64Array.from(x.subarray(0, 1806));
    end[1500] = Number.NaN;
    expect(findBreaks(end)!.at).toEqual([200, 600, 1000, 1400, 1800]);
    expect(findBreaks(x.subarray(0, 1803))!.at).toEqual([200, 600, 1000, 1400]);
  });

  it('finds none in noise, a wandering or persistent level, a slope, a smooth cycle or a quantised level', () => {
    const r = rng(5);
    let walk = 0;
    let ar = 0;
    const shapes: Record<string, (t: number) => number> = {
      noise: () => r.normal(),
      'random walk': () => (walk += r.normal()),
      'AR(1) 0.95': () => (ar = 0.95 * ar + r.normal()),
      slope: (t) => 0.05 * t + r.normal(),
      'smooth cycle': (t) => 30 * Math.sin((2 * Math.PI * t) / 240) + 0.05 * r.normal(),
      'daily cycle with noise': (t) => 50 + 20 * Math.sin((2 * Math.PI * t) / 1440) + r.normal(),
      // A value that sits on one level and moves to another for a few points at a time (NAB grok's CPU share).
      quantised: () => (r.uniform() < 0.15 ? 35.7 : 33.4),
    };
    for (const [name, make] of Object.entries(shapes)) {
      const x = Float64Array.from({ length: 2000 }, (_, t) => make(t));
      expect([name, findBreaks(x)]).toEqual([name, undefined]);
    }
  });

  it('takes none out of a level that steps more often than once in 100 points', () => {
    const { x } = levelSteps(2000, 6, 80);
    expect(findBreaks(x)).toBeUndefined();
  });
});

describe('breakHalfWidth', () => {
  const z = zFor(0.95);

  it('is the normal half-width without a chance of a break, and reaches the jumps once either tail needs them', () => {
    expect(breakHalfWidth(2, 0, [30], 0.95)).toBeCloseTo(z * 2, 6);
    // A break of +-30 with chance 4%: each sign 2%, under the tail's 2.5%, so the edge stays in the no-break normal.
    const before = breakHalfWidth(2, 0.04, [30], 0.95);
    expect(before).toBeGreaterThan(z * 2);
    expect(before).toBeLessThan(4 * 2);
    // With chance 6% each sign holds 3%: the edge is in the jump's normal, about 30 - 0.97 sigma.
    const after = breakHalfWidth(2, 0.06, [30], 0.95);
    expect(after).toBeGreaterThan(27);
    expect(after).toBeLessThan(30);
    // A break for certain: half of the mass at each sign, so the edge is 30 + 1.645 sigma.
    expect(breakHalfWidth(2, 1, [30], 0.95)).toBeCloseTo(30 + 1.645 * 2, 1);
  });

  it('is exactly the mixture’s quantile', () => {
    const jumps = [10, -25];
    const p = 0.3;
    const half = breakHalfWidth(3, p, jumps, 0.9);
    const r = rng(7);
    let outside = 0;
    const draws = 200_000;
    for (let k = 0; k < draws; k++) {
      let e = 3 * r.normal();
      if (r.uniform() < p) e += (r.uniform() < 0.5 ? -1 : 1) * Math.abs(jumps[Math.floor(r.uniform() * 2)]!);
      if (Math.abs(e) > half) outside++;
    }
    expect(outside / draws).toBeCloseTo(0.1, 2);
  });
});

describe('the no-break spread', () => {
  it('leaves out the forecasts that span a break', () => {
    const { x, at } = levelSteps(2400, 8);
    // Last value carried forward: every h-step error is noise, or noise and a jump where one falls in between.
    const walk = (): ArimaFilter => ArimaFilter.start({ phi: [], theta: [], d: 1, mean: 0 });
    const all = measureSpread(walk(), x)!;
    const without = measureSpread(walk(), x, at)!;
    // At 32 steps 8% of the forecasts span a jump of 30: the 95% quantile is in the jumps with them.
    expect(spreadScale(all, 32, 1)).toBeGreaterThan(4);
    expect(spreadScale(without, 32, 1)).toBeGreaterThan(0.8);
    expect(spreadScale(without, 32, 1)).toBeLessThan(1.25);
  });
});

describe('a level that steps, fitted with breaks', () => {
  const spec = { stepSeconds: 60, model: 'auto' as const, confidence: 0.95, transform: 'auto' as const };

  it('keeps no breaks unless asked', () => {
    const { x } = levelSteps(2000, 9);
    expect(fitModel(x, spec).snapshot().breaks).toBeUndefined();
    const found = fitModel(x, { ...spec, breaks: 'auto' }).snapshot();
    expect(found.breaks!.at).toEqual([200, 600, 1000, 1400, 1800]);
    expect(found.diagnostics.breaks).toBe(5);
  });

  it('draws the interval narrow mid-gap on the schedule, and wide where the next step is due', () => {
    // The window's last point 199 steps after its last jump: on the schedule, none falls in the next 60.
    const { x } = levelSteps(2460, 10);
    const mid = fitModel(x.subarray(0, 2000), { ...spec, breaks: 'auto' }).forecast(60, 0.95);
    const plain = fitModel(x.subarray(0, 2000), spec).forecast(60, 0.95);
    const half = (iv: { lower: number[]; upper: number[] }, h: number): number =>
      (iv.upper[h - 1]! - iv.lower[h - 1]!) / 2;
    expect(half(mid, 60)).toBeLessThan(10);
    expect(half(plain, 60)).toBeGreaterThan(25);
    // 380 steps after the last jump: the next is due within the hour, so the interval holds a jump of 30.
    const due = fitModel(x.subarray(0, 2180), { ...spec, breaks: 'auto' }).forecast(60, 0.95);
    expect(half(due, 5)).toBeLessThan(10);
    expect(half(due, 40)).toBeGreaterThan(30);
  });
});

describe('tailShifts', () => {
  it('takes out only the breaks of a tail that holds more than its share of the window’s', () => {
    expect(tailShifts(undefined, 1600, 400, 2000)).toBeUndefined();
    // None in the tail, and one of five in a fifth of the window: its share.
    expect(tailShifts({ at: [300], jumps: [30] }, 1600, 400, 2000)).toBeUndefined();
    expect(
      tailShifts({ at: [200, 600, 1000, 1400, 1800], jumps: [30, -30, 30, -30, 30] }, 1600, 400, 2000),
    ).toBeUndefined();
    // The window's one break, in the tail: five times its share.
    const one = tailShifts({ at: [300, 1700], jumps: [-10, 30] }, 1600, 400, 2000)!;
    expect(one.level[99]).toBe(0);
    expect(one.level[100]).toBe(30);
    expect(one.level[399]).toBe(30);
    expect([...one.spans.keys()].filter((k) => one.spans[k] === 1)).toEqual([99, 100, 101]);
  });
});

describe('the one-step band of a window whose one level shift is in its held-out tail', () => {
  const spec = { stepSeconds: 60, model: 'auto' as const, confidence: 0.95, breaks: 'auto' as const };
  /** 100 with noise of sd 2, a jump of 30 at `at`, `n` points. */
  function shifted(n: number, at: number, seed: number): Float64Array {
    const r = rng(seed);
    return Float64Array.from({ length: n }, (_, t) => (t >= at ? 130 : 100) + 2 * r.normal());
  }

  it('is as narrow as the noise: the jump is not read as what every hour holds', () => {
    for (const seed of [1, 2, 3]) {
      // The tail is the last 400 of 2,000 points; the jump 250 points before the end.
      const x = shifted(2060, 1750, seed);
      const withRule = fitModel(x.subarray(0, 2000), spec);
      const without = fitModel(x.subarray(0, 2000), { ...spec, breaks: 'none' });
      expect(withRule.name).toBe(without.name);
      expect(withRule.sigma).toBeLessThan(3);
      expect(without.sigma).toBeGreaterThan(withRule.sigma);
      const band = bandOver(withRule, Array.from(x.subarray(2000)), 0.95);
      const inside = band.lower.filter((lo, i) => x[2000 + i]! >= lo && x[2000 + i]! <= band.upper[i]!).length;
      expect(inside / 60).toBeGreaterThan(0.85);
    }
  });

  it('still holds the next hour when the model has not taken up a late jump’s level by the end', () => {
    for (const seed of [4, 5]) {
      // 12 points before the window's end: a slowly adapting model still lags most of the jump.
      const x = shifted(2060, 1988, seed);
      const model = fitModel(x.subarray(0, 2000), spec);
      const band = bandOver(model, Array.from(x.subarray(2000)), 0.95);
      const inside = band.lower.filter((lo, i) => x[2000 + i]! >= lo && x[2000 + i]! <= band.upper[i]!).length;
      expect(inside / 60).toBeGreaterThan(0.85);
    }
  });
});
