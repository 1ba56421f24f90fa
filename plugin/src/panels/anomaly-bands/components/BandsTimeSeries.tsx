/*
 * The anomaly-bands chart on Grafana's own time series primitives (@grafana/ui's TimeSeries: the uPlot config
 * builder and chart, PlotLegend, the panel context), so hover, drag-to-zoom, the shared crosshair, legend
 * toggling and the standard field options and overrides behave as on Grafana's time series panel.
 *
 * Stable hooks for tests (the chart itself is a canvas):
 * - `data-testid="data-testid ntma-anomaly-mark"` (testIds.panel.mark): one element per drawn anomaly mark, with
 *   `data-t` (unix seconds), `data-kind` (the contract's ExcursionKind), `data-severity` and `data-series`
 *   (the series' display name), placed over the point it marks.
 * - `data-testid="data-testid ntma-band"` (testIds.panel.band): one element per series with a band, with
 *   `data-series`, `data-first`/`data-last` (unix seconds of its first and last banded point), `data-banded`
 *   (banded points) and `data-points` (the series' points with a value).
 * - `data-testid="data-testid ntma-tooltip"` (testIds.panel.tooltip): the hover tooltip.
 */
import React, { useLayoutEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { css } from '@emotion/css';
import type uPlot from 'uplot';
import {
  type AbsoluteTimeRange,
  DashboardCursorSync,
  type DataFrame,
  type EventBus,
  type Field,
  formattedValueToString,
  type GrafanaTheme2,
  type TimeRange,
} from '@grafana/data';
// Values from @grafana/data and @grafana/ui, which Grafana provides at run time; @grafana/schema would be bundled.
import type { TimeZone, VizLegendOptions } from '@grafana/schema';
import {
  EventBusPlugin,
  KeyboardPlugin,
  LegendDisplayMode,
  TimeSeries,
  TooltipPlugin2,
  type UPlotConfigBuilder,
  usePanelContext,
  useStyles2,
  useTheme2,
} from '@grafana/ui';
import { KIND_COLORS, KIND_LABELS } from '@ntma/contract';
import { testIds } from '../../../components/testIds';
import type { ChartData, ChartSeries } from '../chartFrames';
import type { AnomalyMark } from '../marks';

export interface BandsTimeSeriesProps {
  data: ChartData;
  /** Marks per series key. */
  marks: Map<string, AnomalyMark[]>;
  width: number;
  height: number;
  timeRange: TimeRange;
  timeZone: TimeZone;
  onChangeTimeRange: (range: AbsoluteTimeRange) => void;
  eventBus?: EventBus;
}

const LEGEND: VizLegendOptions = {
  showLegend: true,
  displayMode: LegendDisplayMode.List,
  placement: 'bottom',
  calcs: [],
};

// @grafana/ui declares TooltipHoverMode as a const enum, which an isolated module cannot read: xAll (every
// series at the hovered time, as the time series panel's "All" tooltip) is 1.
const HOVER_ALL = 1 as Parameters<typeof TooltipPlugin2>[0]['hoverMode'];

/** uPlot's series index of each chart series' own (actual) field in the joined frame. */
function actualIndexes(aligned: DataFrame, series: ChartSeries[]): Map<string, number> {
  const found = new Map<string, number>();
  aligned.fields.forEach((field, i) => {
    const origin = field.state?.origin;
    const one = series.find((s) => s.frameIndex === origin?.frameIndex);
    if (one && origin?.fieldIndex === 1) {
      found.set(one.key, i);
    }
  });
  return found;
}

export function BandsTimeSeries({
  data,
  marks,
  width,
  height,
  timeRange,
  timeZone,
  onChangeTimeRange,
  eventBus,
}: BandsTimeSeriesProps) {
  const context = usePanelContext();
  const sync = context.sync?.() ?? DashboardCursorSync.Off;
  const bus = eventBus ?? context.eventBus;
  if (data.frames.length === 0) {
    // GraphNG needs at least one frame to join.
    return <div style={{ width, height }} data-testid={testIds.panel.chart} />;
  }
  return (
    <div style={{ position: 'relative' }} data-testid={testIds.panel.chart}>
      <BandHooks data={data} />
      <TimeSeries
        frames={data.frames}
        timeRange={timeRange}
        timeZone={timeZone}
        width={width}
        height={height}
        legend={LEGEND}
      >
        {(config, aligned) => (
          <>
            <KeyboardPlugin config={config} />
            {sync !== DashboardCursorSync.Off && bus && (
              <EventBusPlugin config={config} eventBus={bus} frame={aligned} />
            )}
            <TooltipPlugin2
              config={config}
              hoverMode={HOVER_ALL}
              queryZoom={onChangeTimeRange}
              clientZoom={true}
              syncMode={sync}
              syncScope={context.eventsScope}
              render={(u, dataIdxs) => {
                const idx = dataIdxs.find((i) => i !== null && i !== undefined);
                const t = idx === undefined || idx === null ? undefined : u.data[0][idx];
                return t === undefined ? null : (
                  <BandsTooltip
                    series={data.series}
                    frames={data.frames}
                    marks={marks}
                    t={t / 1000}
                    timeZone={timeZone}
                  />
                );
              }}
            />
            <MarksOverlay config={config} aligned={aligned} series={data.series} marks={marks} />
          </>
        )}
      </TimeSeries>
    </div>
  );
}

/** The test hooks of each band: what it covers, without reading the canvas. */
function BandHooks({ data }: { data: ChartData }) {
  return (
    <div hidden>
      {data.series.map((one) => {
        const frame = data.frames[one.frameIndex];
        const lower = frame?.fields[4]?.values as Array<number | null> | undefined;
        const upper = frame?.fields[3]?.values as Array<number | null> | undefined;
        const banded = one.input.points.filter((_, i) => lower?.[i] != null && upper?.[i] != null);
        if (!one.band || one.hidden || banded.length === 0) {
          return null;
        }
        return (
          <span
            key={one.key}
            data-testid={testIds.panel.band}
            data-series={one.name}
            data-first={banded[0]![0]}
            data-last={banded[banded.length - 1]![0]}
            data-banded={banded.length}
            data-points={one.input.points.filter((p) => p[1] !== null).length}
          />
        );
      })}
    </div>
  );
}

interface MarksOverlayProps {
  config: UPlotConfigBuilder;
  aligned: DataFrame;
  series: ChartSeries[];
  marks: Map<string, AnomalyMark[]>;
}

/**
 * The anomaly marks: dots in the contract's kind colours laid over uPlot's plotting area, placed again on every
 * redraw (zoom, resize, legend toggle). Hovering one shows the tooltip of its time, which names its kind.
 */
function MarksOverlay({ config, aligned, series, marks }: MarksOverlayProps) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const [plot, setPlot] = useState<uPlot>();
  const [, setDrawn] = useState(0);
  useLayoutEffect(() => {
    config.addHook('init', (u) => setPlot(u));
    config.addHook('draw', () => setDrawn((n) => n + 1));
  }, [config]);
  if (!plot) {
    return null;
  }
  const indexes = actualIndexes(aligned, series);
  const width = plot.over.clientWidth;
  const dots = series.flatMap((one) => {
    const index = indexes.get(one.key);
    const scale = index === undefined ? undefined : plot.series[index]?.scale;
    if (one.hidden || !scale) {
      return [];
    }
    return (marks.get(one.key) ?? []).flatMap((mark) => {
      const left = plot.valToPos(mark.t * 1000, 'x');
      const top = plot.valToPos(mark.value, scale);
      return left < 0 || left > width || !Number.isFinite(top) ? [] : [{ one, mark, left, top }];
    });
  });
  return createPortal(
    <>
      {dots.map(({ one, mark, left, top }) => (
        <div
          key={`${one.key}-${mark.t}`}
          className={s.mark}
          style={{ left, top, background: theme.visualization.getColorByName(KIND_COLORS[mark.kind]) }}
          data-testid={testIds.panel.mark}
          data-kind={mark.kind}
          data-severity={mark.severity}
          data-t={mark.t}
          data-series={one.name}
          title={`${KIND_LABELS[mark.kind]} · ${one.name} · score ${mark.score.toFixed(4)}`}
        />
      ))}
    </>,
    plot.over,
  );
}

