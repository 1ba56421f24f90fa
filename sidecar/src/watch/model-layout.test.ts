import { fitModel } from '../forecast/fit.js';
import { NO_DIAGNOSTICS, restoreModel } from '../forecast/model.js';
import { watchedModel } from './create.js';
import { unboxed } from './model-layout.js';

function series(n: number): number[] {
  // A daily-like cycle of 48 steps plus a little deterministic noise, so the model has seasons and an ARIMA part.
  return Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 48) + ((i * 7919) % 13) / 4);
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
