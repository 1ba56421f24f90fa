import { rng } from './__fixtures__/simulate.js';
import { bandOver } from './bands.js';
import { normalQuantile } from './calibration.js';
import { breakChance } from './break-schedule.js';
import {
  rateWidening,
  recogniseCounter,
  resetInterval,
  scheduleInterval,
  undoReset,
  type CounterState,
} from './counter.js';
import { fitModel } from './fit.js';
import { restoreModel } from './model.js';
import type { FitSpec } from './types.js';

const SPEC: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95, transform: 'auto' };

/** A raw counter climbing about `rate` a step (noise sd 7 at 50), restarting from zero every `every` steps at `phase`. */
function counter(n: number, seed: number, { rate = 50, every = 700, phase = 350, start = 1e6 } = {}): number[] {
  const r = rng(seed);
  let c = start;
  return Array.from({ length: n }, (_, t) => {
    if (t > 0 && t % every === phase) c = 0;
    c += Math.max(0, Math.round(rate + Math.sqrt(rate) * r.normal()));
    return c;
  });
}

const recognised = (values: number[]): boolean => recogniseCounter(Float64Array.from(values)).counter;

describe('recogniseCounter', () => {
  it('recognises a counter that restarts from zero, and undoes its resets as Prometheus does', () => {
    const y = counter(2000, 1);
    const recognition = recogniseCounter(Float64Array.from(y));
    if (!recognition.counter) throw new Error(recognition.reason);
    const { unreset, increments, resets, state } = recognition.reading;
    expect(resets).toBe(3);
    // The value after a reset counts whole (increase() over a reset), so the undone counter never falls.
    expect(increments[350]).toBe(y[350]);
    for (let t = 1; t < y.length; t++) expect(unreset[t]! - unreset[t - 1]!).toBe(increments[t]);
    expect(state.last).toBe(y[y.length - 1]);
    expect(state.offset).toBe(unreset[y.length - 1]! - y[y.length - 1]!);
    expect(state.resetRate).toBeCloseTo(3 / 1999, 10);
  });

  it('recognises one with gaps, its increments across a gap unknown', () => {
    const y: Array<number | null> = counter(1000, 2);
    y[500] = null;
    const recognition = recogniseCounter(Float64Array.from(y, (v) => v ?? Number.NaN));
    if (!recognition.counter) throw new Error(recognition.reason);
    expect(Number.isNaN(recognition.reading.increments[500]!)).toBe(true);
    expect(Number.isNaN(recognition.reading.increments[501]!)).toBe(true);
    expect(Number.isNaN(recognition.reading.unreset[500]!)).toBe(true);
  });

  it('takes a noisy gauge, a level stepping down, a dip, a drop to zero and back, or a sawtooth for no counter', () => {
    const r = rng(3);
    const gauge = Array.from({ length: 1000 }, () => 100 + 5 * r.normal());
    expect(recogniseCounter(Float64Array.from(gauge))).toMatchObject({ counter: false, reason: /no restart/ });
    // A quiet level that steps down to a fifth: a fall to under half, but nothing climbs around it.
    const step = Array.from({ length: 1000 }, (_, t) => (t < 500 ? 100 : 20));
    expect(recogniseCounter(Float64Array.from(step))).toMatchObject({ counter: false });
    // A climb with one dip to 80% of its level.
    const dip = counter(1000, 4, { every: 10_000, phase: 9999 });
    dip[600] = 0.8 * dip[600]!;
    expect(recogniseCounter(Float64Array.from(dip))).toMatchObject({ counter: false, reason: /no restart/ });
    // A scrape that read zero: a restart, then an increment of the whole level.
    const zero = counter(1000, 5, { every: 10_000, phase: 9999 });
    zero[600] = 0;
    expect(recogniseCounter(Float64Array.from(zero))).toMatchObject({ counter: false, reason: /95% quantile/ });
    // A queue that fills and drains every 20 steps drops too often for a counter.
    expect(recogniseCounter(Float64Array.from(counter(1000, 6, { every: 20, phase: 10 })))).toMatchObject({
      counter: false,
      reason: /resets in/,
    });
  });

  it('takes negative values, a climb of fractions that never restarted, a short window and a rarely rising series for no counter', () => {
    expect(recogniseCounter(Float64Array.from(counter(1000, 7).map((v) => v - 2e6)))).toMatchObject({
      reason: 'negative values',
    });
    // CPU seconds, or a gauge that happens to grow in the window: nothing says it would restart.
    const fractions = counter(1000, 7, { every: 10_000, phase: 9999 }).map((v) => v / 3);
    expect(recogniseCounter(Float64Array.from(fractions))).toMatchObject({ reason: 'no reset, and not whole numbers' });
    expect(recognised(counter(30, 7, { every: 20, phase: 10 }))).toBe(false);
    // Rises at 2% of its steps: what climbs is not traffic.
    const rare = Array.from({ length: 1000 }, (_, t) => Math.floor((t % 500) / 50));
    expect(recogniseCounter(Float64Array.from(rare))).toMatchObject({ reason: /5% of its steps/ });
  });

  it('recognises a count that never fell in its window (no restart yet), with nothing to undo', () => {
    const y = counter(1000, 7, { every: 10_000, phase: 9999 });
    const recognition = recogniseCounter(Float64Array.from(y));
    if (!recognition.counter) throw new Error(recognition.reason);
    expect(recognition.reading.resets).toBe(0);
    expect(recognition.reading.state).toEqual({ offset: 0, last: y[y.length - 1], resetRate: 0 });
    expect(Array.from(recognition.reading.unreset)).toEqual(y);
  });
});

