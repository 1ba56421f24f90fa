import {
  createDataFrame,
  type DataFrame,
  dateTime,
  FieldType,
  LoadingState,
  type PanelProps,
  type TimeRange,
} from '@grafana/data';
import { DEFAULT_PANEL_OPTIONS as DEFAULT_OPTIONS, type AnomalyBandsOptions } from '@ntma/contract';

export const T0 = 1_700_000_000;
export const STEP = 60;

/** A Prometheus-like frame: one time field and one value field carrying the series' labels. */
export function seriesFrame(labels: Record<string, string>, values: Array<number | null>, refId = 'A'): DataFrame {
  return createDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => (T0 + i * STEP) * 1000) },
      { name: 'Value', type: FieldType.number, values, labels, config: { displayNameFromDS: labels.device } },
    ],
  });
}

export function timeRangeOf(points: number): TimeRange {
  const from = dateTime(T0 * 1000);
  const to = dateTime((T0 + (points - 1) * STEP) * 1000);
  return { from, to, raw: { from, to } };
}

export function panelProps(
  frames: DataFrame[],
  options: Partial<AnomalyBandsOptions> = {},
  points = 40,
): PanelProps<AnomalyBandsOptions> {
  const timeRange = timeRangeOf(points);
  return {
    id: 1,
    // The interval Grafana queried with, which the panel sends as the step.
    data: { series: frames, state: LoadingState.Done, timeRange, request: { intervalMs: STEP * 1000 } },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    transparent: false,
    width: 800,
    height: 400,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Receive rate',
    eventBus: {
      publish: jest.fn(),
      subscribe: jest.fn(),
      getStream: jest.fn(),
      removeAllListeners: jest.fn(),
      newScopedBus: jest.fn(),
    },
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    replaceVariables: (value: string) => value.replace('$service', 'web'),
    onChangeTimeRange: jest.fn(),
  } as unknown as PanelProps<AnomalyBandsOptions>;
}

/** A flat series with spikes at the given indexes (values 10, spikes 20). */
export function withSpikes(points: number, spikes: number[], base = 10): number[] {
  return Array.from({ length: points }, (_, i) => (spikes.includes(i) ? base * 2 : base));
}
