import { setFlagsFromString } from 'node:v8';
import { fitModel } from '../forecast/fit.js';
import { NO_DIAGNOSTICS, restoreModel, type ComposedModel, type ModelSnapshot } from '../forecast/model.js';
import type { FitSpec } from '../forecast/types.js';
import { seededNoise } from '../seeded-random.js';
import { leanSnapshot, watchedModel } from './create.js';
import { unboxed } from './model-layout.js';

function series(n: number): number[] {
  // A daily-like cycle of 48 steps plus a little deterministic noise, so the model has seasons and an ARIMA part.
  return Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 48) + ((i * 7919) % 13) / 4);
}

/**
 * A raw counter climbing about 50 a step that restarts from zero every `every` steps (the last restart `age` steps
 * before the window's end): the bands API's options model it with its resets undone (forecast/counter.ts).
 */
function counter(n: number, every: number, age: number): number[] {
  const next = seededNoise(7);
  let c = 5e6;
  return Array.from({ length: n }, (_, t) => {
    if ((n - 1 - t - age) % every === 0) c = 0;
    return (c += Math.max(0, Math.round(50 + 7 * next())));
  });
}

/** A level that steps by 40 (20 sigmas) every 300 steps: breaks 'auto' finds them (forecast/breaks.ts). */
function steps(n: number): number[] {
  const next = seededNoise(11);
  return Array.from({ length: n }, (_, t) => 100 + 40 * Math.floor(t / 300) + 2 * next());
}

/** As the worker sends a fit: a structured clone of its snapshot. */
function sent(spec: FitSpec, values: number[]): ModelSnapshot {
  return structuredClone(fitModel(values, spec).snapshot());
}

/** Forecasts and one-step predictions through `ahead` of `a` and `b` are the same numbers. */
function expectSameAnswers(a: ComposedModel, b: ComposedModel, ahead: number[]): void {
  expect(a.forecast(60, 0.95)).toEqual(b.forecast(60, 0.95));
  const pa = a.predictor(0.95);
  const pb = b.predictor(0.95);
  for (const v of ahead) {
    expect(pa.peek()).toEqual(pb.peek());
    pa.observe(v);
    pb.observe(v);
  }
}

/** V8's own answer to whether two objects share a hidden class (map). */
function sameHiddenClass(a: object, b: object): boolean {
  setFlagsFromString('--allow-natives-syntax');
  // Built at run time: natives syntax parses only in code compiled after the flag is set.
  return (new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean)(a, b);
}

describe('unboxed', () => {
  it('copies plain data deeply, equal to what it was given, sharing no array or object with it', () => {
    const given = { a: [1.5, 2, -0.25], b: { c: [[1, 2.5], []], d: 'x', e: null, f: 3 }, g: [{ h: [0.5] }] };
    const copy = unboxed(structuredClone(given));
    expect(copy).toEqual(given);
    expect(copy.a).not.toBe(given.a);
    expect(copy.b.c[0]).not.toBe(given.b.c[0]);
  });

  it('keeps what is not plain data as it is', () => {
    const typed = new Float64Array([1, 2]);
    const value = { typed, when: new Date(0) };
    const copy = unboxed(value);
    expect(copy.typed).toBe(typed);
    expect(copy.when).toBe(value.when);
  });
});

describe('watchedModel', () => {
  it('forecasts and predicts exactly as the model it was restored from, without its diagnostics', () => {
    const fitted = fitModel(series(480), { stepSeconds: 60, model: 'auto', confidence: 0.99 });
    // As the worker sends it: a structured clone.
    const sent = structuredClone(fitted.snapshot());
    const watched = watchedModel(sent);
    const reference = restoreModel(structuredClone(fitted.snapshot()));
    expect(watched.name).toBe(reference.name);
    // Every part of the snapshot but its diagnostics is kept (a field added to snapshots must be carried here too).
    expect({ ...watched.snapshot(), diagnostics: null }).toEqual({ ...fitted.snapshot(), diagnostics: null });
    expect(watched.diagnostics).toEqual(NO_DIAGNOSTICS);
    expect(watched.forecast(60, 0.99)).toEqual(reference.forecast(60, 0.99));
    const a = watched.predictor(0.99);
    const b = reference.predictor(0.99);
    for (const v of series(540).slice(480)) {
      expect(a.peek()).toEqual(b.peek());
      a.observe(v);
      b.observe(v);
    }
    // The watched model reads its own copy: changing what was sent changes nothing.
    sent.center += 1000;
    expect(watched.forecast(5, 0.99)).toEqual(reference.forecast(5, 0.99));
  });
});

describe('watchedModel of a counter or of level shifts', () => {
  const SEARCHED: FitSpec = { stepSeconds: 60, model: 'auto', confidence: 0.95, transform: 'auto' };

  it("keeps a counter's undo: forecasts and predicts as the full snapshot does, through a restart", () => {
    // Restarts every 400 steps, the last 369 before the end: one due 31 steps out (the schedule path, counter.ts).
    const values = counter(2400, 400, 369);
    const snapshot = sent(SEARCHED, values.slice(0, 2000));
    expect(snapshot.counter?.offset).toBeGreaterThan(0);
    expect(snapshot.counter?.schedule).toBeDefined();
    const watched = watchedModel(structuredClone(snapshot));
    expect(watched.snapshot().counter).toEqual(snapshot.counter);
    // The points after the window hold a restart (at step 31): the predictor undoes it as the full model's does.
    expectSameAnswers(watched, restoreModel(structuredClone(snapshot)), values.slice(2000, 2060));
    // Without its counter the same snapshot forecasts off by the resets' offset: what the test would catch.
    const dropped = restoreModel({ ...structuredClone(snapshot), counter: undefined });
    expect(dropped.forecast(1, 0.95).mean[0]! - watched.forecast(1, 0.95).mean[0]!).toBeCloseTo(
      snapshot.counter!.offset,
      -1,
    );
  });

  it("keeps the window's level shifts: the multi-step band the outlook reads is the full snapshot's", () => {
    const values = steps(1500);
    const snapshot = sent({ ...SEARCHED, transform: undefined, breaks: 'auto' }, values.slice(0, 1400));
    expect(snapshot.breaks?.at.length).toBeGreaterThan(0);
    const watched = watchedModel(structuredClone(snapshot));
    expect(watched.snapshot().breaks).toEqual(snapshot.breaks);
    expectSameAnswers(watched, restoreModel(structuredClone(snapshot)), values.slice(1400));
  });

  it('gives every snapshot without them one hidden class, and only those with them another', () => {
    const plain = [
      sent({ stepSeconds: 60, model: 'auto', confidence: 0.99 }, series(480)),
      // A naive fallback measures no spread: the field is there, undefined.
      sent({ stepSeconds: 60, model: 'auto', confidence: 0.99 }, series(480).slice(0, 3)),
    ].map(leanSnapshot);
    expect(plain[1]!.spread).toBeUndefined();
    expect(plain[0]!.spread).toBeDefined();
    expect(sameHiddenClass(plain[0]!, plain[1]!)).toBe(true);
    expect('counter' in plain[0]! || 'breaks' in plain[0]!).toBe(false);
    const withCounter = leanSnapshot(sent(SEARCHED, counter(2000, 400, 369)));
    expect(withCounter.counter).toBeDefined();
    expect(sameHiddenClass(plain[0]!, withCounter)).toBe(false);
  });
});
