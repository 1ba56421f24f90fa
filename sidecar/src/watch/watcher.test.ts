import type { ForecastDetector } from '../detect/forecast-detector.js';
import { PrometheusUnavailable } from '../errors.js';
import type { Labels } from '@ntma/contract';
import {
  BandDetector,
  fitMean,
  flush,
  recordingEvents,
  recordingFit,
  ScriptedPrometheus,
  type Script,
} from './__fixtures__/fakes.js';
import { AnomalyLog } from './anomaly-log.js';
import type { WatcherSpec } from './config.js';
import { forecastDetectors } from './detectors.js';
import { PROVISIONAL_MODEL } from './provisional.js';
import { RefitQueue } from './refit.js';
import {
  BACKFILL_ATTEMPTS,
  BACKFILL_MIN_CHUNK_POINTS,
  FIRST_FIT_SEARCH_FITS,
  renderTarget,
  Watcher,
  type DetectorFactory,
} from './watcher.js';

const STEP = 15;
const START = Math.floor(1_700_000_100 / STEP) * STEP;

function spec(overrides: Partial<WatcherSpec> = {}): WatcherSpec {
  return {
    name: 'rx',
    expr: 'traffic',
    stepSeconds: STEP,
    trainSeconds: STEP * 40,
    sensitivity: 'medium',
    confidence: 0.99,
    role: 'other',
    maxSeries: 100,
    target: undefined,
    signals: {},
    line: 1,
    ...overrides,
  };
}

/** Normal traffic: a level with a small deterministic wobble. */
const normal = (t: number, level = 1000): number => level + 20 * Math.sin(t / 37);

/** The contract's behaviour without the real detector's statistics, so these tests are about the watcher. */
const bandDetectors: DetectorFactory = (s, classify) =>
  new BandDetector(Math.floor(s.trainSeconds / s.stepSeconds), classify);

function setup(script: Script, overrides: Partial<WatcherSpec> = {}, detectors: DetectorFactory = bandDetectors) {
  const prom = new ScriptedPrometheus(script);
  const fit = recordingFit();
  const refits = new RefitQueue(fit, { maxInFlight: 4 });
  const anomalies = new AnomalyLog(50);
  const events = recordingEvents();
  const watcher = new Watcher(spec(overrides), prom, detectors, refits, anomalies, events);
  return { prom, fit, refits, anomalies, events, watcher };
}

/** Runs live steps from `from` for `count` steps. */
async function steps(watcher: Watcher, from: number, count: number): Promise<number> {
  let t = from;
  for (let i = 0; i < count; i++, t += STEP) {
    await watcher.step(t);
    await flush();
  }
  return t;
}

function onlySeries(watcher: Watcher) {
  expect(watcher.series.size).toBe(1);
  return [...watcher.series.values()][0]!;
}

