import { reference } from './__fixtures__/reference.js';
import { arma, coverage, rng, traffic } from './__fixtures__/simulate.js';
import type { ArimaParams } from './arima-filter.js';
import { bandOver } from './bands.js';
import { ForecastError } from './errors.js';
import { fit, fitModel, persistentShare, STATIONARY_PERSISTENT_SHARE, STATIONARY_SEASONAL_WINDOW } from './fit.js';
import { restoreModel } from './model.js';
import { mstl } from './mstl.js';
import type { FitSpec } from './types.js';

const minute: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95 };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The kept ARIMA's coefficients (the test fails where another model served). */
function arimaParams(model: ReturnType<typeof fitModel>): ArimaParams {
  const { remainder } = model.snapshot();
  if (remainder.kind !== 'arima') throw new Error(`expected an ARIMA remainder, got ${remainder.kind}`);
  return remainder.filter.params;
}

/** The shape suite's 4-hour cycle: a fixed sine of period 240 under AR(1) noise, 12 cycles at a 1-minute step. */
const CYCLE = 240;
const cycleTruth = (t: number): number => 20 * Math.sin((2 * Math.PI * t) / CYCLE);
function cycleUnderAr1(seed: number): number[] {
  const r = rng(seed);
  let a = 0;
  return Array.from({ length: 12 * CYCLE }, (_, t) => {
    a = 0.6 * a + 2 * r.normal();
    return 100 + cycleTruth(t) + a;
  });
}

/** RMS distance of a carried cycle from the sine over the last cycle of a series `n` long. */
function lastCycleError(cycle: ArrayLike<number>, n: number): number {
  let ss = 0;
  for (let k = 0; k < CYCLE; k++) ss += (cycle[k]! - cycleTruth(n - CYCLE + k)) ** 2;
  return Math.sqrt(ss / CYCLE);
}

function meanAbs(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
}

