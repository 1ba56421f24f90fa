import {
  type DataFrame,
  type Field,
  type FieldConfig,
  FieldColorModeId,
  FieldType,
  getDisplayProcessor,
  getFieldSeriesColor,
  type GrafanaTheme2,
} from '@grafana/data';
import type { GraphFieldConfig } from '@grafana/schema';
import { LineInterpolation } from '@grafana/ui';
import type { SeriesBand } from '@ntma/contract';
import type { InputSeries } from './series';

/** What the chart knows about one series beside its frame: where its actual values sit, its band, its colour. */
export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** Index of this series' frame in the chart's frames. */
  frameIndex: number;
  /** The panel's own points, unix seconds. */
  input: InputSeries;
  band?: SeriesBand;
  /** Hidden by the legend (Grafana's `hideFrom.viz` override on the series' own field). */
  hidden: boolean;
}

export interface ChartData {
  frames: DataFrame[];
  series: ChartSeries[];
}

/** Band fill opacity when the field config sets none: the time series panel's own for a fill below another series. */
export const DEFAULT_BAND_OPACITY = 35;

const BAND_ROLES = ['forecast', 'upper', 'lower'] as const;
type BandRole = (typeof BAND_ROLES)[number];

/** Name of a band field, unique per series: the upper bound's `fillBelowTo` finds the lower one by it. */
export function bandFieldName(key: string, role: BandRole): string {
  return `ntma:${role}:${key}`;
}

function custom(field: Field): GraphFieldConfig {
  return (field.config.custom ?? {}) as GraphFieldConfig;
}

/**
 * A band field drawn with the series' own scale settings (unit, decimals, min, max, axis), in its colour, and
 * left out of the legend and of Grafana's hover events: the legend toggles the series, which hides its band too.
 */
function bandField(
  source: Field,
  key: string,
  name: string,
  role: BandRole,
  values: Array<number | null>,
  color: string,
  hidden: boolean,
  theme: GrafanaTheme2,
): Field {
  const own = custom(source);
  const fillOpacity = own.fillOpacity && own.fillOpacity > 0 ? own.fillOpacity : DEFAULT_BAND_OPACITY;
  const style: GraphFieldConfig =
    role === 'forecast'
      ? { lineWidth: 1, lineStyle: { fill: 'dash', dash: [6, 4] }, fillOpacity: 0 }
      : role === 'upper'
        ? { lineWidth: 0, fillOpacity, fillBelowTo: bandFieldName(key, 'lower') }
        : { lineWidth: 0, fillOpacity: 0 };
  const config: FieldConfig<GraphFieldConfig> = {
    unit: source.config.unit,
    decimals: source.config.decimals,
    min: source.config.min,
    max: source.config.max,
    displayName: `${name} ${role}`,
    color: { mode: FieldColorModeId.Fixed, fixedColor: color },
    custom: {
      // The scale key is built from these: the band must share the series' axis.
      axisPlacement: own.axisPlacement,
      axisSoftMin: own.axisSoftMin,
      axisSoftMax: own.axisSoftMax,
      axisLabel: own.axisLabel,
      scaleDistribution: own.scaleDistribution,
      axisCenteredZero: own.axisCenteredZero,
      lineInterpolation: own.lineInterpolation ?? LineInterpolation.Linear,
      spanNulls: false,
      ...style,
      hideFrom: { legend: true, tooltip: true, viz: hidden },
    },
  };
  const field: Field = { name: bandFieldName(key, role), type: FieldType.number, config, values };
  field.display = getDisplayProcessor({ field, theme });
  return field;
}

/**
 * One frame per series for Grafana's TimeSeries: the panel's own field (with every field option and override
 * Grafana applied to it) and the sidecar's forecast, upper and lower on the same time axis, null where the band
 * has no point. The upper bound fills down to the lower one.
 */
export function chartData(
  input: InputSeries[],
  frames: DataFrame[],
  bands: Map<string, SeriesBand | undefined>,
  theme: GrafanaTheme2,
): ChartData {
  const out: DataFrame[] = [];
  const series: ChartSeries[] = [];
  for (const one of input) {
    const [frameIndex, fieldIndex] = one.key
      .slice(one.key.indexOf('#') + 1)
      .split('.')
      .map(Number) as [number, number];
    const frame = frames[frameIndex];
    const actual = frame?.fields[fieldIndex];
    const time = frame?.fields.find((f) => f.type === FieldType.time);
    if (!frame || !actual || !time) {
      continue;
    }
    const color = getFieldSeriesColor(actual, theme).color;
    const hidden = custom(actual).hideFrom?.viz === true;
    const band = bands.get(one.key);
    // By millisecond: both sides are on the query's step grid, but seconds may carry float noise.
    const at = new Map((band?.timestamps ?? []).map((t, i) => [Math.round(t * 1000), i]));
    const column = (values: Array<number | null> | undefined) =>
      one.points.map(([t]) => {
        const i = at.get(Math.round(t * 1000));
        return i === undefined ? null : (values?.[i] ?? null);
      });
    // The field's fill opacity is the band's (the panel's "Band opacity"); the series itself is a line.
    const line: Field = { ...actual, config: { ...actual.config, custom: { ...custom(actual), fillOpacity: 0 } } };
    const fields: Field[] = [
      time,
      line,
      ...BAND_ROLES.map((role) =>
        bandField(actual, one.key, one.name, role, column(band?.[role]), color, hidden, theme),
      ),
    ];
    series.push({ key: one.key, name: one.name, color, frameIndex: out.length, input: one, band, hidden });
    out.push({ ...frame, fields, length: frame.length });
  }
  return { frames: out, series };
}
