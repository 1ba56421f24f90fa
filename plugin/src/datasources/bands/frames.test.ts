import { DataTopic, FieldType } from '@grafana/data';
import { anomalyAnnotations, anomalyRuns, describeRun } from './annotations';
import { BAND_FILL_OPACITY, bandFrames, SERIES_COLORS } from './frames';
import { seriesName } from './names';
import { answerOf, seriesBand } from './testAnswer';

const ETH0 = { __name__: 'rx', instance: 'h1', device: 'eth0' };
const ETH1 = { instance: 'h1', device: 'eth1' };

describe('band frames', () => {
  const answer = answerOf([seriesBand(ETH0, [100, 101, null, 180]), seriesBand(ETH1, [95, 96, 97, 98])]);
  const frames = bandFrames(answer, { refId: 'A', expr: 'rx', legendFormat: '{{instance}} {{device}}' });

  it('gives each series one frame with time in ms and actual, forecast, lower and upper aligned with it', () => {
    expect(frames).toHaveLength(2);
    const [first] = frames;
    expect(first!.fields.map((f) => [f.name, f.type])).toEqual([
      ['Time', FieldType.time],
      ['actual', FieldType.number],
      ['forecast', FieldType.number],
      ['upper', FieldType.number],
      ['lower', FieldType.number],
    ]);
    expect(first!.length).toBe(4);
    expect(first!.fields[0]!.values).toEqual([0, 1, 2, 3].map((i) => (1_700_000_000 + i * 60) * 1000));
    // A gap stays a gap, never a zero.
    expect(first!.fields[1]!.values).toEqual([100, 101, null, 180]);
    expect(first!.refId).toBe('A');
  });

  it('fills from upper down to its own lower bound and keeps the bounds out of the legend', () => {
    for (const frame of frames) {
      const byName = Object.fromEntries(frame.fields.map((f) => [f.name, f]));
      const upper = byName.upper!.config;
      expect(upper.custom.fillBelowTo).toBe(byName.lower!.config.displayNameFromDS);
      expect(upper.custom.fillOpacity).toBe(BAND_FILL_OPACITY);
      expect(upper.custom.hideFrom).toEqual({ legend: true, tooltip: false, viz: false });
      expect(byName.lower!.config.custom.hideFrom).toEqual({ legend: true, tooltip: false, viz: false });
      expect(byName.lower!.config.custom.fillOpacity).toBe(0);
      expect(byName.forecast!.config.custom.lineStyle).toMatchObject({ fill: 'dash' });
      expect(byName.actual!.config.custom.hideFrom).toBeUndefined();
    }
    // The pair a band fills between is unique across series, so two bands never mix.
    const lowerNames = frames.map((f) => f.fields.find((x) => x.name === 'lower')!.config.displayNameFromDS);
    expect(new Set(lowerNames).size).toBe(2);
  });

  it("draws a series' line, forecast and band in one colour, a different one per series", () => {
    const colours = frames.map((frame) => new Set(frame.fields.slice(1).map((f) => f.config.color?.fixedColor)));
    expect(colours.map((c) => [...c])).toEqual([[SERIES_COLORS[0]], [SERIES_COLORS[1]]]);
  });

  it('names series by the legend format, else by metric and labels as Prometheus does', () => {
    expect(frames.map((f) => f.name)).toEqual(['h1 eth0', 'h1 eth1']);
    expect(frames[0]!.fields.find((f) => f.name === 'upper')!.config.displayNameFromDS).toBe('h1 eth0 upper');
    expect(seriesName(ETH0, '', 'rx')).toBe('rx{device="eth0", instance="h1"}');
    expect(seriesName(ETH1, undefined, 'rx')).toBe('{device="eth1", instance="h1"}');
    expect(seriesName({}, '__auto', 'sum(rate(x[1m]))')).toBe('sum(rate(x[1m]))');
  });

  it("says which model served each band, and why a series has none, as the frame's notices", () => {
    const broken = { ...seriesBand(ETH1, [1, 2]), error: 'too few points to train' };
    const [good, bad] = bandFrames(answerOf([seriesBand(ETH0, [100]), broken], ['partial answer']), {
      refId: 'A',
      expr: 'rx',
    });
    expect(good!.meta?.notices).toEqual([
      {
        severity: 'info',
        text: 'rx{device="eth0", instance="h1"}: mstl[1440]+arima(2,1,1), trained on 10080 points, 95% of points inside',
      },
      { severity: 'warning', text: 'partial answer' },
    ]);
    expect(bad!.meta?.notices).toEqual([
      { severity: 'warning', text: '{device="eth1", instance="h1"}: no band (too few points to train)' },
    ]);
  });
});

describe('anomaly annotations', () => {
  // A spike over two points (one low, one high), back inside, then a drop.
  const answer = answerOf([seriesBand(ETH0, [100, 120, 200, 100, 80, 100])]);

  it('turns each run of out-of-band points of one kind into one region with its highest severity', () => {
    const runs = anomalyRuns(answer, { expr: 'rx', legendFormat: '{{device}}' });
    expect(runs.map((r) => [r.kind, r.severity, r.points, r.start, r.end])).toEqual([
      ['spike', 'high', 2, (1_700_000_000 + 60) * 1000, (1_700_000_000 + 120) * 1000],
      ['drop', 'low', 1, (1_700_000_000 + 240) * 1000, (1_700_000_000 + 240) * 1000],
    ]);
    expect(describeRun(runs[0]!)).toBe('Spike, high severity, on eth0: 200 outside 90–110 (2 points)');
  });

  it("is an annotations frame with time, end, text naming kind and severity, tags and the kind's colour", () => {
    const frame = anomalyAnnotations(answer, { refId: 'A', expr: 'rx', legendFormat: '{{device}}' });
    expect(frame.meta?.dataTopic).toBe(DataTopic.Annotations);
    const field = (name: string) => frame.fields.find((f) => f.name === name)!.values;
    expect(frame.length).toBe(2);
    expect(field('text')).toEqual([
      'Spike, high severity, on eth0: 200 outside 90–110 (2 points)',
      'Drop, low severity, on eth0: 80 outside 90–110 (1 point)',
    ]);
    expect(field('color')).toEqual(['red', 'blue']);
    expect(field('tags')).toEqual([
      ['ntma', 'spike', 'high'],
      ['ntma', 'drop', 'low'],
    ]);
    expect(field('isRegion')).toEqual([true, false]);
  });

  it('is empty when every point is inside its band', () => {
    expect(anomalyAnnotations(answerOf([seriesBand(ETH0, [100, 101])]), { refId: 'A', expr: 'rx' }).length).toBe(0);
  });
});
