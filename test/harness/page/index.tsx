/*
 * The browser harness: the plugin's real panel and app pages, with the real @grafana/ui and @grafana/data, on a
 * plain page. The harness server proxies /api/plugin-proxy/ntma-anomaly-app/sidecar/* to a real sidecar (adding
 * the token, as Grafana's plugin proxy does) and /api/datasources/proxy/uid/prometheus/* to a real Prometheus.
 *
 * The URL says what to show: ?view=panel|datasource|overview|audit (datasource: DatasourceView.tsx), &theme=light|dark, and for the panel &query, &from,
 * &to (unix seconds), &step, &legend (label naming each series), &target (a fixed scale target) and
 * &confidence, or &options (a dashboard panel's saved options, JSON) with &vars (its dashboard variables, JSON:
 * {"project": "shop"} replaces $project and ${project}) and &title; &role=Viewer shows the pages as a Viewer
 * sees them (default Editor).
 */
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  createTheme,
  type DataFrame,
  dateTime,
  LoadingState,
  OrgRole,
  type PanelProps,
  ThemeContext,
} from '@grafana/data';
import { config, setBackendSrv } from '@grafana/runtime';
import { Alert, GlobalStyles } from '@grafana/ui';
import { AnomalyBandsPanel } from '../../../plugin/src/panels/anomaly-bands/components/AnomalyBandsPanel';
import { DEFAULT_PANEL_OPTIONS as DEFAULT_OPTIONS, type AnomalyBandsOptions } from '@ntma/contract';
import Audit from '../../../plugin/src/pages/Audit';
import Overview from '../../../plugin/src/pages/Overview';
import { harnessBackendSrv } from './backendSrv';
import { DatasourceView } from './DatasourceView';
import { framesFromMatrix } from './prometheusFrames';

setBackendSrv(harnessBackendSrv);

const params = new URLSearchParams(window.location.search);
// Grafana's boot data names the signed-in user's role; the pages hide what that role may not do.
config.bootData.user = {
  ...config.bootData.user,
  orgRole: params.get('role') === 'Viewer' ? OrgRole.Viewer : OrgRole.Editor,
};
const mode = params.get('theme') === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });

function usePrometheusFrames(): { frames?: DataFrame[]; error?: string } {
  const [state, setState] = useState<{ frames?: DataFrame[]; error?: string }>({});
  useEffect(() => {
    const query = new URLSearchParams({
      query: params.get('query') ?? '',
      start: params.get('from') ?? '',
      end: params.get('to') ?? '',
      step: params.get('step') ?? '60',
    });
    fetch(`/api/datasources/proxy/uid/prometheus/api/v1/query_range?${query}`)
      .then((response) => response.json())
      .then((answer) =>
        setState({
          frames: framesFromMatrix(answer, params.get('legend') ?? 'device', Number(params.get('step') ?? '60')),
        }),
      )
      .catch((error: unknown) => setState({ error: String(error) }));
  }, []);
  return state;
}

function PanelView() {
  const { frames, error } = usePrometheusFrames();
  if (error) {
    return <Alert title="The harness could not query Prometheus">{error}</Alert>;
  }
  if (!frames) {
    return <div>Querying Prometheus…</div>;
  }
  const from = dateTime(Number(params.get('from')) * 1000);
  const to = dateTime(Number(params.get('to')) * 1000);
  const timeRange = { from, to, raw: { from, to } };
  const target = params.get('target');
  const saved = params.get('options');
  const options: AnomalyBandsOptions = saved
    ? { ...DEFAULT_OPTIONS, ...(JSON.parse(saved) as Partial<AnomalyBandsOptions>) }
    : {
        ...DEFAULT_OPTIONS,
        confidence: Number(params.get('confidence') ?? DEFAULT_OPTIONS.confidence),
        ...(target ? { targetMode: 'fixed' as const, scaleTarget: target } : {}),
      };
  const vars = JSON.parse(params.get('vars') ?? '{}') as Record<string, string>;
  const replaceVariables = (value: string) =>
    value.replace(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g, (whole, name: string) => vars[name] ?? whole);
  const title = params.get('title') ?? 'Receive rate';
  const props = {
    id: 1,
    data: {
      series: frames,
      state: LoadingState.Done,
      timeRange,
      request: { intervalMs: Number(params.get('step') ?? '60') * 1000 },
    },
    timeRange,
    timeZone: 'utc',
    options,
    transparent: false,
    width: 960,
    height: 380,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title,
    eventBus: undefined,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables,
    onChangeTimeRange: () => {},
  } as unknown as PanelProps<AnomalyBandsOptions>;
  return (
    <div className="harness-panel" style={{ padding: 8, width: 976, background: theme.colors.background.primary }}>
      <div style={{ fontWeight: 500, marginBottom: 4 }}>{title}</div>
      <AnomalyBandsPanel {...props} />
    </div>
  );
}

function Harness() {
  const view = params.get('view') ?? 'panel';
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      <div style={{ padding: 16 }} data-harness-ready="true">
        {view === 'panel' && <PanelView />}
        {view === 'datasource' && (
          <div
            className="harness-panel"
            style={{ padding: 8, width: 976, background: theme.colors.background.primary }}
          >
            <div style={{ fontWeight: 500, marginBottom: 4 }}>
              {params.get('title') ?? 'Receive rate (NTMA bands data source)'}
            </div>
            <DatasourceView params={params} theme={theme} />
          </div>
        )}
        {view === 'overview' && <Overview />}
        {view === 'audit' && <Audit />}
      </div>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
