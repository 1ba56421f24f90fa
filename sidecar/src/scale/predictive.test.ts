import type { CapacityModel } from './capacity.js';
import type { ScaleSettings } from './labels.js';
import { decide, type DemandView, type PredictiveInput } from './predictive.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const STEP = 15;

/** 10 req/s per replica at 50%: each replica plans for 5 req/s. Lead 60 s = 4 steps, window 300 s = 20. */
const capacity: CapacityModel = {
  perReplica: 10,
  utilisation: 0.5,
  leadSeconds: 60,
  stabilisationSeconds: 300,
  selector: {},
};

const settings = (over: Partial<ScaleSettings> = {}): ScaleSettings => ({
  enabled: true,
  limits: { min: 1, max: 8, step: 2, cooldownSeconds: 60 },
  auto: 'on',
  attackMax: 3,
  capacity,
  ...over,
});

/** A forecast of `steps` points whose upper bound follows `upper(k)` (k = 0 is the next step). */
const demand = (over: Partial<DemandView> = {}, upper: (k: number) => number = () => 9, steps = 40): DemandView => {
  const ups = Array.from({ length: steps }, (_, k) => upper(k));
  return {
    source: 'requests{job="web"}',
    stepSeconds: STEP,
    observedAt: NOW - 5_000,
    actual: 8,
    predicted: 8,
    upper: 9,
    forecast: { upper: ups, mean: ups.map((u) => u * 0.8) },
    kind: null,
    attack: false,
    recentPeak: 8,
    previous: null,
    ...over,
  };
};

const input = (over: Partial<PredictiveInput> = {}): PredictiveInput => ({
  now: NOW,
  current: 2,
  settings: settings(),
  demand: demand(),
  lastChange: { live: null, any: null },
  staleAfterMs: 60_000,
  defaultAttackMax: 3,
  forceDryRun: false,
  ...over,
});