describe('rateWidening', () => {
  it("is the random walk with drift's sqrt(1 + h / N), and no widening without a rate to be wrong", () => {
    expect(rateWidening(60, 500)).toBeCloseTo(Math.sqrt(1.12), 12);
    expect(rateWidening(500, 500)).toBeCloseTo(Math.SQRT2, 12);
    expect(rateWidening(1, 1e9)).toBeCloseTo(1, 8);
    expect(rateWidening(60, undefined)).toBe(1);
    expect(rateWidening(60, 0)).toBe(1);
  });
});

describe('undoReset', () => {
  it('adds the value before each drop to everything after it and leaves gaps alone', () => {
    const state: CounterState = { offset: 0, last: Number.NaN };
    expect([10, 20, 5, null, 8, 3].map((v) => undoReset(state, v))).toEqual([10, 20, 25, Number.NaN, 28, 31]);
    expect(state).toEqual({ offset: 28, last: 3 });
  });
});

describe('resetInterval', () => {
  const z = normalQuantile(0.975);
  const mean = Array.from({ length: 60 }, (_, i) => 1000 + 50 * (i + 1));
  const half = mean.map((_, i) => z * 7 * Math.sqrt(i + 1));

  it('is the normal band when the counter never resets', () => {
    const { lower, upper } = resetInterval(mean, half, 1000, 0, 0.95);
    lower.forEach((v, i) => expect(v).toBeCloseTo(mean[i]! - half[i]!, 2));
    upper.forEach((v, i) => expect(v).toBeCloseTo(mean[i]! + half[i]!, 2));
  });

  it('reaches down to what the counter shows after a restart once one is likelier than the tail', () => {
    const rate = 1 / 700;
    const { lower, upper } = resetInterval(mean, half, 1000, rate, 0.95);
    // 1 - (1 - 1/700)^h passes 2.5% at h = 18; before that a restart takes its share of the lower tail.
    expect(lower[10]!).toBeLessThan(mean[10]! - half[10]!);
    expect(lower[10]!).toBeGreaterThan(mean[10]! - 1.25 * half[10]!);
    expect(lower[16]!).toBeGreaterThan(500);
    expect(lower[20]!).toBeLessThan(50 * 21);
    expect(lower[59]!).toBeLessThan(50 * 60);
    expect(Math.min(...lower)).toBeGreaterThanOrEqual(0);
    // A restart never shows more than the climb, so the upper edge comes in a little, never out.
    upper.forEach((v, i) => {
      expect(v).toBeLessThanOrEqual(mean[i]! + half[i]! + 1e-6);
      expect(v).toBeGreaterThan(mean[i]!);
    });
  });
});

