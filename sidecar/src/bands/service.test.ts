import { BadQuery, PayloadTooLarge, PrometheusUnavailable } from '../errors.js';
import { FakePrometheus, InlinePool, NaiveEngine } from './__fixtures__/fakes.js';
import { ForecastError } from '../forecast/errors.js';
import { BANDS_FIT_OPTIONS } from '../forecast/bands-options.js';
import { BandsService } from './service.js';
import { PoolBandsEngine } from './pool-engine.js';
import { mulberry32 } from '../seeded-random.js';
import { DEFAULT_LIMITS } from './limits.js';

const START = 1699999800;
/** What the bands API asks of the engine, written out here rather than read from BANDS_FIT_OPTIONS, which it checks. */
const ASKED = {
  transform: 'auto',
  alternation: 'auto',
  weakSeasons: 'auto',
  endOutliers: 'auto',
  seasonNoise: 'auto',
  breaks: 'auto',
} as const;

describe('BandsService.forQuery', () => {
  it('reports a failed Prometheus query by its code for the health metrics, and still fails the request', async () => {
    const prometheus = new FakePrometheus([{}], () => 1);
    const codes: string[] = [];
    const service = new BandsService(prometheus, new NaiveEngine(), DEFAULT_LIMITS, {
      queryError: (c) => codes.push(c),
    });
    const request = { query: 'up', start: START, end: START + 600, step: '1m', train: '1h' };
    prometheus.fail = new PrometheusUnavailable('Prometheus at http://prometheus.test:9090 is unreachable');
    await expect(service.forQuery(request)).rejects.toBeInstanceOf(PrometheusUnavailable);
    prometheus.fail = new Error('a bug');
    await expect(service.forQuery(request)).rejects.toThrow('a bug');
    expect(codes).toEqual(['PROMETHEUS_UNAVAILABLE', 'INTERNAL']);
  });

  it('fetches training and range in one query and bands exactly [start, end]', async () => {
    const prometheus = new FakePrometheus([{ job: 'a' }], (t) => t / 60);
    const service = new BandsService(prometheus, new NaiveEngine());
    const answer = await service.forQuery({ query: 'up', start: START, end: START + 600, step: '1m', train: '1h' });
    expect(prometheus.requests).toEqual([{ query: 'up', start: START - 3600, end: START + 600, step: 60 }]);
    expect(answer.start).toBe(START);
    expect(answer.end).toBe(START + 600);
    expect(answer.train).toEqual({ start: START - 3600, end: START });
    const [series] = answer.series;
    expect(series!.timestamps).toEqual(Array.from({ length: 11 }, (_, i) => START + i * 60));
    expect(series!.actual[0]).toBe(START / 60);
    // Naive forecast: the previous value, so each point is 1 above its forecast and inside ±2.
    expect(series!.forecast[0]).toBe(START / 60 - 1);
    expect(series!.anomaly.every((a) => !a)).toBe(true);
    expect(series!.coverage).toBe(1);
    expect(answer.confidence).toBe(0.95);
  });

  it('accepts RFC3339 times and passes the confidence and model to the engine', async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([{}], () => 1), engine);
    await service.forQuery({
      query: 'up',
      start: '2023-11-14T22:10:00Z',
      end: '2023-11-14T23:10:00Z',
      step: 60,
      confidence: 0.99,
      model: { p: 1, d: 1, q: 1 },
    });
    expect(engine.jobs[0]!.spec).toEqual({
      stepSeconds: 60,
      confidence: 0.99,
      model: { p: 1, d: 1, q: 1 },
      ...ASKED,
    });
    expect(engine.jobs[0]!.train).toHaveLength(10080);
  });

  it('reuses the model for a later start within the same training window', async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([{ job: 'a' }], () => 1), engine);
    const first = await service.forQuery({ query: 'up', start: START + 60, end: START + 3600, step: 60, train: '1d' });
    const second = await service.forQuery({
      query: 'up',
      start: START + 300,
      end: START + 3900,
      step: 60,
      train: '1d',
    });
    expect(engine.jobs[0]!.key).toBe(engine.jobs[1]!.key);
    expect(first.series[0]!.cached).toBe(false);
    expect(second.series[0]!.cached).toBe(true);
    // A different query or label set is a different model.
    await service.forQuery({ query: 'up * 2', start: START + 60, end: START + 3600, step: 60, train: '1d' });
    expect(engine.jobs[2]!.key).not.toBe(engine.jobs[0]!.key);
  });

  it('trains on the history there is when the window starts before the series does', async () => {
    // A Prometheus younger than the default week: only the last 2 h before start hold values.
    const engine = new NaiveEngine();
    const prometheus = new FakePrometheus([{ job: 'a' }], (t) => (t < START - 7200 ? null : 5));
    const answer = await new BandsService(prometheus, engine).forQuery({
      query: 'up',
      start: START,
      end: START + 600,
      step: 60,
    });
    expect(engine.jobs[0]!.train).toHaveLength(120);
    expect(engine.jobs[0]!.train.every((v) => v === 5)).toBe(true);
    expect(answer.series[0]!.error).toBeUndefined();
    expect(answer.series[0]!.forecast.every((v) => v === 5)).toBe(true);
  });

  it('flags an injected spike and keeps gaps as gaps', async () => {
    const spikeAt = START + 300;
    const gapAt = START + 420;
    const prometheus = new FakePrometheus([{}], (t) => (t === gapAt ? null : t === spikeAt ? 100 : 10));
    const answer = await new BandsService(prometheus, new NaiveEngine()).forQuery({
      query: 'x',
      start: START,
      end: START + 600,
      step: 60,
      train: '1h',
    });
    const series = answer.series[0]!;
    const flagged = series.timestamps.filter((_, i) => series.anomaly[i]);
    // The spike alone: its point is kept from the model, so the return to normal right after it is not flagged.
    expect(flagged).toEqual([spikeAt]);
    expect(series.actual[7]).toBeNull();
    expect(series.score[7]).toBe(0);
  });

  it('says why a series with too little training data has no band, without failing the others', async () => {
    const prometheus = new FakePrometheus([{ job: 'new' }], (t) => (t < START ? null : 1));
    const answer = await new BandsService(prometheus, new NaiveEngine()).forQuery({
      query: 'x',
      start: START,
      end: START + 600,
      step: 60,
      train: '1h',
    });
    expect(answer.series[0]!.model).toBe('none');
    expect(answer.series[0]!.error).toMatch(/only 0 of 60 training points have values/);
    expect(answer.series[0]!.actual.every((v) => v === 1)).toBe(true);
  });

  it("turns an engine's ForecastError into a per-series error and passes other errors on", async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([{}], () => 1), engine);
    engine.fail = new ForecastError('constant series');
    const answer = await service.forQuery({ query: 'x', start: START, end: START + 60, step: 60, train: '1h' });
    expect(answer.series[0]!.error).toBe('constant series');
    engine.fail = new BadQuery('boom');
    await expect(
      service.forQuery({ query: 'x', start: START, end: START + 60, step: 60, train: '1h' }),
    ).rejects.toThrow('boom');
  });

  it('names the field of a bad time before asking Prometheus anything', async () => {
    const prometheus = new FakePrometheus([{}], () => 1);
    const service = new BandsService(prometheus, new NaiveEngine());
    await expect(service.forQuery({ query: 'x', start: 'soon', end: START, step: 60 })).rejects.toThrow(/^start:/);
    await expect(service.forQuery({ query: 'x', start: START, end: START, step: '1 minute' })).rejects.toThrow(
      /^step:/,
    );
    expect(prometheus.requests).toHaveLength(0);
  });
});