describe('predictive policy', () => {
  it.each([
    // name, input, expected kind, to (or hold code)
    ['holds with no capacity model', input({ settings: settings({ capacity: null }) }), 'hold', 'no_capacity'],
    ['holds when auto is off', input({ settings: settings({ auto: 'off' }) }), 'hold', 'off'],
    ['holds without a demand series', input({ demand: null }), 'hold', 'no_series'],
    ['holds on a missing sample', input({ demand: demand({ actual: null }) }), 'hold', 'missing'],
    [
      'holds on stale data, even when it would scale in',
      input({ current: 6, demand: demand({ observedAt: NOW - 120_000, actual: 1, recentPeak: 1 }, () => 1) }),
      'hold',
      'stale',
    ],
    ['holds while the model warms up', input({ demand: demand({}, () => NaN) }), 'hold', 'no_forecast'],
    ['holds when the count is right', input(), 'hold', 'steady'],
  ])('%s', (_name, given, kind, code) => {
    const decision = decide(given);
    expect(decision.kind).toBe(kind);
    expect(decision.code).toBe(code);
  });

  it('scales out ahead of a forecast peak that lies within the lead time', () => {
    // Now 8 req/s (2 replicas are right), but in 3 steps (45 s < 60 s lead) the mean reaches 15.2
    // (upper bound 19): 15.2 / 5 at 50% -> 4 replicas.
    const decision = decide(input({ demand: demand({}, (k) => (k === 2 ? 19 : 9)) }));
    expect(decision).toMatchObject({ kind: 'scale', from: 2, to: 4, code: 'out' });
    expect(decision.inputs).toMatchObject({
      forecastPeak: 19,
      forecastMean: expect.closeTo(15.2),
      demand: expect.closeTo(15.2),
      desired: 4,
    });
  });

  it('does not act on a peak beyond the lead time', () => {
    const decision = decide(input({ demand: demand({}, (k) => (k === 10 ? 40 : 9)) }));
    expect(decision.code).toBe('steady');
  });

  it('serves an organic surge above the forecast, a step at a time', () => {
    const decision = decide(input({ demand: demand({ actual: 30, kind: 'spike' }) }));
    expect(decision).toMatchObject({ kind: 'scale', from: 2, to: 4 });
    expect(decision.inputs.desired).toBe(6);
    expect(decision.notes.join()).toMatch(/surge/);
  });

  it('plans ahead of a rising surge by its rise per step over the lead time', () => {
    // 30 now, 24 a step ago: +6 per step, 4 steps of lead: 54 -> ceil(54 / 5) = 11, capped at max 8.
    const decision = decide(input({ current: 2, demand: demand({ actual: 30, previous: 24, kind: 'spike' }) }));
    expect(decision.inputs).toMatchObject({ demand: 54, desired: 11 });
    expect(decision).toMatchObject({ kind: 'scale', to: 4 });
    expect(decision.notes.join()).toMatch(/rising 6/);
  });

  it('never counts flood traffic as demand during an attack', () => {
    const decision = decide(input({ demand: demand({ actual: 500, kind: 'attack_suspected', attack: true }) }));
    expect(decision.code).toBe('steady');
    expect(decision.inputs.demand).toBeCloseTo(7.2);
  });

  it('caps scale-out at the attack cap while the forecast itself needs more', () => {
    const decision = decide(input({ demand: demand({ actual: 500, attack: true }, () => 40) }));
    expect(decision).toMatchObject({ kind: 'scale', from: 2, to: 3 });
    const atCap = decide(input({ current: 3, demand: demand({ actual: 500, attack: true }, () => 40) }));
    expect(atCap).toMatchObject({ kind: 'hold', code: 'attack_cap' });
  });

  it('never scales in during an attack', () => {
    const decision = decide(
      input({ current: 6, demand: demand({ actual: 500, attack: true, recentPeak: 1 }, () => 1) }),
    );
    expect(decision).toMatchObject({ kind: 'hold', code: 'attack' });
  });

  it('scales in after a surge once the window ahead and behind stay low', () => {
    const decision = decide(
      input({
        current: 6,
        demand: demand({ actual: 4, recentPeak: 6 }, () => 7),
        lastChange: { live: NOW - 600_000, any: NOW - 600_000 },
      }),
    );
    // 7 req/s / (10 x 0.5 x 0.9) = 1.56 -> 2 replicas; step 2: 6 -> 4.
    expect(decision).toMatchObject({ kind: 'scale', from: 6, to: 4, code: 'in' });
  });

  it('waits for the stabilisation window after a change before scaling in', () => {
    const decision = decide(
      input({
        current: 6,
        demand: demand({ actual: 4, recentPeak: 6 }, () => 7),
        lastChange: { live: NOW - 120_000, any: NOW - 120_000 },
      }),
    );
    expect(decision).toMatchObject({ kind: 'hold', code: 'stabilising' });
  });

  it('does not scale in when the forecast over the window rises again', () => {
    // Lead time is flat, but within the 300 s window the mean climbs back to 28 (upper bound 35).
    const decision = decide(
      input({ current: 6, demand: demand({ actual: 4, recentPeak: 6 }, (k) => (k > 10 ? 35 : 7)) }),
    );
    expect(decision).toMatchObject({ kind: 'hold', code: 'hysteresis' });
  });

  it('does not scale in on an incompletely observed window (an outage just ended)', () => {
    const decision = decide(input({ current: 6, demand: demand({ actual: 4, recentPeak: null }, () => 7) }));
    expect(decision).toMatchObject({ kind: 'hold', code: 'window_incomplete' });
  });

  it('keeps a count that serves the expected demand within the tolerance of the target', () => {
    // 10.8 expected wants 3 replicas at 50% (5 each), but 2 serve it at 54%: within 10% of 50%.
    const decision = decide(input({ current: 2, demand: demand({}, () => 13.5) }));
    expect(decision).toMatchObject({ kind: 'hold', code: 'tolerance' });
    expect(decision.inputs.desired).toBe(3);
  });

  it('scales out within the tolerance when the upper bound would not fit full capacity', () => {
    // The same 10.8 expected, but an upper bound of 21 overloads 2 replicas of 10: 3.
    const wide = demand();
    wide.forecast = { mean: Array(40).fill(10.8), upper: Array(40).fill(21) };
    expect(decide(input({ current: 2, demand: wide }))).toMatchObject({ kind: 'scale', from: 2, to: 3 });
  });

  it('plans the expected demand at the target utilisation and the upper bound at full capacity', () => {
    // A band widened by a recent surge (upper 30, mean 8) needs 3 replicas of 10, not 6 at 50%.
    const wide = demand();
    wide.forecast = { mean: Array(40).fill(8), upper: Array(40).fill(30) };
    const decision = decide(input({ current: 1, demand: wide }));
    expect(decision).toMatchObject({ kind: 'scale', from: 1, to: 3 });
    expect(decision.inputs).toMatchObject({ demand: 8, forecastPeak: 30, desired: 3 });
  });

  it('does not extrapolate a lone point above the band that opened no excursion', () => {
    // 30 now, 24 a step ago, but no excursion is open: served as it is (6 replicas), not as 54 (11).
    const decision = decide(input({ current: 2, demand: demand({ actual: 30, previous: 24, kind: null }) }));
    expect(decision.inputs).toMatchObject({ demand: 30, desired: 6 });
    expect(decision.notes.join()).not.toMatch(/rising/);
  });

  it('scales in only below the tolerance of the target utilisation', () => {
    const wide = settings({ limits: { min: 1, max: 20, step: 2, cooldownSeconds: 60 } });
    const settled = { live: NOW - 600_000, any: NOW - 600_000 };
    // 12 replicas plan 60 at 50%; 55 over the window needs 11, but is within 10% of 60: hold.
    const close = decide(
      input({
        current: 12,
        settings: wide,
        lastChange: settled,
        demand: demand({ actual: 50, recentPeak: 55 }, () => 55 / 0.8),
      }),
    );
    expect(close).toMatchObject({ kind: 'hold', code: 'hysteresis' });
    // 50 is not: 10 replicas, two at a time.
    const below = decide(
      input({
        current: 12,
        settings: wide,
        lastChange: settled,
        demand: demand({ actual: 45, recentPeak: 50 }, () => 50 / 0.8),
      }),
    );
    expect(below).toMatchObject({ kind: 'scale', code: 'in', from: 12, to: 10 });
  });

  it('stays within max and min', () => {
    const high = decide(input({ current: 8, demand: demand({ actual: 200 }, () => 200) }));
    expect(high).toMatchObject({ kind: 'hold', code: 'at_max' });
    const low = decide(input({ current: 1, demand: demand({ actual: 0, recentPeak: 0 }, () => 0) }));
    expect(low).toMatchObject({ kind: 'hold', code: 'steady' });
    const clamped = decide(input({ current: 7, demand: demand({ actual: 200 }, () => 200) }));
    expect(clamped).toMatchObject({ kind: 'scale', to: 8 });
    expect(clamped.notes.join()).toMatch(/max 8/);
  });

  it('respects the cooldown for scale-out, and shadow runs count dry-run changes', () => {
    const recent = { live: null, any: NOW - 10_000 };
    const peak = demand({}, () => 19);
    expect(decide(input({ demand: peak, lastChange: recent })).kind).toBe('scale');
    const shadow = decide(input({ demand: peak, lastChange: recent, forceDryRun: true }));
    expect(shadow).toMatchObject({ kind: 'hold', code: 'cooldown', dryRun: true });
  });

  it('explains itself: forecast, capacity, desire, bounds and anomaly state', () => {
    const decision = decide(input({ demand: demand({ kind: 'spike' }, () => 19) }));
    expect(decision.inputs).toEqual({
      source: 'requests{job="web"}',
      actual: 8,
      forecastPeak: 19,
      forecastPeakWindow: 19,
      forecastMean: expect.closeTo(15.2),
      recentPeak: 8,
      forecastBias: null,
      demand: expect.closeTo(15.2),
      capacity: { perReplica: 10, utilisation: 0.5, leadSeconds: 60, stabilisationSeconds: 300 },
      desired: 4,
      bounds: { min: 1, max: 8, step: 2, cooldownSeconds: 60, attackCap: 3 },
      anomaly: { kind: 'spike', attack: false },
    });
  });

  it('plans a forecast that has run high at the level the traffic is at, shape kept', () => {
    const wide = settings({ limits: { min: 1, max: 20, step: 10, cooldownSeconds: 60 } });
    const settled = { live: NOW - 600_000, any: NOW - 600_000 };
    // The model expects 36 (upper 45) but the traffic has been about 30 for the last ten steps: 8
    // replicas at face value (36 at 5 per replica), 7 at the traffic's level (31 seen over the window).
    const runningHigh = { bias: -10, sigma: 1, samples: 10 };
    const atFace = decide(
      input({
        current: 8,
        settings: wide,
        lastChange: settled,
        demand: demand({ actual: 30, recentPeak: 31 }, () => 45),
      }),
    );
    expect(atFace).toMatchObject({ kind: 'hold', code: 'steady' });
    const corrected = decide(
      input({
        current: 8,
        settings: wide,
        lastChange: settled,
        demand: demand({ actual: 30, recentPeak: 31, forecastBias: runningHigh }, () => 45),
      }),
    );
    expect(corrected).toMatchObject({ kind: 'scale', code: 'in', from: 8, to: 7 });
    expect(corrected.inputs).toMatchObject({ forecastBias: -10, forecastPeak: 35 });
    expect(corrected.notes.join()).toMatch(/ran above the last 10 values/);
    // A peak ahead is still a peak ahead: the bias moves the level, not the shape.
    const ahead = decide(
      input({ current: 2, demand: demand({ actual: 8, forecastBias: runningHigh }, (k) => (k >= 2 ? 45 : 15)) }),
    );
    expect(ahead).toMatchObject({ kind: 'scale', code: 'out' });
    expect(ahead.inputs.forecastPeak).toBe(35);
  });

  it('holds when a capacity to learn has not been learned, and says why', () => {
    const unlearned = settings({
      capacity: { ...capacity, perReplica: 0, origin: 'not learned from the last 1d: only 3 healthy steps' },
    });
    const decision = decide(input({ settings: unlearned, demand: demand({}, () => 90) }));
    expect(decision).toMatchObject({ kind: 'hold', code: 'no_capacity' });
    expect(decision.reason).toMatch(/capacity not learned from the last 1d: only 3 healthy steps: holding/);
  });

  it('says where a learned capacity came from', () => {
    const learned = settings({ capacity: { ...capacity, origin: 'learned from the last 1d to ...' } });
    const decision = decide(input({ settings: learned }));
    expect(decision.inputs.capacity).toMatchObject({ perReplica: 10, origin: 'learned from the last 1d to ...' });
  });
});