describe('scheduleInterval', () => {
  const z = normalQuantile(0.975);
  const mean = Array.from({ length: 60 }, (_, i) => 1000 + 50 * (i + 1));
  const half = mean.map((_, i) => z * 7 * Math.sqrt(i + 1));

  it('is the normal band when no restart is coming', () => {
    const { lower, upper } = scheduleInterval(mean, half, 1000, new Float64Array(60), 0.95);
    lower.forEach((v, i) => expect(v).toBeCloseTo(mean[i]! - half[i]!, 2));
    upper.forEach((v, i) => expect(v).toBeCloseTo(mean[i]! + half[i]!, 2));
  });

  it('follows a restart the schedule has due: the lower edge falls to it, then both edges climb from it', () => {
    // Restarts every 700 steps, the last 669 steps before the window's end: the next is due at step 31. (With two
    // gaps the schedule keeps a doubt of 4% that it is none, and the upper edge would stay on the climb.)
    const chance = breakChance([200, 900, 1600, 2300], 2970, 60);
    const { lower, upper } = scheduleInterval(mean, half, 1000, chance, 0.95);
    // Well before it, the normal band; from where a restart is likelier than the tail, the lower edge reaches it.
    expect(lower[9]!).toBeLessThan(mean[9]! - half[9]! + 1e-6);
    expect(lower[9]!).toBeGreaterThan(mean[9]! - 1.05 * half[9]!);
    expect(lower[24]!).toBeLessThan(500);
    // Once it has all but surely come, the value is the climb since it: 20 steps after step 31, about 1,000.
    expect(lower[50]!).toBeLessThan(1000);
    expect(upper[50]!).toBeGreaterThan(1000);
    expect(upper[55]!).toBeLessThan(mean[55]! - 1000);
    // A restart one step ago shows one increment (50, sd 7), not only the mean climb: the lower edge is under it.
    expect(lower[30]!).toBeLessThan(50);
    expect(Math.min(...lower)).toBeGreaterThanOrEqual(0);
  });
});

/** A raw counter climbing about 50 a step (noise sd 7) that restarts from zero at the steps `restarts`. */
function restartingAt(n: number, seed: number, restarts: number[]): number[] {
  const r = rng(seed);
  let c = 1e6;
  return Array.from({ length: n }, (_, t) => {
    if (restarts.includes(t)) c = 0;
    c += Math.max(0, Math.round(50 + Math.sqrt(50) * r.normal()));
    return c;
  });
}