describe('BandsService.forSeries', () => {
  it("asks the engine for the data-checked transform, alternation, weak seasons and end outlier, the seasons' noise and the breaks, which the detector does not", async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([], () => null), engine);
    await service.forSeries({
      series: [{ id: 's', labels: {}, start: START, values: Array.from({ length: 100 }, (_, i) => i) }],
      step: 60,
    });
    expect(engine.jobs[0]!.spec).toMatchObject(ASKED);
    expect(BANDS_FIT_OPTIONS).toEqual(ASKED);
  });

  it("bands counts in sqrt space and reports the model's median as the forecast, below the band's centre", async () => {
    // Counts whose rate follows a 12-hour cycle at 5-minute steps: the noise grows with the level.
    const uniform = mulberry32(5);
    const values = Array.from({ length: 2016 + 288 }, (_, t) => {
      const limit = Math.exp(-(20 + 18 * Math.sin((2 * Math.PI * t) / 144)));
      let k = 0;
      for (let p = uniform(); p > limit; p *= uniform()) k++;
      return k;
    });
    const service = new BandsService(
      new FakePrometheus([], () => null),
      new PoolBandsEngine({ pool: new InlinePool().asPool() }),
    );
    const answer = await service.forSeries({
      series: [{ id: 'counts', labels: {}, start: START, values }],
      step: 300,
      train: 2016 * 300,
    });
    const s = answer.series[0]!;
    expect(s.model).toMatch(/^sqrt\+/);
    let below = 0;
    let banded = 0;
    s.forecast.forEach((f, i) => {
      const [lower, upper, actual] = [s.lower[i]!, s.upper[i]!, s.actual[i]!];
      expect(f).toBeLessThan((lower + upper) / 2);
      expect(f).toBeGreaterThan(lower);
      banded++;
      if (actual < f!) below++;
    });
    expect(banded).toBeGreaterThan(250);
    // A median: about half the counts fall below it (the band's centre is z^2 s^2, about one count, above it).
    expect(below / banded).toBeGreaterThan(0.38);
    expect(below / banded).toBeLessThan(0.62);
    expect(s.coverage).toBeGreaterThan(0.9);
  });

  const points = (n: number, f: (i: number) => number | null, t0 = START): Array<[number, number | null]> =>
    Array.from({ length: n }, (_, i) => [t0 + i * 60, f(i)]);

  it('trains on the first part of the points and bands the rest', async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([], () => null), engine);
    const answer = await service.forSeries({
      series: [{ id: 's1', labels: { pod: 'a' }, points: points(200, (i) => i) }],
      train: '1h',
    });
    expect(Array.from(engine.jobs[0]!.train)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(answer.series[0]!.timestamps[0]).toBe(START + 3600);
    expect(answer.series[0]!.timestamps).toHaveLength(140);
    expect(answer.train).toEqual({ start: START, end: START + 3600 });
  });

  it('keys the model cache on the data, so equal labels with other values are another model', async () => {
    const engine = new NaiveEngine();
    const service = new BandsService(new FakePrometheus([], () => null), engine);
    await service.forSeries({ series: [{ id: 's2', labels: { pod: 'a' }, points: points(100, (i) => i) }] });
    await service.forSeries({ series: [{ id: 's3', labels: { pod: 'a' }, points: points(100, (i) => i) }] });
    await service.forSeries({ series: [{ id: 's4', labels: { pod: 'a' }, points: points(100, (i) => i * 2) }] });
    expect(engine.jobs[1]!.key).toBe(engine.jobs[0]!.key);
    expect(engine.jobs[2]!.key).not.toBe(engine.jobs[0]!.key);
  });

  it('answers 413 naming the field for too many series or points', async () => {
    const service = new BandsService(new FakePrometheus([], () => null), new NaiveEngine(), {
      ...DEFAULT_LIMITS,
      maxSeries: 2,
      maxPointsPerSeries: 100,
    });
    const one = { id: 's5', labels: {}, points: points(50, () => 1) };
    await expect(service.forSeries({ series: [one, one, one] })).rejects.toThrow(PayloadTooLarge);
    await expect(service.forSeries({ series: [one, one, one] })).rejects.toThrow(/^series: 3 series; at most 2/);
    await expect(
      service.forSeries({ series: [one, { id: 's6', labels: {}, points: points(101, () => 1) }] }),
    ).rejects.toThrow(/^series\[1\]\.points: 101 points; at most 100/);
  });

  it('refuses series on different steps in one request, naming the odd one', async () => {
    const service = new BandsService(new FakePrometheus([], () => null), new NaiveEngine());
    const minute = { id: 's7', labels: {}, points: points(100, () => 1) };
    const halfMinute = {
      id: 'late',
      labels: {},
      points: Array.from({ length: 200 }, (_, i): [number, number] => [START + i * 30, 1]),
    };
    await expect(service.forSeries({ series: [minute, halfMinute] })).rejects.toThrow(
      /^series\[1\]\.points: spacing differs/,
    );
  });

  it("answers each series under the request's id and refuses an id given twice", async () => {
    const service = new BandsService(new FakePrometheus([], () => null), new NaiveEngine());
    const answer = await service.forSeries({
      series: [
        { id: 'first', labels: { job: 'same' }, points: points(100, (i) => i % 5) },
        { id: 'second', labels: { job: 'same' }, points: points(100, (i) => (i % 5) * 2) },
      ],
    });
    expect(answer.series.map((s) => s.id)).toEqual(['first', 'second']);
    const twice = { id: 'dup', labels: {}, points: points(100, () => 1) };
    await expect(service.forSeries({ series: [twice, twice] })).rejects.toThrow(
      /^series\[1\]\.id: "dup" names an earlier/,
    );
  });
});
