/*
 * A bands answer as data frames a standard time series panel draws as a band: per series one frame with the
 * actual values, the forecast and the two bounds, the upper bound filling down to the lower one
 * (custom.fillBelowTo, which Grafana's time series panel and Explore's graph honour), the bounds kept out of
 * the legend. Names are set with displayNameFromDS, so fillBelowTo finds its pair and overrides by name work.
 */
import { type DataFrame, type Field, type FieldConfig, FieldType, type QueryResultMetaNotice } from '@grafana/data';
import type { BandsAnswer, SeriesBand } from '@ntma/contract';
import { seriesName } from './names';

/** Grafana's named colours, one per series in turn: a band takes its series' colour. */
export const SERIES_COLORS = ['green', 'blue', 'orange', 'purple', 'yellow', 'red', 'super-light-blue', 'dark-green'];

/** Opacity of the band's fill, in percent: visible in both themes, the actual line still readable over it. */
export const BAND_FILL_OPACITY = 25;

export interface FrameOptions {
  refId: string;
  expr: string;
  legendFormat?: string;
}

/** The four display names of one series: fillBelowTo and the annotations refer to them. */
export function bandNames(name: string): { actual: string; forecast: string; lower: string; upper: string } {
  return { actual: name, forecast: `${name} forecast`, lower: `${name} lower`, upper: `${name} upper` };
}

function fixedColor(index: number): FieldConfig['color'] {
  return { mode: 'fixed', fixedColor: SERIES_COLORS[index % SERIES_COLORS.length] };
}

function numbers(name: string, values: Array<number | null>, config: FieldConfig, labels: SeriesBand['labels']): Field {
  return { name, type: FieldType.number, values, labels, config };
}

function notices(band: SeriesBand, name: string): QueryResultMetaNotice[] {
  if (band.error) {
    return [{ severity: 'warning', text: `${name}: no band (${band.error})` }];
  }
  const coverage = band.coverage === null ? '' : `, ${Math.round(band.coverage * 1000) / 10}% of points inside`;
  return [{ severity: 'info', text: `${name}: ${band.model}, trained on ${band.trainedOn} points${coverage}` }];
}

/** One frame per answered series: Time, actual, forecast, lower, upper. */
export function bandFrames(answer: BandsAnswer, options: FrameOptions): DataFrame[] {
  const warnings: QueryResultMetaNotice[] = answer.warnings.map((text) => ({ severity: 'warning', text }));
  return answer.series.map((band, index): DataFrame => {
    const name = seriesName(band.labels, options.legendFormat, options.expr);
    const names = bandNames(name);
    const color = fixedColor(index);
    const hiddenFromLegend = { legend: true, tooltip: false, viz: false };
    const fields: Field[] = [
      {
        name: 'Time',
        type: FieldType.time,
        values: band.timestamps.map((t) => t * 1000),
        config: {},
      },
      numbers(
        'actual',
        band.actual,
        { displayNameFromDS: names.actual, color, custom: { lineWidth: 2, fillOpacity: 0 } },
        band.labels,
      ),
      numbers(
        'forecast',
        band.forecast,
        {
          displayNameFromDS: names.forecast,
          color,
          custom: { lineWidth: 1, fillOpacity: 0, lineStyle: { fill: 'dash', dash: [6, 4] } },
        },
        band.labels,
      ),
      numbers(
        'upper',
        band.upper,
        {
          displayNameFromDS: names.upper,
          color,
          custom: {
            lineWidth: 1,
            fillOpacity: BAND_FILL_OPACITY,
            fillBelowTo: names.lower,
            lineStyle: { fill: 'dot', dash: [1, 3] },
            hideFrom: hiddenFromLegend,
          },
        },
        band.labels,
      ),
      numbers(
        'lower',
        band.lower,
        {
          displayNameFromDS: names.lower,
          color,
          custom: {
            lineWidth: 1,
            fillOpacity: 0,
            lineStyle: { fill: 'dot', dash: [1, 3] },
            hideFrom: hiddenFromLegend,
          },
        },
        band.labels,
      ),
    ];
    return {
      refId: options.refId,
      name,
      length: band.timestamps.length,
      fields,
      meta: {
        preferredVisualisationType: 'graph',
        notices: [...notices(band, name), ...(index === 0 ? warnings : [])],
      },
    };
  });
}
