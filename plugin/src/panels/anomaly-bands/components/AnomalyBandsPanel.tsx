import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import {
  formattedValueToString,
  getValueFormat,
  type GrafanaTheme2,
  LoadingState,
  type PanelProps,
} from '@grafana/data';
import { Combobox, Icon, Spinner, useStyles2, useTheme2 } from '@grafana/ui';
import {
  type AnomalyBandsOptions,
  type ExcursionKind,
  type ModelChoice,
  MIN_SEVERITY,
  modelChoice,
  trainProblem,
} from '@ntma/contract';
import { ScaleControls } from '../../../components/ScaleControls/ScaleControls';
import { ACTIONS, userCan } from '../../../permissions';
import { testIds } from '../../../components/testIds';
import { anomalyMarks, recordsForSeries } from '../marks';
import { linkedTargets } from '../target';
import { useBands } from '../useBands';
import { useTargetView } from '../useTargetView';
import { BandsChart, type ChartSeries } from './BandsChart';
import { Legend } from './Legend';

type Props = PanelProps<AnomalyBandsOptions>;

const HEADER_HEIGHT = 36;
// Room for two lines of the message; the full text is in the banner's title.
const ERROR_HEIGHT = 48;
const LEGEND_ROW_HEIGHT = 22;

/** The option problem that stops a request, if any: checked here so it reads as the option's fault. */
function optionProblem(options: AnomalyBandsOptions): { model: ModelChoice; problem?: string } {
  try {
    return { model: modelChoice(options), problem: trainProblem(options.train) };
  } catch (error) {
    return { model: 'auto', problem: error instanceof Error ? error.message : String(error) };
  }
}

