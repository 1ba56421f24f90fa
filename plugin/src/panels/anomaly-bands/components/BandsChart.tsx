import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { type TimeZone } from '@grafana/schema';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../../components/testIds';
import { KIND_COLORS, KIND_LABELS } from '@ntma/contract';
import type { AnomalyMark } from '../marks';
import { bandPath, linePath, linearScale, nearestIndex, niceTicks, timeTicks, valueExtent } from '../geometry';

/** One series as the chart draws it. */
export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  /** The panel's own points, over the whole range. */
  times: number[];
  actual: Array<number | null>;
  band?: {
    timestamps: number[];
    forecast: Array<number | null>;
    lower: Array<number | null>;
    upper: Array<number | null>;
    score: number[];
  };
  marks: AnomalyMark[];
  showBand: boolean;
}

export interface BandsChartProps {
  series: ChartSeries[];
  width: number;
  height: number;
  /** Unix seconds. */
  from: number;
  to: number;
  timeZone: TimeZone;
  formatValue: (value: number) => string;
  /** Axis labels: the same, with a fixed number of decimals so neighbouring ticks never read alike. */
  formatTick?: (value: number, decimals: number) => string;
}

const MARGIN = { top: 8, right: 12, bottom: 22, left: 64 };
/** Approximate width of one axis label character at the small font size. */
const CHAR_WIDTH = 7;

/**
 * Axis labels that tell every tick apart: the unit's own formatting first, then more decimals while two
 * labels still read alike (a flat series has ticks like 0.95, 1, 1.05 that would all read "1").
 */
export function tickLabels(
  ticks: number[],
  formatValue: (value: number) => string,
  formatTick?: (value: number, decimals: number) => string,
): string[] {
  const distinct = (labels: string[]) => new Set(labels).size === labels.length;
  let labels = ticks.map(formatValue);
  for (let decimals = 1; formatTick && !distinct(labels) && decimals <= 6; decimals++) {
    labels = ticks.map((v) => formatTick(v, decimals));
  }
  return labels;
}

