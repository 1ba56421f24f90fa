import type { AnomalyRecord, SeriesBand } from '@ntma/contract';
import { anomalyMarks, recordsForSeries, SUSTAINED_POINTS } from './kinds';

function band(actual: Array<number | null>, lower = 9, upper = 11): SeriesBand {
  return {
    labels: { device: 'eth0' },
    timestamps: actual.map((_, i) => 1000 + i * 60),
    actual,
    forecast: actual.map(() => 10),
    lower: actual.map(() => lower),
    upper: actual.map(() => upper),
    score: actual.map((v) => (v === null ? 0 : v > upper || v < lower ? 0.999 : 0.5)),
    anomaly: actual.map((v) => v !== null && (v > upper || v < lower)),
    model: 'test',
    coverage: null,
    trainedOn: 10,
    fitMs: 0,
    cached: false,
  };
}

describe('anomalyMarks', () => {
  it('calls a short run above the band a spike and one below a drop', () => {
    const marks = anomalyMarks(band([10, 20, 10, 2, 10]), 0.95);
    expect(marks.map((m) => [m.t, m.kind])).toEqual([
      [1060, 'spike'],
      [1180, 'drop'],
    ]);
  });

  it(`calls a run of ${SUSTAINED_POINTS} or more above the band sustained overload, below it a level shift`, () => {
    const long = (v: number) => Array.from({ length: SUSTAINED_POINTS }, () => v);
    expect(new Set(anomalyMarks(band([10, ...long(20), 10]), 0.95).map((m) => m.kind))).toEqual(new Set(['sustained']));
    expect(new Set(anomalyMarks(band([10, ...long(1), 10]), 0.95).map((m) => m.kind))).toEqual(
      new Set(['level_shift']),
    );
  });

  it('leaves out points whose score is below the sensitivity threshold', () => {
    expect(anomalyMarks(band([10, 20, 10]), 0.9999)).toEqual([]);
  });

  it("takes the watcher's kind (attack evidence) where an excursion covers the point", () => {
    const record = { start: 1050, end: 1070, kind: 'attack_suspected', labels: {} } as unknown as AnomalyRecord;
    const marks = anomalyMarks(band([10, 20, 10, 20]), 0.95, [record]);
    expect(marks.map((m) => m.kind)).toEqual(['attack_suspected', 'spike']);
  });
});

describe('recordsForSeries', () => {
  it("keeps records whose labels are all among the series' labels", () => {
    const a = { labels: { device: 'eth0' } } as unknown as AnomalyRecord;
    const b = { labels: { device: 'eth1' } } as unknown as AnomalyRecord;
    expect(recordsForSeries([a, b], { device: 'eth0', instance: 'x' })).toEqual([a]);
  });
});