describe('fit: MSTL + ARIMA like stlf(method = "arima")', () => {
  it("agrees with R's stlf point forecasts on a daily-seasonal hourly series", () => {
    const { values, future, stepSeconds, forecast } = reference.stlf;
    const model = fit(values, { stepSeconds, model: 'auto', confidence: 0.95 });
    expect(model.name).toMatch(/^mstl\[24\]\+arima\(\d,1,\d\)(\+drift)?$/);
    const ours = model.forecast(24, 0.95);
    // Different order searches (R chose ARIMA(3,1,1) with drift), same decomposition: the day-ahead
    // paths differ by less than a third of the one-step scale and both track what happened.
    expect(meanAbs(ours.mean, forecast)).toBeLessThan(model.sigma / 3);
    expect(meanAbs(ours.mean, future)).toBeLessThan(1.1 * meanAbs(forecast, future));
    ours.lower.forEach((l, i) => expect(l).toBeLessThan(ours.upper[i]!));
  });

  it('says which model served and why periods were kept or dropped', () => {
    const model = fitModel(traffic(288 * 7, 3, { day: 288 }), { ...minute, stepSeconds: 300 });
    expect(model.name).toMatch(/^mstl\[288\]\+arima\(\d,\d,\d\)(\+drift)?$/);
    expect(model.family).toBe('arima');
    expect(model.diagnostics.periods).toEqual([expect.objectContaining({ period: 288, rejected: null })]);
    expect(model.diagnostics.orders.length).toBeGreaterThan(1);
    expect(model.diagnostics.calibrationPoints).toBeGreaterThanOrEqual(20);
  });

  it('carries an alternation from one step to the next over the horizon as a two-step season', () => {
    // Even and odd 5-minute points a point apart around a level, as NAB's rds CPU after its step.
    const r = rng(18);
    const y = Array.from({ length: 3060 }, (_, t) => 14.5 + 0.5 * (t % 2 === 0 ? -1 : 1) + 0.5 * r.normal());
    const fiveMinute: FitSpec = { ...minute, stepSeconds: 300 };
    // Not looked for unless asked (an ACF period of a few steps may still carry it).
    expect(fitModel(y.slice(0, 3000), fiveMinute).diagnostics.periods.map((c) => c.period)).not.toContain(2);
    const model = fitModel(y.slice(0, 3000), { ...fiveMinute, alternation: 'auto' });
    expect(model.name).toMatch(/^mstl\[2\]\+/);
    const trusted = model.diagnostics.periods.filter((c) => c.rejected === null);
    expect(trusted).toEqual([expect.objectContaining({ period: 2, source: 'alternation' })]);
    const { mean } = model.forecast(60, 0.95);
    // Every even step forecast below the odd one after it, to the end of the horizon.
    for (let h = 0; h < 60; h += 2) expect(mean[h + 1]! - mean[h]!).toBeGreaterThan(0.5);
    const future = y.slice(3000);
    const level = mean.reduce((a, b) => a + b, 0) / mean.length;
    expect(meanAbs(mean, future)).toBeLessThan(
      0.8 *
        meanAbs(
          mean.map(() => level),
          future,
        ),
    );
  });

  it("carries a stationary remainder's season averaged over more cycles, a wandering level's over R's 11", () => {
    // A fixed 4-hour sine under AR(1) noise, 12 cycles at a 1-minute step: the shape suite's 4-hour cycle.
    const period = CYCLE;
    const wider: number[] = [];
    const r11: number[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const y = cycleUnderAr1(seed);
      const model = fitModel(y, minute);
      expect(model.name).toMatch(/^mstl\[240\]\+arima\(\d,0,\d\)$/);
      const { cycles, position } = model.snapshot().seasonal;
      expect(position).toBe(0);
      const carried = cycles[0]!.map((v) => v * model.snapshot().scale);
      const last = (s: Float64Array): Float64Array => s.subarray(s.length - period);
      expect(
        maxDiff(carried, last(mstl(y, [period], { seasonalWindow: STATIONARY_SEASONAL_WINDOW }).seasonals[0]!)),
      ).toBeLessThan(1e-9);
      wider.push(lastCycleError(carried, y.length));
      r11.push(lastCycleError(last(mstl(y, [period]).seasonals[0]!), y.length));
    }
    // R's window leaves the last cycles' noise in the carried season (RMS about 0.9 against a noise of 2.5).
    // At every seed (RMS 0.70-0.82 against 0.81-0.99), and by 15% on the mean.
    wider.forEach((w, i) => expect(w).toBeLessThan(r11[i]!));
    const mean = (x: number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
    expect(mean(wider)).toBeLessThan(0.9 * mean(r11));

    // A wandering level (d = 1, a fifth of every shock kept): the season is R's, the wider window would take in
    // the level's walk.
    const y = traffic(288 * 7, 3, { day: 288, walk: 1 });
    const model = fitModel(y, { ...minute, stepSeconds: 300 });
    expect(model.name).toMatch(/^mstl\[288\]\+arima\(\d,1,\d\)(\+drift)?$/);
    expect(persistentShare(arimaParams(model))).toBeGreaterThan(STATIONARY_PERSISTENT_SHARE);
    const carried = model.snapshot().seasonal.cycles[0]!.map((v) => v * model.snapshot().scale);
    const r = mstl(y, [288]).seasonals[0]!;
    expect(maxDiff(carried, r.subarray(r.length - 288))).toBeLessThan(1e-9);
  });

  it('carries the wider season where a differenced remainder keeps little of each shock (its MA cancels the difference)', () => {
    // The 4-hour sine under AR(1) noise again, at two seeds where KPSS differences the remainder: the order search
    // fits an MA that all but undoes the difference, a level as stationary as the generator's.
    const period = CYCLE;
    for (const seed of [4007, 6007]) {
      const y = cycleUnderAr1(seed);
      const model = fitModel(y, minute);
      expect(model.name).toMatch(/^mstl\[240\]\+arima\(\d,1,\d\)$/);
      const share = persistentShare(arimaParams(model));
      expect(share).toBeGreaterThan(0);
      expect(share).toBeLessThan(STATIONARY_PERSISTENT_SHARE);
      const carried = model.snapshot().seasonal.cycles[0]!.map((v) => v * model.snapshot().scale);
      const wide = mstl(y, [period], { seasonalWindow: STATIONARY_SEASONAL_WINDOW }).seasonals[0]!;
      expect(maxDiff(carried, wide.subarray(wide.length - period))).toBeLessThan(1e-9);
      // Nearer the generator's sine than R's 11 cycles' last cycle.
      const r11 = mstl(y, [period]).seasonals[0]!;
      expect(lastCycleError(carried, y.length)).toBeLessThan(
        lastCycleError(r11.subarray(r11.length - period), y.length),
      );
    }
    // A traffic level that walks by 2% of the noise a step keeps about 5% of a shock: the wider window too.
    const y = traffic(288 * 7, 3, { day: 288 });
    const model = fitModel(y, { ...minute, stepSeconds: 300 });
    expect(model.name).toMatch(/^mstl\[288\]\+arima\(\d,1,\d\)(\+drift)?$/);
    expect(persistentShare(arimaParams(model))).toBeLessThan(STATIONARY_PERSISTENT_SHARE);
    const carried = model.snapshot().seasonal.cycles[0]!.map((v) => v * model.snapshot().scale);
    const wide = mstl(y, [288], { seasonalWindow: STATIONARY_SEASONAL_WINDOW }).seasonals[0]!;
    expect(maxDiff(carried, wide.subarray(wide.length - 288))).toBeLessThan(1e-9);
  });

  it("reads the share of a shock a differenced model's level keeps as (1 + sum theta) / (1 - sum phi)", () => {
    expect(persistentShare({ d: 0, phi: [0.6], theta: [0.3] })).toBe(0);
    expect(persistentShare({ d: 1, phi: [], theta: [] })).toBe(1);
    expect(persistentShare({ d: 1, phi: [0.4], theta: [-0.86, -0.11] })).toBeCloseTo(0.03 / 0.6, 12);
    // An MA just past the unit root (1 + sum theta < 0) keeps as little: the size counts, not the sign.
    expect(persistentShare({ d: 1, phi: [], theta: [-1.02] })).toBeCloseTo(0.02, 12);
    // An AR part at or past its unit root, or a second difference: the level keeps everything.
    expect(persistentShare({ d: 1, phi: [0.5, 0.5], theta: [-0.9] })).toBe(Number.POSITIVE_INFINITY);
    expect(persistentShare({ d: 1, phi: [1.2], theta: [] })).toBe(Number.POSITIVE_INFINITY);
    expect(persistentShare({ d: 2, phi: [], theta: [-0.99] })).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops a drift the held-out tail disagrees with: a level that steps now and then is no slope', () => {
    // A level that steps by 30 every 400 points under noise of 2, four steps down in the fit part (the first
    // 1,600 points) and one more in the held-out tail: the AICc takes a drift (the jumps spread as a slope),
    // the tail's flat stretches forecast better without. The shape suite's level steps at origin 0.
    const stairs = (seed: number): number[] => {
      const r = rng(seed);
      let level = 100;
      return Array.from({ length: 2060 }, (_, t) => {
        if (t % 400 === 200) level -= 30;
        return level + 2 * r.normal();
      });
    };
    for (const seed of [5, 6, 7]) {
      const y = stairs(seed);
      const model = fitModel(y.slice(0, 2000), minute);
      expect(model.name).toMatch(/^arima\(\d,1,\d\)$/);
      const orders = model.diagnostics.orders.map((o) => o.order);
      expect(orders.some((o) => o.endsWith('+drift'))).toBe(true);
      // Flat over the horizon: the last level, not a slope of -0.075 a step (4.5 over 60 steps).
      const { mean } = model.forecast(60, 0.95);
      expect(Math.abs(mean[59]! - mean[0]!)).toBeLessThan(0.5);
      expect(meanAbs(mean, y.slice(2000))).toBeLessThan(2);
    }
    // A level that climbs under AR noise keeps its drift: the tail confirms it.
    const r = rng(8);
    let a = 0;
    const trend = Array.from({ length: 2000 }, (_, t) => {
      a = 0.7 * a + 2 * r.normal();
      return 50 + 0.02 * t + a;
    });
    expect(fitModel(trend, minute).name).toMatch(/^arima\(\d,1,\d\)\+drift$/);
  });

  it('fits an explicit order as asked', () => {
    const model = fit(arma(600, 2), { ...minute, model: { p: 2, d: 0, q: 1 } });
    expect(model.name).toBe('arima(2,0,1)');
  });

  it('rejects a bad spec with a 400 naming the field', () => {
    expect(() => fit(arma(100, 1), { ...minute, model: { p: 9, d: 0, q: 0 } })).toThrow(RangeError);
    expect(() => fit(arma(100, 1), { ...minute, model: { p: 9, d: 0, q: 0 } })).toThrow(/^model: order p/);
    expect(() => fit(arma(100, 1), { ...minute, confidence: 1 })).toThrow(/^confidence:/);
    expect(() => fit(arma(100, 1), { ...minute, stepSeconds: 0 })).toThrow(/^step:/);
  });
});

describe('calibrated bands', () => {
  it('a nominal 95% one-step band covers 90-98% of held-out points on simulated series', () => {
    let inside = 0;
    let total = 0;
    const series = [
      ...[1, 2, 3, 4, 5, 6].map((seed) => ({ y: arma(1500, seed), step: 60 })),
      ...[7, 8, 9].map((seed) => ({ y: arma(1500, seed, { phi: 0.9, theta: -0.2 }), step: 60 })),
      ...[10, 11, 12].map((seed) => ({ y: traffic(288 * 6 + 500, seed, { day: 288 }), step: 300 })),
    ];
    for (const { y, step } of series) {
      const train = y.slice(0, y.length - 500);
      const held = y.slice(y.length - 500);
      const model = fit(train, { stepSeconds: step, model: 'auto', confidence: 0.95 });
      const band = bandOver(model, held, 0.95);
      inside += coverage(held, band.lower, band.upper) * held.length;
      total += held.length;
    }
    const rate = inside / total;
    expect(rate).toBeGreaterThan(0.9);
    expect(rate).toBeLessThan(0.98);
  });

  it('is integrated when the window held a level change, even one older than its last 4,000 points', () => {
    // A week of minute traffic trained up to Friday noon holds its weekend 2.5-4 days back, beyond the
    // stretch the differenced ARIMA is fitted on. A unit-root test on that stretch alone called the level
    // stationary, and the one-step band reverted to the weekday level all Saturday (issue 18: 0.49
    // coverage of that held-out day against 0.95-0.98 at the other weekday origins). Here: a level 6 lower
    // for 1,400 of 6,000 points, then 6 lower again after training; a stationary model covered 52% and
    // 48% of the 600 points after, at the same band width.
    let inside = 0;
    for (const seed of [21, 22]) {
      const y = arma(6600, seed).map((v, i) => v - (i >= 500 && i < 1900 ? 6 : 0) - (i >= 6000 ? 6 : 0));
      const model = fit(y.slice(0, 6000), minute);
      expect(model.name).toMatch(/^arima\(\d,1,\d\)/);
      const held = y.slice(6000);
      const band = bandOver(model, held, 0.95);
      inside += coverage(held, band.lower, band.upper) / 2;
    }
    // An over-differenced model follows a step slowly (81% and 89% here), but it follows.
    expect(inside).toBeGreaterThan(0.75);
  });

  it("is not set by a counter's reset in the fit part: the band holds about 95%, the 60-step interval too", () => {
    // A raw counter (increments 50 +- 7) from 1e7 that restarts from zero at 350 and 1,050: the two
    // resets made the in-sample RMS the floor, 4,000x the held-out errors' scale, and the band held every
    // point (issue 18, the shape suite's counter-resets@1m; its 60-step interval held 14% once the floor
    // went and the psi weights of an ARIMA without drift gave its width).
    let inside1 = 0;
    let inside60 = 0;
    for (const seed of [31, 32, 33]) {
      const r = rng(seed);
      let c = 1e7;
      const y = Array.from({ length: 2600 }, (_, t) => {
        if (t === 350 || t === 1050) c = 0;
        return (c += 50 + 7 * r.normal());
      });
      const model = fit(y.slice(0, 2000), minute);
      const held = y.slice(2000, 2600);
      const band = bandOver(model, held, 0.95);
      expect(band.sigma).toBeLessThan(200);
      inside1 += coverage(held, band.lower, band.upper) / 3;
      const ahead = model.forecast(60, 0.95);
      inside60 += coverage(held.slice(0, 60), ahead.lower, ahead.upper) / 3;
    }
    expect(inside1).toBeGreaterThan(0.9);
    expect(inside1).toBeLessThan(0.98);
    expect(inside60).toBeGreaterThan(0.85);
  });

  it('reads the one-step band off errors the coefficients never saw: the held-out tail moves the band, not the fit', () => {
    // The last 20% of the window (500 of 2,500 points) is held out. With the order fixed, no choice reads
    // it (the unit-root test, which does, is skipped), so the coefficients must not depend on it; the
    // band must, since its errors are read there (issue 18, cover19: no look-ahead into the calibration).
    // The second window's tail is another process (AR -0.6, three times the noise): a fit that saw it
    // would move its coefficients by far more than the optimiser's tolerance (the scaling, read on the
    // whole window, differs, so they agree to about 1e-5, not to the last digit).
    const calm = arma(2500, 7);
    const other = arma(500, 8, { phi: -0.6, theta: 0, sd: 3 });
    const noisy = calm.map((v, i) => (i < 2000 ? v : other[i - 2000]!));
    const order: FitSpec = { ...minute, model: { p: 1, d: 0, q: 1 } };
    const a = fitModel(calm, order).snapshot();
    const b = fitModel(noisy, order).snapshot();
    if (a.remainder.kind !== 'arima' || b.remainder.kind !== 'arima') throw new Error('expected ARIMA fits');
    const { phi: phiA, theta: thetaA } = a.remainder.filter.params;
    const { phi: phiB, theta: thetaB } = b.remainder.filter.params;
    expect(phiB[0]!).toBeCloseTo(phiA[0]!, 4);
    expect(thetaB[0]!).toBeCloseTo(thetaA[0]!, 4);
    const sigmaA = fit(calm, order).sigma;
    const sigmaB = fit(noisy, order).sigma;
    expect(sigmaB / sigmaA).toBeGreaterThan(3);
  });

  it('is calibrated for the seasons the model keeps, not the fewer cycles its held-out tail was forecast with', () => {
    // Three days at 5-minute steps: the fit part holds 2.4 days, so the season the held-out tail is forecast
    // with averaged two values a phase and the kept model's (the whole window's) three. The tail's errors
    // carried half of the noise's variance on top of the innovation's, the kept model's a third: the band
    // was 6% wider than the one-step errors it met (12 seeds: 1.063 of their RMS; noise ∝ level @1m and
    // daily + weekly @5m held 0.96 at random phase; issue 18, wide23).
    const day = 288;
    let ratio = 0;
    let asHeldOut = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const r = rng(seed);
      let a = 0;
      const y = Array.from({ length: 4 * day }, (_, t) => {
        a = 0.5 * a + r.normal();
        return 100 + 20 * Math.sin((2 * Math.PI * t) / day) + 8 * Math.cos((4 * Math.PI * t) / day) + a;
      });
      const held = y.slice(3 * day);
      const scale = (seasonNoise: 'auto' | 'none'): number => {
        const model = fit(y.slice(0, 3 * day), { ...minute, stepSeconds: 300, seasonNoise });
        expect(model.name).toMatch(/^mstl\[288\]\+/);
        const band = bandOver(model, held, 0.95);
        const rms = Math.sqrt(held.reduce((sum, v, i) => sum + (v - band.forecast[i]!) ** 2, 0) / held.length);
        return band.sigma / rms / 12;
      };
      ratio += scale('auto');
      asHeldOut += scale('none');
    }
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
    // Not asked for (the default, the detector's), the tail's errors stand as they are.
    expect(asHeldOut).toBeGreaterThan(1.05);
  });

  it('widens with the horizon', () => {
    const model = fit(traffic(1440, 4), minute);
    const { lower, upper } = model.forecast(60, 0.95);
    expect(upper[59]! - lower[59]!).toBeGreaterThan(upper[0]! - lower[0]!);
  });

  it('is re-calibrated for another confidence', () => {
    const model = fit(arma(1000, 6), minute);
    const p = model.predictor(0.8).peek();
    const q = model.predictor(0.99).peek();
    expect(p.mean).toBeCloseTo(q.mean, 10);
    const narrow = bandOver(model, arma(50, 60), 0.8);
    const wide = bandOver(model, arma(50, 60), 0.99);
    expect(wide.upper[0]! - wide.lower[0]!).toBeGreaterThan(narrow.upper[0]! - narrow.lower[0]!);
  });
});

