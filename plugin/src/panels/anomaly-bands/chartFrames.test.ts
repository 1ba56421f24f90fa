import { createTheme, FieldColorModeId } from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';
import type { BandsAnswer } from '@ntma/contract';
import { fakeBands } from '../../testing/bands';
import { seriesFrame, T0 } from '../../testing/panelProps';
import { bandFieldName, chartData, DEFAULT_BAND_OPACITY } from './chartFrames';
import { seriesFromFrames } from './series';

const theme = createTheme();

function banded(values: number[]) {
  const frames = [seriesFrame({ device: 'eth0' }, values)];
  frames[0]!.fields[1]!.config = { ...frames[0]!.fields[1]!.config, unit: 'Bps', decimals: 2, min: 0, max: 50 };
  const input = seriesFromFrames(frames, 60_000);
  const answer = fakeBands()({
    url: '',
    data: { series: input.map((s) => ({ id: s.key, labels: s.labels, points: s.points })) },
  }).body as BandsAnswer;
  return { frames, input, bands: new Map(answer.series.map((b) => [b.id, b])) };
}

describe('chartData', () => {
  it("keeps the series' own field and adds forecast, upper and lower on its time axis, null before the band", () => {
    const { frames, input, bands } = banded([10, 10, 10, 10, 20, 10]);
    const chart = chartData(input, frames, bands, theme);

    const fields = chart.frames[0]!.fields;
    expect(fields.map((f) => f.name)).toEqual([
      'Time',
      'Value',
      bandFieldName('A#0.1', 'forecast'),
      bandFieldName('A#0.1', 'upper'),
      bandFieldName('A#0.1', 'lower'),
    ]);
    // The series' own field with its values and options, drawn as a line: its fill opacity is the band's.
    expect(fields[1]!.values).toBe(frames[0]!.fields[1]!.values);
    expect(fields[1]!.config).toMatchObject({ unit: 'Bps', decimals: 2, custom: { fillOpacity: 0 } });
    // The fake trains on the first half (3 points) and bands the rest around their mean, 10 ± 1.
    expect(Array.from(fields[3]!.values)).toEqual([null, null, null, 11, 11, 11]);
    expect(Array.from(fields[4]!.values)).toEqual([null, null, null, 9, 9, 9]);
    expect(chart.series[0]).toMatchObject({ key: 'A#0.1', name: 'eth0', frameIndex: 0, hidden: false });
    expect(chart.series[0]!.input.points[0]![0]).toBe(T0);
  });

  it("fills the upper bound down to the lower one, on the series' scale and colour, out of legend and tooltip", () => {
    const { frames, input, bands } = banded([10, 10, 10, 10, 20, 10]);
    const chart = chartData(input, frames, bands, theme);
    const [, , forecast, upper, lower] = chart.frames[0]!.fields;
    const color = chart.series[0]!.color;

    for (const field of [forecast!, upper!, lower!]) {
      expect(field.config).toMatchObject({ unit: 'Bps', decimals: 2, min: 0, max: 50 });
      expect(field.config.color).toEqual({ mode: FieldColorModeId.Fixed, fixedColor: color });
      expect((field.config.custom as GraphFieldConfig).hideFrom).toEqual({ legend: true, tooltip: true, viz: false });
    }
    expect((upper!.config.custom as GraphFieldConfig).fillBelowTo).toBe(lower!.name);
    expect((upper!.config.custom as GraphFieldConfig).fillOpacity).toBe(DEFAULT_BAND_OPACITY);
    expect((forecast!.config.custom as GraphFieldConfig).lineStyle).toEqual({ fill: 'dash', dash: [6, 4] });
  });

  it('hides the band with its series when the legend hides the series, and takes the opacity the user set', () => {
    const { frames, input, bands } = banded([10, 10, 10, 10, 20, 10]);
    frames[0]!.fields[1]!.config.custom = { hideFrom: { viz: true, legend: false, tooltip: false }, fillOpacity: 40 };
    const chart = chartData(input, frames, bands, theme);

    expect(chart.series[0]!.hidden).toBe(true);
    const upper = chart.frames[0]!.fields[3]!.config.custom as GraphFieldConfig;
    expect(upper.hideFrom?.viz).toBe(true);
    expect(upper.fillOpacity).toBe(40);
  });
});
