import type { BackendSrvRequest } from '@grafana/runtime';
import type { BandsAnswer, BandsSeriesRequest, SeriesBand } from '@ntma/contract';
import type { FakeAnswer } from './backend';

/**
 * A stand-in for POST /api/v1/bands/series that follows the contract without fitting anything: the first half
 * of each series trains, the band over the second half is the training mean ± `halfWidth`, and points outside
 * it are anomalies, graded high and named spike (above) or drop (below) as the sidecar would tell the panel.
 * Series come back in reverse order so tests prove pairing is by id, not position.
 */
export function fakeBands(halfWidth = 1) {
  return (request: BackendSrvRequest): FakeAnswer => {
    const body = request.data as BandsSeriesRequest;
    const series: SeriesBand[] = body.series.map((sent) => {
      // A series on an even grid comes in the compact form (start + values, `step` apart): back to points.
      const { id, labels } = sent;
      const points: Array<[number, number | null]> =
        'points' in sent
          ? sent.points
          : sent.values.map((v, i) => {
              if (body.step === undefined) {
                throw new Error('a series sent as start + values needs the request step');
              }
              return [sent.start + i * Number(body.step), v];
            });
      const split = Math.floor(points.length / 2);
      const train = points.slice(0, split).flatMap(([, v]) => (v === null ? [] : [v]));
      const mean = train.reduce((a, b) => a + b, 0) / Math.max(1, train.length);
      const banded = points.slice(split);
      const actual = banded.map(([, v]) => v);
      const side = (v: number | null): number =>
        v === null ? 0 : v > mean + halfWidth ? 1 : v < mean - halfWidth ? -1 : 0;
      return {
        id,
        labels,
        timestamps: banded.map(([t]) => t),
        actual,
        forecast: banded.map(() => mean),
        lower: banded.map(() => mean - halfWidth),
        upper: banded.map(() => mean + halfWidth),
        score: actual.map((v) => (v === null ? 0 : Math.min(0.9999, Math.abs(v - mean) / (halfWidth * 2)))),
        anomaly: actual.map((v) => side(v) !== 0),
        severity: actual.map((v) => (side(v) !== 0 ? ('high' as const) : null)),
        kind: actual.map((v) => (side(v) > 0 ? ('spike' as const) : side(v) < 0 ? ('drop' as const) : null)),
        model: 'fake-mean',
        coverage: null,
        trainedOn: train.length,
        fitMs: 1,
        cached: false,
      };
    });
    const answer: BandsAnswer = {
      start: series[0]?.timestamps[0] ?? 0,
      end: series[0]?.timestamps.at(-1) ?? 0,
      step: 60,
      train: { start: 0, end: 0 },
      confidence: body.confidence ?? 0.95,
      series: series.reverse(),
      warnings: [],
    };
    return { body: answer };
  };
}