describe('gaps', () => {
  it('never read as zero: a gap in the observed range is forecast and the state moves on', () => {
    const y = traffic(1440 + 120, 5);
    const model = fit(y.slice(0, 1440), minute);
    const observed: Array<number | null> = y.slice(1440);
    for (let i = 30; i < 40; i++) observed[i] = null;
    const band = bandOver(model, observed, 0.95);
    for (let i = 30; i < 45; i++) {
      expect(band.forecast[i]).toBeGreaterThan(100);
      expect(Math.abs(band.forecast[i]! - y[1440 + i]!)).toBeLessThan(40);
    }
    // Zeros instead of gaps drag the forecast down: the gap path must not look like that.
    const zeros = bandOver(
      model,
      observed.map((v) => v ?? 0),
      0.95,
    );
    expect(zeros.forecast[40]).toBeLessThan(band.forecast[40]! - 50);
  });

  it("widens the one-step band across a gap as the model's multi-step error does, and narrows once data returns", () => {
    const y = traffic(1440 + 40, 7);
    const model = fitModel(y.slice(0, 1440), minute);
    const predictor = model.predictor(0.95);
    const oneStep = predictor.peek().sigma;
    // The growth its psi weights give, i.e. its multi-step interval without the cap from its
    // measured h-step errors (spread.ts), which the one-step band across gaps does not take.
    const ahead = restoreModel({ ...model.snapshot(), spread: undefined }).forecast(11, 0.95);
    for (let h = 1; h <= 10; h++) {
      predictor.observe(null);
      // Same error growth as the model's own h+1-step forecast from the end of training.
      const expected = (oneStep * (ahead.upper[h]! - ahead.lower[h]!)) / (ahead.upper[0]! - ahead.lower[0]!);
      expect(predictor.peek().sigma).toBeCloseTo(expected, 6);
    }
    expect(predictor.peek().sigma).toBeGreaterThan(1.5 * oneStep);
    predictor.observe(y[1450]!);
    expect(predictor.peek().sigma).toBeCloseTo(oneStep, 9);
  });

  it('never read as zero in training either', () => {
    const y = traffic(1440, 6);
    const withGaps: Array<number | null> = [...y];
    for (let i = 700; i < 760; i++) withGaps[i] = null;
    withGaps[1439] = null;
    const model = fit(withGaps, minute);
    expect(model.name).toMatch(/arima/);
    const next = model.predictor().peek().mean;
    expect(Math.abs(next - y[1439]!)).toBeLessThan(30);
  });
});

