import { rng } from './__fixtures__/simulate.js';
import { fitModel } from './fit.js';
import { FLOOR_SHARE, findFloor, flooredConfidence } from './floor.js';
import type { FitSpec } from './types.js';

const SPEC: FitSpec = { stepSeconds: 300, model: 'auto', confidence: 0.95, floor: 'auto' };
const HORIZON = 60;

/** An idle series: 0 or about a third (a task that runs now and then), with a burst of 2-10 one point in 30. */
function idle(n: number, seed: number, level = 0): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => {
    const burst = r.uniform() < 1 / 30 ? 2 + 8 * r.uniform() : 0;
    return level + (r.uniform() < 0.4 ? 0.33 : 0) + burst;
  });
}

describe('floor: a minimum the window sits on', () => {
  it('is the minimum where at least FLOOR_SHARE of the observed values equal it, gaps aside', () => {
    const values = Float64Array.from({ length: 200 }, (_, i) => (i % 20 === 0 ? 3 : 5 + (i % 7)));
    // 10 of 200 at the minimum: 5%.
    expect(findFloor(values)).toBe(3);
    values.fill(Number.NaN, 100, 200);
    // 5 of the 100 observed.
    expect(findFloor(values)).toBe(3);
  });

  it('is none where the minimum is touched by fewer, or nothing is observed', () => {
    const count = 1000;
    const few = Math.ceil(FLOOR_SHARE * count) - 1;
    const values = Float64Array.from({ length: count }, (_, i) => (i < few ? 0 : 1 + (i % 10)));
    expect(findFloor(values)).toBeUndefined();
    values[few] = 0;
    expect(findFloor(values)).toBe(0);
    expect(findFloor(new Float64Array([Number.NaN, Number.NaN]))).toBeUndefined();
  });

  it('puts the whole budget of misses above: a 95% interval from the floor to the central 90% upper edge', () => {
    expect(flooredConfidence(0.95)).toBeCloseTo(0.9, 12);
    expect(flooredConfidence(0.99)).toBeCloseTo(0.98, 12);
    // No central interval has the whole budget above at or under 50%: the interval stays as it is.
    expect(flooredConfidence(0.5)).toBeUndefined();
  });
});

describe('floor: the multi-step interval of a series that sits on one', () => {
  const values = idle(3000, 7);
  const floored = fitModel(values, SPEC);
  const plain = fitModel(values, { ...SPEC, floor: 'none' });

  it('is found and kept with the model, only where asked for', () => {
    expect(floored.snapshot().floor).toBe(0);
    expect(floored.diagnostics.floor).toBe(0);
    expect(plain.snapshot().floor).toBeUndefined();
    // The detector's spec leaves the option out: no floor.
    expect(fitModel(values, { stepSeconds: 300, model: 'auto', confidence: 0.95 }).snapshot().floor).toBeUndefined();
    // The model and its forecasts are the same; only the interval moves.
    expect(floored.name).toBe(plain.name);
  });

  it('runs from the floor to the upper edge of the central interval at 2 x confidence - 1 where it reaches the floor', () => {
    const central = plain.forecast(HORIZON, 0.95);
    const narrower = plain.forecast(HORIZON, 0.9);
    const interval = floored.forecast(HORIZON, 0.95);
    expect(interval.mean).toEqual(central.mean);
    let reached = 0;
    for (let i = 0; i < HORIZON; i++) {
      if (central.lower[i]! <= 0) {
        reached++;
        expect(interval.lower[i]).toBe(0);
        expect(interval.upper[i]).toBeCloseTo(narrower.upper[i]!, 9);
        expect(interval.upper[i]!).toBeLessThan(central.upper[i]!);
      } else {
        expect(interval.lower[i]).toBe(central.lower[i]);
        expect(interval.upper[i]).toBe(central.upper[i]);
      }
    }
    // The bursts' spread puts the lower edge under 0 at every step of this one.
    expect(reached).toBe(HORIZON);
  });

  it('is left as it is where the lower edge stays above the floor', () => {
    // The same bursts at a level of 50, after a first stretch at 0: the floor is there, the interval never reaches it.
    const raised = idle(3000, 8, 50);
    raised.fill(0, 0, 300);
    const model = fitModel(raised, SPEC);
    expect(model.snapshot().floor).toBe(0);
    expect(model.forecast(HORIZON, 0.95)).toEqual(fitModel(raised, { ...SPEC, floor: 'none' }).forecast(HORIZON, 0.95));
  });

  it('is not looked for in a counter, whose restarts to zero have their own mixture', () => {
    // Requests counted since start, none in the first tenth of the window: 0 for 150 values, over FLOOR_SHARE.
    const r = rng(9);
    let total = 0;
    const counter = Array.from({ length: 1500 }, (_, i) => {
      if (i >= 150) total += 5 + Math.round(2 * r.uniform());
      return total;
    });
    const model = fitModel(counter, { ...SPEC, transform: 'auto' });
    expect(model.name.startsWith('counter+')).toBe(true);
    expect(findFloor(Float64Array.from(counter))).toBe(0);
    expect(model.snapshot().floor).toBeUndefined();
  });
});