export function AnomalyBandsPanel({
  data,
  options,
  width,
  height,
  timeRange,
  timeZone,
  replaceVariables,
  title,
}: Props) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const { model, problem } = optionProblem(options);
  const frames = problem ? NO_FRAMES : data.series;
  const { input, bands } = useBands(
    frames,
    { confidence: options.confidence, train: options.train, model },
    data.request?.intervalMs,
  );
  const [hiddenBands, setHiddenBands] = useState<Set<string>>(new Set());

  const targets = useMemo(() => linkedTargets(options, input, replaceVariables), [options, input, replaceVariables]);
  const [chosenTarget, setChosenTarget] = useState<string>();
  const target = chosenTarget && targets.includes(chosenTarget) ? chosenTarget : targets[0];
  // The scale header is for users who may scale; for the others it would be buttons that answer 403.
  const showScale = options.showScaleButtons && userCan(ACTIONS.scale);
  const targetView = useTargetView(showScale ? target : undefined);

  const unit = input.find((one) => one.unit)?.unit;
  const { formatValue, formatTick } = useMemo(() => {
    const format = getValueFormat(unit ?? 'short');
    return {
      formatValue: (value: number) => formattedValueToString(format(value)),
      formatTick: (value: number, decimals: number) => formattedValueToString(format(value, decimals)),
    };
  }, [unit]);

  const bandByKey = useMemo(
    () => new Map((bands.value?.series ?? []).map((b) => [b.input.key, b.band])),
    [bands.value],
  );

  const chartSeries: ChartSeries[] = useMemo(() => {
    const minSeverity = MIN_SEVERITY[options.sensitivity];
    const watched = bands.value?.watched ?? [];
    return input.map((one, i) => {
      const band = bandByKey.get(one.key);
      const usable = band && !band.error ? band : undefined;
      return {
        key: one.key,
        name: one.name,
        color: theme.visualization.getColorByName(theme.visualization.palette[i % theme.visualization.palette.length]!),
        times: one.points.map((p) => p[0]),
        actual: one.points.map((p) => p[1]),
        band: usable,
        marks: usable ? anomalyMarks(usable, minSeverity, recordsForSeries(watched, usable.labels)) : [],
        showBand: !hiddenBands.has(one.key),
      };
    });
  }, [input, bands.value, bandByKey, hiddenBands, options.sensitivity, theme]);

  if (!problem && input.length === 0) {
    return (
      <div className={s.centered} style={{ width, height }} data-testid={testIds.panel.empty}>
        <Icon name="chart-line" size="xxl" className={s.emptyIcon} />
        <div className={s.emptyTitle}>
          {data.state === LoadingState.Loading ? 'Waiting for data…' : 'No series to band'}
        </div>
        <div className={s.emptyText}>
          This panel draws a forecast band over each time series of its query, for example
          <code className={s.code}>sum by (device) (rate(node_network_receive_bytes_total[5m]))</code>
        </div>
      </div>
    );
  }

  const showHeader = showScale && targets.length > 0;
  const error = problem ?? bands.error?.message;
  const perRow = Math.max(1, Math.floor(width / 220));
  const legendHeight = LEGEND_ROW_HEIGHT * Math.ceil((input.length + 1) / perRow) + 6;
  const chartHeight = Math.max(
    60,
    height - legendHeight - (showHeader ? HEADER_HEIGHT : 0) - (error ? ERROR_HEIGHT : 0),
  );
  const kinds = [...new Set(chartSeries.flatMap((one) => one.marks.map((m) => m.kind)))].sort() as ExcursionKind[];

  return (
    <div className={s.panel} style={{ width, height }} data-testid={testIds.panel.container}>
      {showHeader && target && (
        <div className={s.header}>
          {targets.length > 1 && (
            <div data-testid={testIds.panel.targetSelect}>
              <Combobox
                width={28}
                value={target}
                options={targets.map((t) => ({ label: t, value: t }))}
                onChange={(option) => setChosenTarget(option.value)}
                aria-label="Scale target"
              />
            </div>
          )}
          <ScaleControls
            key={target}
            target={target}
            current={targetView.value?.desired}
            limits={targetView.value?.limits}
            origin={`panel "${title}"`}
            size="sm"
            inline
            onScaled={targetView.reload}
          />
          {targetView.value && (
            <span className={s.replicas}>
              {targetView.value.running}/{targetView.value.desired} running · limits {targetView.value.limits.min}–
              {targetView.value.limits.max}
            </span>
          )}
        </div>
      )}
      {error && (
        <div className={s.error} data-testid={testIds.panel.error} role="alert" title={error}>
          <Icon name="exclamation-triangle" className={s.errorIcon} />
          <div className={s.errorText}>
            <strong>{problem ? 'Check the panel options: ' : 'Bands unavailable: '}</strong>
            {error}
          </div>
        </div>
      )}
      <div className={s.chart}>
        {bands.loading && !problem && (
          <div className={s.loading} data-testid={testIds.panel.loading} role="status">
            <Spinner inline size="sm" /> Fitting forecast bands for {input.length} series…
          </div>
        )}
        <BandsChart
          series={chartSeries}
          width={width}
          height={chartHeight}
          from={timeRange.from.valueOf() / 1000}
          to={timeRange.to.valueOf() / 1000}
          timeZone={timeZone}
          formatValue={formatValue}
          formatTick={formatTick}
        />
      </div>
      <Legend
        items={chartSeries.map((one) => ({
          key: one.key,
          name: one.name,
          color: one.color,
          model: one.band ? bandByKey.get(one.key)?.model : undefined,
          error: bandByKey.get(one.key)?.error,
          hasBand: one.band !== undefined,
          showBand: one.showBand,
        }))}
        kinds={kinds}
        onToggleBand={(key) =>
          setHiddenBands((hidden) => {
            const next = new Set(hidden);
            if (!next.delete(key)) {
              next.add(key);
            }
            return next;
          })
        }
      />
    </div>
  );
}

const NO_FRAMES: Props['data']['series'] = [];

const getStyles = (theme: GrafanaTheme2) => ({
  panel: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  header: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    height: HEADER_HEIGHT,
    flexShrink: 0,
  }),
  replicas: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    whiteSpace: 'nowrap',
    flexShrink: 0,
  }),
  error: css({
    flexShrink: 0,
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    height: ERROR_HEIGHT - 4,
    marginBottom: 4,
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.radius.default,
    background: theme.colors.error.transparent,
    borderLeft: `3px solid ${theme.colors.error.border}`,
    color: theme.colors.text.primary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  errorIcon: css({ color: theme.colors.error.text, flexShrink: 0, marginTop: 2 }),
  errorText: css({
    overflow: 'hidden',
    display: '-webkit-box',
    WebkitLineClamp: 2,
    WebkitBoxOrient: 'vertical',
  }),
  chart: css({ position: 'relative', flex: 1, minHeight: 0 }),
  loading: css({
    position: 'absolute',
    top: theme.spacing(0.5),
    right: theme.spacing(1),
    zIndex: 1,
    padding: theme.spacing(0.25, 1),
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  centered: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    textAlign: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(2),
  }),
  emptyIcon: css({ color: theme.colors.text.disabled }),
  emptyTitle: css({ fontSize: theme.typography.h5.fontSize }),
  emptyText: css({ color: theme.colors.text.secondary, maxWidth: 520 }),
  code: css({ display: 'block', marginTop: theme.spacing(1) }),
});
