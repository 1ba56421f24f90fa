/*
 * The NTMA bands data source as a standard time series panel uses it: the real data source queries the real
 * sidecar (through the harness's proxy at the app's proxy path, where Grafana's plugin proxy would be), and its
 * frames, after Grafana's field-config processing, are drawn by @grafana/ui's TimeSeries (the uPlot chart the
 * core time series panel is built on) inside a PanelContext. Grafana's core panel itself cannot run outside
 * Grafana.
 *
 * URL: ?view=datasource&query&from&to (unix seconds)&step&confidence&train&legend&theme, and &fill=off to drop
 * the fill config (the test compares the two drawings). The query's answer is left on window.ntmaDatasource
 * for the test to read.
 */
import React, { useEffect, useMemo, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import {
  applyFieldOverrides,
  type DataFrame,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  dateTime,
  EventBusSrv,
  type GrafanaTheme2,
} from '@grafana/data';
import { LegendDisplayMode } from '@grafana/schema';
import { Alert, PanelContextProvider, TimeSeries } from '@grafana/ui';
import { BandsDataSource } from '../../../plugin/src/datasources/bands/datasource';
import type { BandsQuery } from '../../../plugin/src/datasources/bands/types';

declare global {
  interface Window {
    ntmaDatasource?: DataQueryResponse;
  }
}

const SETTINGS = {
  uid: 'ntma-bands',
  type: 'ntma-bands-datasource',
  name: 'NTMA bands',
  id: 1,
  meta: { id: 'ntma-bands-datasource' },
  jsonData: {},
  readOnly: true,
  access: 'proxy',
} as unknown as DataSourceInstanceSettings;

const WIDTH = 960;
const HEIGHT = 380;

function withoutFill(frames: DataFrame[]): DataFrame[] {
  return frames.map((frame) => ({
    ...frame,
    fields: frame.fields.map((field) => {
      const custom = { ...(field.config.custom as Record<string, unknown> | undefined) };
      delete custom.fillBelowTo;
      return { ...field, config: { ...field.config, custom: { ...custom, fillOpacity: 0 } } };
    }),
  }));
}

export function DatasourceView({ params, theme }: { params: URLSearchParams; theme: GrafanaTheme2 }) {
  const [response, setResponse] = useState<DataQueryResponse>();
  const [failure, setFailure] = useState<string>();
  const timeRange = useMemo(() => {
    const from = dateTime(Number(params.get('from')) * 1000);
    const to = dateTime(Number(params.get('to')) * 1000);
    return { from, to, raw: { from, to } };
  }, [params]);

  useEffect(() => {
    // The data source's default transport: getBackendSrv().fetch to /api/plugin-proxy/ntma-anomaly-app/sidecar.
    const datasource = new BandsDataSource(SETTINGS, { templateSrv: { replace: (text = '') => text } });
    const confidence = params.get('confidence');
    const query: BandsQuery = {
      refId: 'A',
      expr: params.get('query') ?? '',
      ...(confidence ? { confidence: Number(confidence) } : {}),
      ...(params.get('train') ? { train: params.get('train')! } : {}),
      ...(params.get('legend') ? { legendFormat: params.get('legend')! } : {}),
    };
    const stepMs = Number(params.get('step') ?? '60') * 1000;
    const request = {
      requestId: 'harness',
      app: 'panel-viewer',
      interval: `${stepMs / 1000}s`,
      intervalMs: stepMs,
      maxDataPoints: WIDTH,
      range: timeRange,
      scopedVars: {},
      targets: [query],
      timezone: 'utc',
      startTime: Date.now(),
    } as DataQueryRequest<BandsQuery>;
    lastValueFrom(datasource.query(request))
      .then((answer) => {
        window.ntmaDatasource = answer;
        setResponse(answer);
      })
      .catch((error: unknown) => setFailure(String(error)));
  }, [params, timeRange]);

  const frames = useMemo(() => {
    if (!response) {
      return [];
    }
    // As Grafana's panel query runner does: annotation frames go to annotations, the rest through field config.
    const series = (response.data as DataFrame[]).filter((f) => f.meta?.dataTopic !== 'annotations');
    const drawn = params.get('fill') === 'off' ? withoutFill(series) : series;
    return applyFieldOverrides({
      data: drawn,
      fieldConfig: { defaults: {}, overrides: [] },
      replaceVariables: (value: string) => value,
      theme,
      timeZone: 'utc',
    });
  }, [response, params, theme]);

  if (failure || response?.errors?.length) {
    return (
      <Alert title="The bands query failed" data-testid="data-testid ntma-datasource-error">
        {failure ?? response?.errors?.map((e) => e.message).join('; ')}
      </Alert>
    );
  }
  if (!response) {
    return <div>Querying the NTMA bands data source…</div>;
  }
  return (
    <div data-testid="data-testid ntma-datasource-panel" data-frames={frames.length}>
      <PanelContextProvider value={{ eventsScope: 'harness', eventBus: new EventBusSrv() }}>
        <TimeSeries
          frames={frames}
          width={WIDTH}
          height={HEIGHT}
          timeRange={timeRange}
          timeZone="utc"
          legend={{ showLegend: true, displayMode: LegendDisplayMode.List, placement: 'bottom', calcs: [] }}
        />
      </PanelContextProvider>
    </div>
  );
}
