import type { AnomalyRecord, ExcursionKind, SeriesBand, Severity } from '@ntma/contract';
import { anomalyMarks, recordsForSeries } from './marks';

/** A band as the sidecar answers it: points with a severity and kind are outside, the rest inside. */
function band(points: Array<[number, Severity | null, ExcursionKind | null]>): SeriesBand {
  return {
    id: 'A#0.1',
    labels: { device: 'eth0' },
    timestamps: points.map((_, i) => 1000 + i * 60),
    actual: points.map(([v]) => v),
    forecast: points.map(() => 10),
    lower: points.map(() => 9),
    upper: points.map(() => 11),
    score: points.map(([, s]) => (s === 'high' ? 0.6 : s === 'medium' ? 0.4 : s === 'low' ? 0.3 : 0.1)),
    anomaly: points.map(([, s]) => s !== null),
    severity: points.map(([, s]) => s),
    kind: points.map(([, , k]) => k),
    model: 'test',
    coverage: null,
    trainedOn: 10,
    fitMs: 0,
    cached: false,
  };
}

const answer = band([
  [10, null, null],
  [30, 'high', 'spike'],
  [12, 'low', 'spike'],
  [5, 'medium', 'drop'],
  [10, null, null],
]);

describe('anomalyMarks', () => {
  it("marks every point the sidecar put outside the band, with the sidecar's kind", () => {
    expect(anomalyMarks(answer, 'low').map((m) => [m.t, m.kind, m.severity])).toEqual([
      [1060, 'spike', 'high'],
      [1120, 'spike', 'low'],
      [1180, 'drop', 'medium'],
    ]);
  });

  it("keeps only the points at the sensitivity's severity or above", () => {
    expect(anomalyMarks(answer, 'medium').map((m) => m.t)).toEqual([1060, 1180]);
    expect(anomalyMarks(answer, 'high').map((m) => m.t)).toEqual([1060]);
  });

  it('marks nothing inside the band, whatever its score', () => {
    expect(anomalyMarks(band([[10, null, null]]), 'low')).toEqual([]);
  });

  it("takes a watcher's kind where its recorded excursion covers the point", () => {
    const record = { start: 1050, end: 1070, kind: 'attack_suspected', labels: {} } as unknown as AnomalyRecord;
    expect(anomalyMarks(answer, 'low', [record]).map((m) => m.kind)).toEqual(['attack_suspected', 'spike', 'drop']);
  });
});

describe('recordsForSeries', () => {
  it('keeps the records whose labels all match the series', () => {
    const records = [{ labels: { device: 'eth0' } }, { labels: { device: 'eth1' } }, { labels: {} }] as AnomalyRecord[];
    expect(recordsForSeries(records, { device: 'eth0', instance: 'a' })).toHaveLength(2);
  });
});
