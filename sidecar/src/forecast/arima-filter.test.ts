import { ArimaFilter, BURST_SECONDS, burstSetting, type ArimaParams } from './arima-filter.js';

/** Deterministic standard-normal-ish noise (sum of uniforms from an LCG), so every run sees the same series. */
function noise(seed: number, n: number): number[] {
  let s = seed >>> 0;
  const uniform = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += uniform();
    return sum - 6;
  });
}

/** One-step forecasts made before each value is fed. */
function forecasts(filter: ArimaFilter, values: ReadonlyArray<number | null>): number[] {
  return values.map((v) => {
    const f = filter.peek();
    filter.observe(v);
    return f;
  });
}

// A differenced model with an MA root near one: an exponentially weighted mean, the model that
// carried a spike for tens of steps in the live watch test.
const EWMA: ArimaParams = { phi: [], theta: [-0.9], d: 1, mean: 0 };
// A stationary model with an MA root near -1, as fitted to an irate of independent noise (each
// sample averages two seconds of it).
const OSCILLATING: ArimaParams = { phi: [0.2], theta: [0.95], d: 0, mean: 0 };
const BURST = { limit: 4, points: 60 };

/** A series the model describes, driven by `e`: its innovations are then `e`, within the limit. */
function simulate({ phi, theta, mean }: ArimaParams, e: readonly number[]): number[] {
  const x: number[] = [];
  e.forEach((innovation, t) => {
    let v = mean + innovation;
    phi.forEach((a, i) => (v += a * ((x[t - 1 - i] ?? mean) - mean)));
    theta.forEach((b, j) => (v += b * (e[t - 1 - j] ?? 0)));
    x.push(v);
  });
  return x;
}