describe('a watcher', () => {
  it('backfills with one range query on the step grid and fits every series before the first live step', async () => {
    const { prom, fit, watcher } = setup(
      (expr, t) =>
        expr === 'traffic'
          ? [
              { labels: { __name__: 'traffic', instance: 'a' }, value: normal(t) },
              { labels: { __name__: 'traffic', instance: 'b' }, value: normal(t, 50) },
            ]
          : [],
      {},
      forecastDetectors,
    );
    await watcher.backfill(START);
    await flush();
    expect(prom.rangeCalls).toEqual([{ query: 'traffic', start: START - 40 * STEP, end: START - STEP, step: STEP }]);
    expect(fit.calls).toHaveLength(2);
    expect(fit.calls[0]!.values).toHaveLength(40);
    // A first fit bounds its order search; refits search fully. Weak seasons, as the backtest asks (nab/detectors.ts).
    expect(fit.calls[0]!.spec).toEqual({
      stepSeconds: STEP,
      model: 'auto',
      confidence: 0.99,
      weakSeasons: 'auto',
      orderSearchFits: FIRST_FIT_SEARCH_FITS,
    });

    await watcher.step(START);
    const state = watcher.state();
    expect(state).toMatchObject({ status: 'running', series: 2, present: 2, warming: 0, missing: 0, lastStep: START });
    const labels = [...watcher.series.values()].map((s) => s.exported);
    // __name__ is dropped: the ntma_* series carry the series' own labels and the watcher's name.
    expect(labels).toEqual([
      { instance: 'a', watcher: 'rx' },
      { instance: 'b', watcher: 'rx' },
    ]);
  });

  it('bands every series by its provisional model at once, and counts it until its first fit arrives', async () => {
    const prom = new ScriptedPrometheus((_expr, t) => [{ labels: { instance: 'a' }, value: normal(t) }]);
    const pending: Array<() => void> = [];
    const refits = new RefitQueue(
      (values) =>
        new Promise((resolve) => {
          pending.push(() => resolve(fitMean(values)));
        }),
      { maxInFlight: 1 },
    );
    // As if a warm-up had queued many first fits already: the series is banded provisionally.
    const watcher = new Watcher(spec(), prom, forecastDetectors, refits, new AnomalyLog(10), recordingEvents(), {
      provisionalAfterQueued: 0,
    });
    await watcher.backfill(START);
    await watcher.step(START);
    expect(pending).toHaveLength(1);
    expect(watcher.state()).toMatchObject({ present: 1, warming: 0, provisional: 1, refitsPending: 1 });
    expect((onlySeries(watcher).detector as ForecastDetector).currentModel()?.name).toBe(PROVISIONAL_MODEL);
    expect(onlySeries(watcher).verdict?.forecast).toBeCloseTo(1000, -2);
    pending[0]!();
    await flush();
    expect(watcher.state()).toMatchObject({ present: 1, provisional: 0, refitsPending: 0 });
    expect((onlySeries(watcher).detector as ForecastDetector).currentModel()?.name).toBe('fake-mean');
  });

  it('tries a failed backfill chunk again, and carries one that keeps failing as a gap while the rest load', async () => {
    const { prom, fit } = setup((_expr, t) =>
      ['a', 'b', 'c', 'd'].map((instance) => ({ labels: { instance }, value: normal(t) })),
    );
    let calls = 0;
    const flaky = {
      query: prom.query.bind(prom),
      // The first chunk fails once (then loads); the second fails every time.
      queryRange: async (request: Parameters<typeof prom.queryRange>[0]) => {
        calls++;
        if (calls === 1 || (request.start - START) / STEP === -25) throw new Error('context deadline exceeded');
        return prom.queryRange(request);
      },
    };
    const refits = new RefitQueue(fit, { maxInFlight: 4 });
    const watcher = new Watcher(spec(), flaky, bandDetectors, refits, new AnomalyLog(10), recordingEvents(), {
      backfillRetryMs: 1,
    });
    // 4 series x 40 points against a budget of 60 samples: chunks of 15 points.
    await watcher.backfill(START, 60);
    await flush();
    expect(calls).toBe(1 + 1 + BACKFILL_ATTEMPTS + 1);
    expect(watcher.series.size).toBe(4);
    // The failed chunk's 15 points are missing from every window, never invented.
    expect(fit.calls.map((c) => c.values.length)).toEqual([25, 25, 25, 25]);
  });

  it('keeps a chunk of at least BACKFILL_MIN_CHUNK_POINTS points however small the sample budget', async () => {
    const { prom, watcher } = setup((_expr, t) =>
      ['a', 'b', 'c', 'd'].map((instance) => ({ labels: { instance }, value: normal(t) })),
    );
    await watcher.backfill(START, 4);
    expect(prom.rangeCalls).toHaveLength(Math.ceil(40 / BACKFILL_MIN_CHUNK_POINTS));
  });

  it('runs the real detector: a spike lands above the band at its first point', async () => {
    let spikeFrom = Infinity;
    const { watcher } = setup(
      (_expr, t) => [{ labels: { instance: 'a' }, value: t >= spikeFrom ? 5000 : normal(t) }],
      {},
      forecastDetectors,
    );
    await watcher.backfill(START);
    await flush();
    const t = await steps(watcher, START, 3);
    expect(onlySeries(watcher).verdict).toMatchObject({ anomaly: 0 });
    spikeFrom = t;
    await watcher.step(t);
    expect(onlySeries(watcher).verdict).toMatchObject({ anomaly: 1, kind: 'spike' });
  });

  it('reads a wide training window in consecutive time chunks, oldest first', async () => {
    const { prom, fit, watcher } = setup((_expr, t) =>
      ['a', 'b', 'c', 'd'].map((instance) => ({ labels: { instance }, value: normal(t) })),
    );
    // 4 series x 40 points against a budget of 60 samples: chunks of 15 points.
    await watcher.backfill(START, 60);
    await flush();
    expect(prom.rangeCalls.map((c) => [(c.start - START) / STEP, (c.end - START) / STEP])).toEqual([
      [-40, -26],
      [-25, -11],
      [-10, -1],
    ]);
    expect(fit.calls).toHaveLength(4);
    expect(fit.calls.map((c) => c.values.length)).toEqual([40, 40, 40, 40]);
  });

  it('flags a spike above the band at once, logs the excursion and closes it after the series settles', async () => {
    let spikeFrom = Infinity;
    let spikeTo = Infinity;
    const { watcher, anomalies } = setup((_expr, t) => [
      { labels: { instance: 'a' }, value: t >= spikeFrom && t < spikeTo ? 5000 : normal(t) },
    ]);
    await watcher.backfill(START);
    await flush();
    let t = await steps(watcher, START, 5);
    expect(onlySeries(watcher).verdict).toMatchObject({ anomaly: 0, kind: null });
    expect(anomalies.size).toBe(0);

    spikeFrom = t;
    spikeTo = t + 2 * STEP;
    await watcher.step(t);
    const series = onlySeries(watcher);
    expect(series.verdict).toMatchObject({ anomaly: 1, kind: 'spike', value: 5000 });
    expect(series.verdict!.score).toBeGreaterThan(0.5);
    expect(watcher.kindOf(series)).toBe('spike');
    const [open] = anomalies.list();
    expect(open).toMatchObject({
      watcher: 'rx',
      labels: { instance: 'a' },
      kind: 'spike',
      direction: 1,
      start: t,
      end: null,
    });
    expect(open!.peak).toMatchObject({ t, value: 5000 });

    t = await steps(watcher, t + STEP, 4);
    expect(onlySeries(watcher).verdict!.anomaly).toBe(0);
    expect(watcher.kindOf(onlySeries(watcher))).toBeNull();
    const [closed] = anomalies.list();
    expect(closed!.id).toBe(open!.id);
    expect(closed!.end).toBeGreaterThanOrEqual(spikeFrom + STEP);
    expect(closed!.end).toBeLessThan(t);
  });

  it('flags a collapse below the band as a drop', async () => {
    let dropFrom = Infinity;
    const { watcher, anomalies } = setup((_expr, t) => [
      { labels: { instance: 'a' }, value: t >= dropFrom ? 10 : normal(t) },
    ]);
    await watcher.backfill(START);
    await flush();
    dropFrom = START + STEP;
    await steps(watcher, START, 3);
    expect(onlySeries(watcher).verdict!.anomaly).toBe(-1);
    expect(anomalies.list()[0]).toMatchObject({ kind: 'drop', direction: -1 });
  });

  describe('with network signals', () => {
    const flood =
      (packetsRise: number, bytesRise: number, from: number): Script =>
      (expr, t) => {
        const on = t >= from;
        if (expr === 'packets')
          return [{ labels: { instance: 'a', device: 'eth0' }, value: normal(t) * (on ? packetsRise : 1) }];
        if (expr === 'bytes')
          return [{ labels: { instance: 'a', device: 'eth0' }, value: normal(t, 1e6) * (on ? bytesRise : 1) }];
        return [];
      };

    /** Three steps of normal traffic, then packets and bytes at `packetsRise` and `bytesRise` times it for three. */
    const afterFlood = async (packetsRise: number, bytesRise: number): Promise<ReturnType<typeof setup>> => {
      let from = Infinity;
      const run = setup((expr, t) => flood(packetsRise, bytesRise, from)(expr, t), {
        expr: 'packets',
        role: 'packets',
        signals: { bytes: 'bytes' },
      });
      await run.watcher.backfill(START);
      await flush();
      const t = await steps(run.watcher, START, 3);
      from = t;
      await steps(run.watcher, t, 3);
      return run;
    };

    it('labels a small-packet flood attack_suspected with its evidence', async () => {
      const { watcher, anomalies } = await afterFlood(10, 1.1);
      const series = onlySeries(watcher);
      expect(watcher.kindOf(series)).toBe('attack_suspected');
      const [record] = anomalies.list();
      expect(record).toMatchObject({ kind: 'attack_suspected', direction: 1 });
      expect(record!.reasons[0]).toMatch(/^packets x\d+\.\d vs bytes x1\.1 \(small-packet flood\)$/);
    });

    it('labels a flood attack_suspected even when it begins right after a dip opened a drop', async () => {
      // The integration failure: a noisy dip opened a downward excursion, the flood arrived before
      // it closed and was followed as the same "drop", so the classifier never saw it go up.
      let dipAt = Infinity;
      let floodFrom = Infinity;
      const { watcher, anomalies } = setup(
        (expr, t) => {
          const answer = flood(10, 1.2, floodFrom)(expr, t);
          if (expr !== 'packets' || answer instanceof Error || t !== dipAt) return answer;
          return answer.map((s) => ({ ...s, value: 0.5 * normal(t) }));
        },
        { expr: 'packets', role: 'packets', signals: { bytes: 'bytes' } },
        forecastDetectors,
      );
      await watcher.backfill(START);
      await flush();
      const t = await steps(watcher, START, 3);
      dipAt = t;
      floodFrom = t + STEP;
      await steps(watcher, t, 4);
      const series = onlySeries(watcher);
      expect(watcher.kindOf(series)).toBe('attack_suspected');
      const [dip, attack] = anomalies.list().sort((a, b) => a.start - b.start);
      expect(dip).toMatchObject({ kind: 'drop', direction: -1, start: t, end: t });
      expect(attack).toMatchObject({ kind: 'attack_suspected', direction: 1, start: t + STEP });
      expect(attack!.reasons[0]).toMatch(/^packets x\d+\.\d vs bytes x1\.2 \(small-packet flood\)$/);
    });

    it('keeps a proportional rise of packets and bytes organic', async () => {
      const { watcher, anomalies } = await afterFlood(10, 10);
      expect(watcher.kindOf(onlySeries(watcher))).toBe('spike');
      expect(anomalies.list()[0]).toMatchObject({ kind: 'spike', reasons: [] });
    });

    it('joins per-instance SYN signals to every interface of the instance', async () => {
      let from = Infinity;
      const { watcher, anomalies } = setup(
        (expr, t) => {
          if (expr === 'rx') {
            return ['eth0', 'eth1'].map((device) => ({
              labels: { instance: 'a', device },
              value: normal(t, 1e6) * (t >= from ? 4 : 1),
            }));
          }
          if (expr === 'cookies') return [{ labels: { instance: 'a' }, value: t >= from ? 400 : 0 }];
          return [];
        },
        { expr: 'rx', role: 'bytes', signals: { syncookies_sent: 'cookies' } },
      );
      await watcher.backfill(START);
      await flush();
      const t = await steps(watcher, START, 3);
      from = t;
      await steps(watcher, t, 2);
      const kinds = anomalies.list().map((r) => [r.labels.device, r.kind]);
      expect(kinds.sort()).toEqual([
        ['eth0', 'attack_suspected'],
        ['eth1', 'attack_suspected'],
      ]);
    });
  });

  it('marks a series without a sample as missing (no value, never zero) and forgets it after a while', async () => {
    let gone = false;
    const { watcher } = setup((_expr, t) => [
      { labels: { instance: 'a' }, value: normal(t) },
      ...(gone ? [] : [{ labels: { instance: 'b' }, value: normal(t) }]),
    ]);
    await watcher.backfill(START);
    await flush();
    let t = await steps(watcher, START, 2);
    gone = true;
    t = await steps(watcher, t, 1);
    const b = [...watcher.series.values()].find((s) => s.labels.instance === 'b')!;
    expect(b.present).toBe(false);
    expect(b.verdict).toMatchObject({ value: null });
    expect(b.verdict!.forecast).not.toBeNull();
    expect(watcher.seriesStatus(b)).toBe('missing');
    expect(watcher.state()).toMatchObject({ series: 2, present: 1, missing: 1 });

    // 300 s at a 15 s step: forgotten after 20 missing steps.
    await steps(watcher, t, watcher.forgetAfterSteps - 1);
    expect(watcher.series.size).toBe(1);
    expect(watcher.forgetAfterSteps).toBe(20);
  });

  it('starts a detector for a series that appears later, warming up until it has history', async () => {
    let late = false;
    const { watcher } = setup((_expr, t) => [
      { labels: { instance: 'a' }, value: normal(t) },
      ...(late ? [{ labels: { instance: 'new' }, value: normal(t) }] : []),
    ]);
    await watcher.backfill(START);
    await flush();
    late = true;
    await steps(watcher, START, 3);
    const fresh = [...watcher.series.values()].find((s) => s.labels.instance === 'new')!;
    expect(watcher.seriesStatus(fresh)).toBe('warming');
    expect(fresh.verdict!.forecast).toBeNull();
    expect(watcher.state()).toMatchObject({ series: 2, present: 1, warming: 1 });
  });

  it('refuses series beyond max_series and says how many', async () => {
    const { watcher, events } = setup(
      (_expr, t) => ['a', 'b', 'c'].map((instance) => ({ labels: { instance }, value: normal(t) })),
      { maxSeries: 2 },
    );
    await watcher.backfill(START);
    await flush();
    await watcher.step(START);
    expect(watcher.series.size).toBe(2);
    expect(events.capHits).toEqual([1]);
    expect(watcher.state().droppedSeries).toBe(1);
  });

  it('takes samples that differ only in __name__ as one series, fed once a step, and refuses a label set once', async () => {
    let updates = 0;
    const counting: DetectorFactory = (s, classify) => {
      const detector = bandDetectors(s, classify);
      const update = detector.update.bind(detector);
      detector.update = (t, value) => {
        updates++;
        return update(t, value);
      };
      return detector;
    };
    const { watcher, events } = setup(
      (_expr, t) => [
        { labels: { __name__: 'rx_a', instance: 'x' }, value: normal(t) },
        { labels: { instance: 'x', __name__: 'rx_b' }, value: normal(t) + 1 },
        { labels: { __name__: 'rx_a', instance: 'y' }, value: normal(t) },
        { labels: { __name__: 'rx_b', instance: 'y' }, value: normal(t) },
      ],
      { maxSeries: 1 },
      counting,
    );
    await watcher.step(START);
    await watcher.step(START + STEP);
    expect([...watcher.series.values()].map((state) => state.labels)).toEqual([{ instance: 'x' }]);
    expect(updates).toBe(2);
    expect(events.capHits).toEqual([1, 1]);
    expect(watcher.state()).toMatchObject({ series: 1, missing: 0, droppedSeries: 1 });
    expect(onlySeries(watcher).present).toBe(true);
  });

  it('caps each companion signal at max_series series and says how many it refused', async () => {
    const { watcher, events } = setup(
      (expr, t) =>
        expr === 'sources'
          ? Array.from({ length: 7 }, (_, i) => ({ labels: { instance: 'a', src: `10.0.0.${i}` }, value: 1 }))
          : [{ labels: { instance: 'a' }, value: normal(t) }],
      { maxSeries: 3, signals: { sources: 'sources' } },
    );
    await watcher.backfill(START);
    await flush();
    await watcher.step(START);
    expect(events.signalCapHits).toEqual([
      ['sources', 4],
      ['sources', 4],
    ]);
    expect(events.capHits).toEqual([]);
  });

  it('carries a failed Prometheus query as a gap for every series without forgetting them', async () => {
    let down = false;
    const { watcher, events } = setup((_expr, t) =>
      down
        ? new PrometheusUnavailable('Prometheus at http://x is unreachable (ECONNREFUSED)')
        : [{ labels: { instance: 'a' }, value: normal(t) }],
    );
    await watcher.backfill(START);
    await flush();
    let t = await steps(watcher, START, 1);
    down = true;
    t = await steps(watcher, t, 30);
    expect(events.errors.length).toBeGreaterThanOrEqual(30);
    expect(new Set(events.errors)).toEqual(new Set(['PROMETHEUS_UNAVAILABLE']));
    const series = onlySeries(watcher);
    expect(series.present).toBe(false);
    expect(watcher.state().lastError).toMatch(/ECONNREFUSED/);
    down = false;
    await steps(watcher, t, 1);
    expect(onlySeries(watcher).present).toBe(true);
    expect(watcher.state().lastError).toBeNull();
  });

  it('names the scale target from the series labels', async () => {
    const { watcher } = setup((_expr, t) => [{ labels: { project: 'shop', service: 'web' }, value: normal(t) }], {
      target: 'compose:{{project}}:{{service}}',
    });
    await watcher.backfill(START);
    const series = onlySeries(watcher);
    expect(series.target).toBe('compose:shop:web');
    expect(series.exported).toEqual({
      project: 'shop',
      service: 'web',
      watcher: 'rx',
      ntma_target: 'compose:shop:web',
    });
  });

  it('keeps a series label called watcher as exported_watcher', async () => {
    const { watcher } = setup((_expr, t) => [{ labels: { watcher: 'theirs' }, value: normal(t) }]);
    await watcher.backfill(START);
    expect(onlySeries(watcher).exported).toEqual({ exported_watcher: 'theirs', watcher: 'rx' });
  });
});

describe('target templates', () => {
  const labels: Labels = { project: 'shop', service: 'web', empty: '' };
  it('fills labels into the template', () => {
    expect(renderTarget('compose:{{project}}:{{ service }}', labels)).toBe('compose:shop:web');
    expect(renderTarget('swarm:web', labels)).toBe('swarm:web');
  });
  it('gives no target when a named label is missing or empty', () => {
    expect(renderTarget('compose:{{project}}:{{nope}}', labels)).toBeNull();
    expect(renderTarget('x:{{empty}}', labels)).toBeNull();
  });
  it("falls back to the series' own ntma_target label without a template", () => {
    expect(renderTarget(undefined, { ntma_target: 'swarm:api' })).toBe('swarm:api');
    expect(renderTarget(undefined, {})).toBeNull();
  });
});
