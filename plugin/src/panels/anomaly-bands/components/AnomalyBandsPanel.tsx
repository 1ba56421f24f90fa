import React, { useMemo, useState } from 'react';
import { css } from '@emotion/css';
import { type GrafanaTheme2, LoadingState, type PanelProps } from '@grafana/data';
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
import type { InputSeries } from '../series';
import { bandSource } from '../source';
import { useBands, useInputSeries } from '../useBands';
import { useTargetView } from '../useTargetView';
import { chartData } from '../chartFrames';
import { BandsInfo } from './BandsInfo';
import { BandsTimeSeries } from './BandsTimeSeries';

type Props = PanelProps<AnomalyBandsOptions>;

const HEADER_HEIGHT = 36;
// Room for two lines of the message; the full text is in the banner's title.
const ERROR_HEIGHT = 48;
const INFO_HEIGHT = 22;
const NOTICE_HEIGHT = 20;

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
  onChangeTimeRange,
  eventBus,
  title,
}: Props) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const { model, problem } = optionProblem(options);
  const frames = data.series;
  const input = useInputSeries(frames, data.request?.intervalMs);
  // A bad option asks the sidecar nothing; the series are still drawn, without bands.
  const requested = problem ? NO_INPUT : input;
  const source = useMemo(
    () => bandSource(data.request?.targets, input, replaceVariables, data.request?.scopedVars),
    [data.request?.targets, data.request?.scopedVars, input, replaceVariables],
  );
  const bands = useBands(requested, source, { confidence: options.confidence, train: options.train, model });

  const targets = useMemo(() => linkedTargets(options, input, replaceVariables), [options, input, replaceVariables]);
  const [chosenTarget, setChosenTarget] = useState<string>();
  const target = chosenTarget && targets.includes(chosenTarget) ? chosenTarget : targets[0];
  // The scale header is for users who may scale; for the others it would be buttons that answer 403.
  const showScale = options.showScaleButtons && userCan(ACTIONS.scale);
  const targetView = useTargetView(showScale ? target : undefined);

  const bandByKey = useMemo(
    () => new Map((bands.value?.series ?? []).map((b) => [b.input.key, b.band])),
    [bands.value],
  );
  const usableBands = useMemo(
    () => new Map([...bandByKey].map(([key, band]) => [key, band && !band.error ? band : undefined])),
    [bandByKey],
  );
  const chart = useMemo(() => chartData(input, frames, usableBands, theme), [input, frames, usableBands, theme]);
  const marks = useMemo(() => {
    const minSeverity = MIN_SEVERITY[options.sensitivity];
    const watched = bands.value?.watched ?? [];
    return new Map(
      chart.series.map((one) => [
        one.key,
        one.band ? anomalyMarks(one.band, minSeverity, recordsForSeries(watched, one.band.labels)) : [],
      ]),
    );
  }, [chart, bands.value, options.sensitivity]);

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
  const chartHeight = Math.max(
    80,
    height -
      INFO_HEIGHT -
      (showHeader ? HEADER_HEIGHT : 0) -
      (error ? ERROR_HEIGHT : 0) -
      (source.kind === 'series' ? NOTICE_HEIGHT : 0),
  );
  const kinds = [...new Set([...marks.values()].flatMap((list) => list.map((m) => m.kind)))].sort() as ExcursionKind[];

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
      {source.kind === 'series' && (
        <div className={s.notice} data-testid={testIds.panel.trainingNotice} title={source.reason}>
          <Icon name="info-circle" size="sm" />
          The band starts after its training part ({options.train.trim() || 'the first half of the range'}):{' '}
          {source.reason}.
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
        <BandsTimeSeries
          data={chart}
          marks={marks}
          width={width}
          height={chartHeight}
          timeRange={timeRange}
          timeZone={timeZone}
          onChangeTimeRange={onChangeTimeRange}
          eventBus={eventBus}
        />
      </div>
      <BandsInfo
        items={chart.series.map((one) => ({
          key: one.key,
          name: one.name,
          model: one.band?.model,
          error: bandByKey.get(one.key)?.error,
        }))}
        kinds={kinds}
      />
    </div>
  );
}

const NO_INPUT: InputSeries[] = [];

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
  notice: css({
    flexShrink: 0,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    height: NOTICE_HEIGHT,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
    textOverflow: 'ellipsis',
    color: theme.colors.text.secondary,
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