describe('fitModel on a counter that restarts on a schedule', () => {
  it('keeps no restart in the interval mid-gap, where a constant rate would', () => {
    // Every 400 steps; the window's last point 249 after the last restart, the next 151 steps out.
    const y = restartingAt(
      2000,
      21,
      [350, 750, 1150, 1550, 1950].map((t) => t - 200),
    );
    const fitted = fitModel(y, SPEC);
    expect(fitted.snapshot().counter?.schedule).toMatchObject({ gap: 400, age: 249 });
    const { mean, lower } = fitted.forecast(60, 0.95);
    // The constant rate (5 in 2,000) reaches a restart from step 11; the schedule keeps the climb's own band.
    expect(lower[59]!).toBeGreaterThan(mean[59]! - 400);
  });

  it('reaches down to a restart that is due inside the horizon', () => {
    // Every 400 steps, the last 369 steps before the window's end: the next due at step 31.
    const y = restartingAt(
      2000,
      22,
      [230, 630, 1030, 1430, 1830].map((t) => t - 200),
    );
    const fitted = fitModel(y, SPEC);
    expect(fitted.snapshot().counter?.schedule).toMatchObject({ gap: 400, age: 369 });
    const { mean, lower, upper } = fitted.forecast(60, 0.95);
    expect(lower[10]!).toBeGreaterThan(mean[10]! - 400);
    expect(lower[35]!).toBeLessThan(500);
    // Past it, the counter shows what it counted since: both edges far under the climb.
    expect(upper[55]!).toBeLessThan(mean[55]! - 5000);
  });

  it('reads the one gap a window holds where a restart is due, and reaches down to it before the constant rate would', () => {
    // Every 700 steps; two restarts in 2,000 points, the last 689 steps before the window's end: the next due at
    // step 11. The constant rate (2 in 2,000) reaches a restart only from step 25.
    const y = restartingAt(2060, 25, [610, 1310, 2010]);
    const fitted = fitModel(y.slice(0, 2000), SPEC);
    expect(fitted.snapshot().counter?.schedule).toMatchObject({ gap: 700, age: 689, gaps: 1 });
    const { mean, lower, upper } = fitted.forecast(60, 0.95);
    expect(lower[0]!).toBeGreaterThan(mean[0]! - 400);
    expect(lower[15]!).toBeLessThan(1000);
    // One gap's trust: the climb without a restart stays inside.
    expect(upper[59]!).toBeGreaterThan(mean[59]!);
    const held = y.slice(2000);
    const inside = held.filter((v, i) => v >= lower[i]! && v <= upper[i]!).length;
    expect(inside).toBeGreaterThanOrEqual(57);
    const constantRate = fitModel(y.slice(0, 2000), SPEC).snapshot();
    delete constantRate.counter!.schedule;
    const withoutRead = restoreModel(constantRate).forecast(60, 0.95);
    expect(withoutRead.lower[15]!).toBeGreaterThan(withoutRead.mean[15]! - 1000);
    expect(held.filter((v, i) => v >= withoutRead.lower[i]! && v <= withoutRead.upper[i]!).length).toBeLessThan(inside);
  });

  it('takes the constant rate where the gaps are irregular, or the schedule is overdue', () => {
    const irregular = fitModel(restartingAt(2000, 23, [130, 600, 1300, 1500]), SPEC);
    expect(irregular.snapshot().counter).toMatchObject({ resetRate: 4 / 1999 });
    expect(irregular.snapshot().counter?.schedule).toBeUndefined();
    // Every 400 steps until 1,230, then none: 769 steps since, past 400 + 3 x 4.
    const overdue = fitModel(restartingAt(2000, 24, [30, 430, 830, 1230]), SPEC);
    expect(overdue.snapshot().counter?.schedule).toBeUndefined();
    const { mean, lower } = overdue.forecast(60, 0.95);
    expect(lower[59]!).toBeLessThan(mean[59]! - 2000);
  });
});