describe('fallback chain', () => {
  it('a constant series falls through ARIMA and ETS to naive, with a finite non-zero band', () => {
    const model = fitModel(new Array(500).fill(5), minute);
    expect(model.name).toBe('naive');
    expect(model.diagnostics.fallbacks).toEqual([
      expect.stringMatching(/^arima: /),
      expect.stringMatching(/^ets: degenerate residual scale/),
    ]);
    const { mean, lower, upper } = model.forecast(3, 0.95);
    expect(mean).toEqual([5, 5, 5]);
    expect(model.sigma).toBeGreaterThan(0);
    expect(upper[0]! - lower[0]!).toBeLessThan(1e-6);
  });

  it('all gaps but a few: seasonal naive on what is there, band from its errors', () => {
    const values: Array<number | null> = new Array(1440).fill(null);
    [10, 400, 800, 1200, 1430].forEach((at, k) => (values[at] = 100 + k));
    const model = fitModel(values, minute);
    expect(model.name).toBe('naive');
    expect(model.diagnostics.fallbacks).toEqual(['only 5 observed values (ARIMA and ETS need 40)']);
    const { mean, lower, upper } = model.forecast(1, 0.95);
    expect(mean[0]).toBe(104);
    expect(lower[0]).toBeLessThan(104);
    expect(upper[0]).toBeGreaterThan(104);
  });

  it('a window that is mostly gaps is not modelled from interpolation', () => {
    const y = traffic(2000, 7).map((v, i) => (i % 3 === 0 ? v : null));
    const model = fitModel(y, minute);
    expect(model.name).toBe('naive');
    expect(model.diagnostics.fallbacks[0]).toMatch(/67% of the window is gaps/);
  });

  it('huge values are modelled at their own scale', () => {
    const y = traffic(1440, 8).map((v) => v * 1e298);
    const model = fitModel(y, minute);
    expect(model.name).toMatch(/arima/);
    const { mean, lower, upper } = model.forecast(5, 0.95);
    for (let i = 0; i < 5; i++) {
      expect(Number.isFinite(lower[i]!) && Number.isFinite(upper[i]!)).toBe(true);
      expect(mean[i]! / 1e298).toBeGreaterThan(100);
      expect(mean[i]! / 1e298).toBeLessThan(300);
    }
  });

  it('a huge spike in training is stepped over instead of wrecking the model', () => {
    const y = traffic(2000, 9);
    const clean = fitModel(y, minute);
    y[1000] = 1e15;
    const spiked = fitModel(y, minute);
    expect(spiked.diagnostics.spikes).toBeGreaterThanOrEqual(1);
    expect(spiked.sigma).toBeLessThan(2 * clean.sigma);
    expect(Math.abs(spiked.forecast(1, 0.95).mean[0]! - clean.forecast(1, 0.95).mean[0]!)).toBeLessThan(clean.sigma);
  });

  it('a spike in the last minutes of training neither moves the next forecast nor widens the band', () => {
    const y = traffic(2000, 13);
    const clean = fitModel(y, minute);
    y[1995] = 1e15;
    const spiked = fitModel(y, minute);
    expect(spiked.name).toMatch(/arima/);
    const next = spiked.predictor().peek();
    expect(Math.abs(next.mean - clean.predictor().peek().mean)).toBeLessThan(2 * clean.sigma);
    expect(next.sigma).toBeLessThan(1.5 * clean.sigma);
  });

  it('values beyond double-precision arithmetic and single points are refused with a reason', () => {
    const overflow = traffic(500, 10).map((_, i) => (i % 2 === 0 ? 1.7e308 : -1.7e308));
    expect(() => fitModel(overflow, minute)).toThrow(ForecastError);
    expect(() => fitModel(overflow, minute)).toThrow(/too large/);
    expect(() => fitModel([null, 5, null], minute)).toThrow(/at least 2 observed values/);
  });
});