describe('ArimaFilter bursts', () => {
  const e = noise(7, 400);
  const spikeAt = 300;
  const base = e;
  const series = (params: ArimaParams): number[] => (params.d === 0 ? simulate(params, e) : e);

  it.each([
    ['a differenced MA model', EWMA],
    ['a stationary ARMA model with an MA root near -1', OSCILLATING],
  ])(
    'steps over a six-point spike in %s: the forecasts after it are those of a filter that never saw it',
    (_, params) => {
      const normal = series(params);
      const spiked = normal.map((v, i) => (i >= spikeAt && i < spikeAt + 6 ? v + 700 : v));
      const skipped = normal.map((v, i) => (i >= spikeAt && i < spikeAt + 6 ? null : v));
      const robust = forecasts(ArimaFilter.start({ ...params, burst: BURST }), spiked);
      const blind = forecasts(ArimaFilter.start(params), skipped);
      const plain = forecasts(ArimaFilter.start(params), spiked);
      for (let i = spikeAt + 6; i < normal.length; i++) expect(robust[i]).toBe(blind[i]);
      // Without the burst setting the same spike is still many sigmas off in the forecast ten steps later.
      const off = (i: number): number => Math.abs(plain[i]! - blind[i]!);
      expect(off(spikeAt + 6 + 10)).toBeGreaterThan(10);
    },
  );

  it('reports a stepped-over point unchanged: its innovation is the full error', () => {
    const filter = ArimaFilter.start({ ...EWMA, burst: BURST });
    for (const v of base.slice(0, 100)) filter.observe(v);
    const forecast = filter.peek();
    expect(filter.observe(forecast + 700)).toBeCloseTo(700, 9);
  });

  it('gives bit-identical forecasts to the plain filter while no innovation reaches the limit', () => {
    for (const params of [EWMA, OSCILLATING, { phi: [0.6], theta: [], d: 0, mean: 0.2 }]) {
      const normal = series(params);
      const plain = forecasts(ArimaFilter.start(params), normal);
      // A limit no point reaches, and a realistic one (4 sigma) on a series whose innovations stay under it.
      const innovations = normal.map((v, i) => Math.abs(v - plain[i]!));
      expect(Math.max(...innovations.slice(5))).toBeLessThan(BURST.limit);
      for (const limit of [1e9, BURST.limit]) {
        expect(forecasts(ArimaFilter.start({ ...params, burst: { limit, points: 60 } }), normal)).toEqual(plain);
      }
    }
  });

  it('takes a run longer than the burst for a new level: it replays the run and follows the level as the plain filter does', () => {
    const shifted = base.map((v, i) => (i >= spikeAt ? v + 50 : v));
    const burst = { limit: 4, points: 8 };
    const robustFilter = ArimaFilter.start({ ...EWMA, burst });
    const robust = forecasts(robustFilter, shifted.slice(0, spikeAt + 20));
    const plain = forecasts(ArimaFilter.start(EWMA), shifted.slice(0, spikeAt + 20));
    // The first eight points of the new level are stepped over...
    expect(Math.abs(robust[spikeAt + 8]! - plain[spikeAt + 8]!)).toBeGreaterThan(10);
    // ...the ninth replays them, and while this slow model is still beyond the limit of the new
    // level its state is the plain filter's, bit for bit.
    for (let i = spikeAt + 9; i < spikeAt + 20; i++) expect(robust[i]).toBe(plain[i]);
    expect(robustFilter.state().following).toBe(1);
  });

  it('keeps a run open across a gap and counts only observed points towards the burst', () => {
    const values: Array<number | null> = base.slice(0, 200);
    const far = [...values, 80, null, 80, null, 80];
    const filter = ArimaFilter.start({ ...EWMA, burst: { limit: 4, points: 3 } });
    forecasts(filter, far);
    expect(filter.state().outlier).toMatchObject({ side: 1, points: 3 });
    filter.observe(80);
    // The fourth observed point of the run released it: the plain filter's state.
    const plain = ArimaFilter.start(EWMA);
    forecasts(plain, [...far, 80]);
    expect(filter.state().outlier).toBeUndefined();
    expect(filter.peek()).toBe(plain.peek());
  });

  it('ends a run at an ordinary point and at a point on the other side', () => {
    const filter = ArimaFilter.start({ ...EWMA, burst: BURST });
    forecasts(filter, base.slice(0, 200));
    filter.observe(filter.peek() + 100);
    expect(filter.state().outlier?.side).toBe(1);
    filter.observe(filter.peek() - 100);
    expect(filter.state().outlier).toMatchObject({ side: -1, points: 1 });
    filter.observe(filter.peek());
    expect(filter.state().outlier).toBeUndefined();
  });

  it('restores a state saved inside a run and continues exactly as the original', () => {
    const original = ArimaFilter.start({ ...OSCILLATING, burst: { limit: 4, points: 5 } });
    const values = [...base.slice(0, 200), 90, 91, 92];
    forecasts(original, values);
    const restored = ArimaFilter.restore(structuredClone(original.state()));
    const rest = [93, 94, 95, ...base.slice(200, 260)];
    expect(forecasts(restored, rest)).toEqual(forecasts(original, rest));
  });

  it('moves a restored filter without touching the state it came from, so one state restores many filters', () => {
    const original = ArimaFilter.start({ ...OSCILLATING, burst: { limit: 4, points: 5 } });
    forecasts(original, base.slice(0, 200));
    const state = original.state();
    const frozen = structuredClone(state);
    const one = ArimaFilter.restore(state);
    const other = ArimaFilter.restore(state);
    const rest = [...base.slice(200, 230), 90, 91, ...base.slice(230, 260)];
    const expected = forecasts(original, rest);
    expect(forecasts(one, rest)).toEqual(expected);
    expect(state).toEqual(frozen);
    expect(forecasts(other, rest)).toEqual(expected);
  });

  it('applies only where a burst is shorter than BURST_SECONDS at the step', () => {
    expect(burstSetting(0.5, 1)).toEqual({ limit: 2, points: BURST_SECONDS });
    expect(burstSetting(0.5, 5)).toEqual({ limit: 2, points: Math.floor(BURST_SECONDS / 5) });
    expect(burstSetting(0.5, BURST_SECONDS + 1)).toBeUndefined();
    expect(burstSetting(0.5, 300)).toBeUndefined();
    expect(burstSetting(0, 1)).toBeUndefined();
    // A step of a few percent of the level is no burst, however many sigmas it is.
    expect(burstSetting(0.5, 1, 100)).toEqual({ limit: 20, points: BURST_SECONDS });
    expect(burstSetting(0.5, 1, -100)).toEqual({ limit: 20, points: BURST_SECONDS });
    expect(burstSetting(Number.NaN, 1)).toBeUndefined();
  });
});