describe('fitModel on a counter', () => {
  const y = counter(2060, 11);
  const train = y.slice(0, 2000);
  const model = fitModel(train, SPEC);

  it('models the counter with its resets undone and forecasts its climb from the last value', () => {
    expect(model.name).toMatch(/^counter\+arima\(\d,1,\d\)/);
    expect(model.diagnostics.transform?.reason).toMatch(/a counter: 3 resets undone/);
    const { mean, lower, upper } = model.forecast(60, 0.95);
    const last = train[train.length - 1]!;
    expect(mean[0]! - last).toBeGreaterThan(45);
    expect(mean[0]! - last).toBeLessThan(55);
    expect((mean[59]! - last) / 60).toBeGreaterThan(48);
    expect((mean[59]! - last) / 60).toBeLessThan(52);
    // The one-step band is the increments' noise (sd 7), not a reset's.
    expect(upper[0]! - lower[0]!).toBeGreaterThan(2 * 1.96 * 5);
    expect(upper[0]! - lower[0]!).toBeLessThan(2 * 1.96 * 10);
    // Restarts every 700 steps, the last 249 steps before the window's end: its schedule (break-schedule.ts) has
    // none due within the hour, so the 60-step interval is the climb's own, not reaching down to a restart.
    expect(model.snapshot().counter?.schedule).toMatchObject({ gap: 700, age: 249, gaps: 2 });
    expect(lower[59]!).toBeGreaterThan(mean[59]! - 1000);
    expect(upper[59]! - mean[59]!).toBeLessThan(200);
  });

  it('bands the points after the window through a reset, as Prometheus reads one', () => {
    // A restart 30 steps after the window.
    const restarting = y.map((v, t) => (t >= 2030 ? v - y[2029]! : v));
    const fitted = fitModel(restarting.slice(0, 2000), SPEC);
    const held = restarting.slice(2000);
    const band = bandOver(fitted, held, 0.95);
    let inside = 0;
    held.forEach((v, i) => {
      if (v >= band.lower[i]! && v <= band.upper[i]!) inside++;
    });
    // The reset itself is missed; after it the band climbs from the restarted value.
    expect(held[30]).toBeLessThan(200);
    expect(band.forecast[31]!).toBeLessThan(300);
    expect(inside).toBeGreaterThanOrEqual(54);
  });

  it('models a count that has not restarted in its window as a counter, and undoes a restart met after it', () => {
    const calm = counter(2060, 13, { every: 10_000, phase: 2030 });
    const fitted = fitModel(calm.slice(0, 2000), SPEC);
    expect(fitted.name).toMatch(/^counter\+arima/);
    expect(fitted.diagnostics.transform?.reason).toMatch(/a counter: no reset in the window/);
    // The band is the increments' noise (sd 7); the ordinary model's floor was a share of the climb's range.
    const { mean, lower, upper } = fitted.forecast(60, 0.95);
    expect(upper[0]! - lower[0]!).toBeLessThan(2 * 1.96 * 10);
    // No restart seen, none allowed for: the 60-step interval is the climb's own.
    expect(lower[59]!).toBeGreaterThan(mean[59]! - 400);
    const held = calm.slice(2000);
    const band = bandOver(fitted, held, 0.95);
    expect(held[30]).toBeLessThan(200);
    // The restart itself is missed; after it the band climbs from the restarted value.
    expect(band.forecast[31]!).toBeLessThan(300);
    const inside = held.filter((v, i) => v >= band.lower[i]! && v <= band.upper[i]!).length;
    expect(inside).toBeGreaterThanOrEqual(54);
  });

  it('keeps the counter through a snapshot, and its predictor steps over a gap', () => {
    const restored = restoreModel(model.snapshot());
    expect(restored.forecast(60, 0.95)).toEqual(model.forecast(60, 0.95));
    const a = restored.predictor();
    const b = model.predictor();
    a.observe(null);
    b.observe(null);
    expect(a.peek()).toEqual(b.peek());
    a.observe(y[2001]!);
    expect(a.peek().mean).toBeGreaterThan(y[2001]!);
    expect(a.peek().mean).toBeLessThan(y[2001]! + 100);
  });

  it("widens the no-restart interval for its rate's error, which grows with the step, and not the one-step band", () => {
    const counterSnap = model.snapshot().counter!;
    // The search's 500 points: the drift is the mean of their 499 differences.
    expect(counterSnap.rateSteps).toBe(499);
    const calmSnapshot = (rateSteps?: number) => {
      const snap = model.snapshot();
      snap.counter = { ...snap.counter!, resetRate: 0, ...(rateSteps === undefined ? {} : { rateSteps }) };
      if (rateSteps === undefined) delete snap.counter.rateSteps;
      delete snap.counter.schedule;
      return restoreModel(snap);
    };
    const widened = calmSnapshot(499).forecast(60, 0.95);
    const measured = calmSnapshot(undefined).forecast(60, 0.95);
    for (const h of [1, 10, 60]) {
      const ratio = (widened.upper[h - 1]! - widened.lower[h - 1]!) / (measured.upper[h - 1]! - measured.lower[h - 1]!);
      expect(ratio).toBeCloseTo(Math.sqrt(1 + h / 499), 10);
      expect(widened.mean[h - 1]).toBe(measured.mean[h - 1]);
    }
    const held = y.slice(2000);
    expect(bandOver(calmSnapshot(499), held, 0.95)).toEqual(bandOver(calmSnapshot(undefined), held, 0.95));
  });

  it('is not asked for by the detector (no transform), which models the values as they are', () => {
    expect(fitModel(train, { ...SPEC, transform: 'none' }).name).not.toMatch(/counter/);
  });

  it('leaves a counter too large to undo in double precision to the ordinary model', () => {
    const huge = counter(400, 12, { every: 200, phase: 100, rate: 50, start: 0 }).map((v) => v * 1e304);
    const fitted = fitModel(huge, SPEC);
    expect(fitted.name).not.toMatch(/counter/);
  });
});