describe('snapshots', () => {
  it('restore to a model that gives the same band, with nothing left in WASM', () => {
    const y = traffic(1440 + 60, 11);
    const model = fitModel(y.slice(0, 1440), minute);
    const copy = restoreModel(JSON.parse(JSON.stringify(model.snapshot())));
    expect(bandOver(copy, y.slice(1440), 0.95)).toEqual(bandOver(model, y.slice(1440), 0.95));
    model.destroy();
    expect(() => model.forecast(1, 0.95)).toThrow(/destroyed/);
    expect(copy.forecast(1, 0.95).mean).toHaveLength(1);
  });

  it('spends at most orderSearchFits fits on the order search when asked, and refuses a bound below one', () => {
    const values = Array.from({ length: 240 }, (_, i) => 100 + 10 * Math.sin(i / 5) + ((i * 7919) % 17) / 3);
    const bounded = fitModel(values, { stepSeconds: 15, model: 'auto', confidence: 0.99, orderSearchFits: 2 });
    expect(bounded.diagnostics.orders.length).toBeLessThanOrEqual(2);
    const full = fitModel(values, { stepSeconds: 15, model: 'auto', confidence: 0.99 });
    expect(full.diagnostics.orders.length).toBeGreaterThan(2);
    expect(() => fitModel(values, { stepSeconds: 15, model: 'auto', confidence: 0.99, orderSearchFits: 0 })).toThrow(
      RangeError,
    );
  });
});