export interface TooltipProps {
  series: ChartSeries[];
  frames: DataFrame[];
  marks: Map<string, AnomalyMark[]>;
  /** Unix seconds of the hovered point. */
  t: number;
  timeZone: TimeZone;
}

function nearestIndex(points: Array<[number, number | null]>, t: number): number {
  let best = -1;
  let distance = Infinity;
  points.forEach(([pt], i) => {
    if (Math.abs(pt - t) < distance) {
      distance = Math.abs(pt - t);
      best = i;
    }
  });
  return best;
}

/** Actual, forecast, band, score and kind of every visible series at the hovered time. */
export function BandsTooltip({ series, frames, marks, t, timeZone }: TooltipProps) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const time = frames[0]?.fields[0];
  const timeLabel = time?.display ? formattedValueToString(time.display(t * 1000)) : new Date(t * 1000).toISOString();
  return (
    <div className={s.tooltip} data-testid={testIds.panel.tooltip} data-timezone={timeZone}>
      <div className={s.tooltipTime}>{timeLabel}</div>
      <table className={s.tooltipTable}>
        <thead>
          <tr>
            <th />
            <th>actual</th>
            <th>forecast</th>
            <th>band</th>
            <th>score</th>
            <th>kind</th>
          </tr>
        </thead>
        <tbody>
          {series
            .filter((one) => !one.hidden)
            .map((one) => {
              const field = frames[one.frameIndex]?.fields[1];
              const show = (v: number | null | undefined) => (v === null || v === undefined ? '—' : format(field, v));
              const i = nearestIndex(one.input.points, t);
              const at = one.input.points[i]?.[0];
              const b = one.band && at !== undefined ? one.band.timestamps.findIndex((bt) => bt === at) : -1;
              const band = b >= 0 ? one.band : undefined;
              const mark = (marks.get(one.key) ?? []).find((m) => m.t === at);
              return (
                <tr key={one.key}>
                  <td>
                    <span className={s.swatch} style={{ background: one.color }} />
                    {one.name}
                  </td>
                  <td>{show(one.input.points[i]?.[1])}</td>
                  <td>{band ? show(band.forecast[b]) : '—'}</td>
                  <td>{band ? `${show(band.lower[b])} – ${show(band.upper[b])}` : '—'}</td>
                  <td>{band ? (band.score[b] ?? 0).toFixed(4) : '—'}</td>
                  <td>
                    {mark ? (
                      <span style={{ color: theme.visualization.getColorByName(KIND_COLORS[mark.kind]) }}>
                        {KIND_LABELS[mark.kind]}
                      </span>
                    ) : band ? (
                      'in band'
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

/** The value as the series' own field options (unit, decimals) format it. */
function format(field: Field | undefined, value: number): string {
  return field?.display ? formattedValueToString(field.display(value)) : String(value);
}

const MARK_SIZE = 9;

const getStyles = (theme: GrafanaTheme2) => ({
  mark: css({
    position: 'absolute',
    width: MARK_SIZE,
    height: MARK_SIZE,
    marginLeft: -MARK_SIZE / 2,
    marginTop: -MARK_SIZE / 2,
    borderRadius: '50%',
    border: `1px solid ${theme.colors.background.primary}`,
    // The cursor must keep reaching uPlot's overlay beneath, or hover and drag-to-zoom would stop at a mark.
    pointerEvents: 'none',
  }),
  tooltip: css({
    padding: theme.spacing(1),
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
  }),
  tooltipTime: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(0.5) }),
  tooltipTable: css({
    borderCollapse: 'collapse',
    'th, td': { padding: theme.spacing(0.25, 1), textAlign: 'right' },
    'th:first-child, td:first-child': { textAlign: 'left', paddingLeft: 0 },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightRegular },
  }),
  swatch: css({
    display: 'inline-block',
    width: 10,
    height: 3,
    marginRight: theme.spacing(0.75),
    verticalAlign: 'middle',
  }),
});