export function BandsChart({ series, width, height, from, to, timeZone, formatValue, formatTick }: BandsChartProps) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const [hover, setHover] = useState<{ t: number; x: number; y: number }>();

  const plotHeight = Math.max(10, height - MARGIN.top - MARGIN.bottom);

  const { x, y, yTicks, xTicks, left, plotWidth } = useMemo(() => {
    const values: Array<number | null> = [];
    for (const one of series) {
      values.push(...one.actual);
      if (one.band && one.showBand) {
        values.push(...one.band.lower, ...one.band.upper);
      }
    }
    const [lo, hi] = valueExtent(values);
    const ticks = niceTicks(lo, hi, Math.max(2, Math.floor(plotHeight / 40)));
    const labels = tickLabels(ticks, formatValue, formatTick);
    const yTicks = ticks.map((v, i) => ({ v, label: labels[i]! }));
    // The axis is as wide as its longest label, so labels are never cut at the panel's edge.
    const left = Math.max(MARGIN.left, 12 + CHAR_WIDTH * Math.max(0, ...yTicks.map((t) => t.label.length)));
    const plotWidth = Math.max(10, width - left - MARGIN.right);
    return {
      x: linearScale([from, to], [0, plotWidth]),
      y: linearScale([lo, hi], [plotHeight, 0]),
      yTicks,
      xTicks: timeTicks(from, to, Math.max(2, Math.floor(plotWidth / 110))),
      left,
      plotWidth,
    };
  }, [series, from, to, width, plotHeight, formatValue, formatTick]);

  const span = to - from;
  const timeFormat = span <= 86400 ? 'HH:mm' : span <= 7 * 86400 ? 'MM/DD HH:mm' : 'YYYY-MM-DD';

  const onMove = (event: React.MouseEvent<SVGRectElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const t = from + (px / plotWidth) * span;
    setHover({ t, x: px + left, y: event.clientY - rect.top + MARGIN.top });
  };

  return (
    <div className={s.wrapper} style={{ width, height }}>
      <svg
        width={width}
        height={height}
        role="img"
        aria-label="Series with forecast bands"
        data-testid={testIds.panel.chart}
      >
        <g transform={`translate(${left},${MARGIN.top})`}>
          {yTicks.map(({ v, label }) => (
            <g key={`y${v}`}>
              <line x1={0} x2={plotWidth} y1={y(v)} y2={y(v)} stroke={theme.colors.border.weak} />
              <text x={-6} y={y(v)} dy="0.32em" textAnchor="end" className={s.tick}>
                {label}
              </text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text
              key={`x${t}`}
              x={x(t)}
              y={plotHeight + 16}
              // Labels at the very ends would be clipped by the SVG's edge if centred.
              textAnchor={x(t) > plotWidth - 24 ? 'end' : x(t) < 24 ? 'start' : 'middle'}
              className={s.tick}
            >
              {dateTimeFormat(t * 1000, { format: timeFormat, timeZone })}
            </text>
          ))}
          {series.map(
            (one) =>
              one.band &&
              one.showBand && (
                <g key={`band-${one.key}`}>
                  <path
                    d={bandPath(one.band.timestamps, one.band.lower, one.band.upper, x, y)}
                    fill={one.color}
                    fillOpacity={theme.isDark ? 0.18 : 0.14}
                    stroke="none"
                    data-testid={testIds.panel.band}
                    data-series={one.name}
                    data-banded={
                      one.band.timestamps.filter((_, i) => one.band!.lower[i] != null && one.band!.upper[i] != null)
                        .length
                    }
                  />
                  <path
                    d={linePath(one.band.timestamps, one.band.forecast, x, y)}
                    fill="none"
                    stroke={one.color}
                    strokeOpacity={0.7}
                    strokeDasharray="4 3"
                    strokeWidth={1}
                    data-testid={testIds.panel.forecast}
                  />
                </g>
              ),
          )}
          {series.map((one) => (
            <path
              key={`line-${one.key}`}
              d={linePath(one.times, one.actual, x, y)}
              fill="none"
              stroke={one.color}
              strokeWidth={1.5}
              data-testid={testIds.panel.series}
              data-series={one.name}
            />
          ))}
          {series.map((one) =>
            one.marks.map((mark) => (
              <circle
                key={`mark-${one.key}-${mark.t}`}
                cx={x(mark.t)}
                cy={y(mark.value)}
                r={4}
                fill={theme.visualization.getColorByName(KIND_COLORS[mark.kind])}
                stroke={theme.colors.background.primary}
                strokeWidth={1}
                data-testid={testIds.panel.mark}
                data-kind={mark.kind}
                data-severity={mark.severity}
                data-t={mark.t}
              >
                <title>{`${KIND_LABELS[mark.kind]} · ${one.name} · score ${mark.score.toFixed(4)}`}</title>
              </circle>
            )),
          )}
          {hover && (
            <line
              x1={hover.x - left}
              x2={hover.x - left}
              y1={0}
              y2={plotHeight}
              stroke={theme.colors.text.secondary}
              strokeDasharray="2 2"
            />
          )}
          <rect
            width={plotWidth}
            height={plotHeight}
            fill="transparent"
            onMouseMove={onMove}
            onMouseLeave={() => setHover(undefined)}
            data-testid={testIds.panel.hoverArea}
          />
        </g>
      </svg>
      {hover && (
        <Tooltip
          series={series}
          t={hover.t}
          left={hover.x}
          top={hover.y}
          width={width}
          timeLabel={dateTimeFormat(hover.t * 1000, { format: 'YYYY-MM-DD HH:mm:ss', timeZone })}
          formatValue={formatValue}
        />
      )}
    </div>
  );
}

interface TooltipProps {
  series: ChartSeries[];
  t: number;
  left: number;
  top: number;
  width: number;
  timeLabel: string;
  formatValue: (value: number) => string;
}

/** Actual, forecast, bounds and score of every series at the hovered time. */
function Tooltip({ series, t, left, top, width, timeLabel, formatValue }: TooltipProps) {
  const s = useStyles2(getStyles);
  const show = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatValue(v));
  const flip = left > width / 2;
  return (
    <div
      className={s.tooltip}
      style={flip ? { right: width - left + 12, top } : { left: left + 12, top }}
      data-testid={testIds.panel.tooltip}
      role="tooltip"
    >
      <div className={s.tooltipTime}>{timeLabel}</div>
      <table className={s.tooltipTable}>
        <thead>
          <tr>
            <th />
            <th>actual</th>
            <th>forecast</th>
            <th>band</th>
            <th>score</th>
          </tr>
        </thead>
        <tbody>
          {series.map((one) => {
            const i = nearestIndex(one.times, t);
            const b = one.band ? nearestIndex(one.band.timestamps, t) : -1;
            const band = one.band && b >= 0 && one.band.timestamps[b] === one.times[i] ? one.band : undefined;
            return (
              <tr key={one.key}>
                <td>
                  <span className={s.swatch} style={{ background: one.color }} />
                  {one.name}
                </td>
                <td>{show(one.actual[i])}</td>
                <td>{band ? show(band.forecast[b]) : '—'}</td>
                <td>{band ? `${show(band.lower[b])} – ${show(band.upper[b])}` : '—'}</td>
                <td>{band ? (band.score[b] ?? 0).toFixed(4) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({ position: 'relative' }),
  tick: css({ fill: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  tooltip: css({
    position: 'absolute',
    pointerEvents: 'none',
    zIndex: theme.zIndex.tooltip,
    background: theme.colors.background.elevated,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    boxShadow: theme.shadows.z2,
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
