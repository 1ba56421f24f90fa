/*
 * The browser harness: the plugin's real panel and app pages, with the real @grafana/ui and @grafana/data, on a
 * plain page. The harness server proxies /api/plugin-proxy/ntma-anomaly-app/sidecar/* to a real sidecar (adding
 * the token, as Grafana's plugin proxy does) and /api/datasources/proxy/uid/prometheus/* to a real Prometheus.
 *
 * The URL says what to show: ?view=panel|datasource|overview|audit (datasource: DatasourceView.tsx), &theme=light|dark, and for the panel &query, &from,
 * &to (unix seconds), &step, &legend (label naming each series), &target (a fixed scale target) and
 * &confidence and &train, &datasource (the uid the query names; default `prometheus`, the sidecar's), or &options (a dashboard panel's saved options, JSON) with &vars (its dashboard variables, JSON:
 * {"project": "shop"} replaces $project and ${project}), &fieldConfig (the panel's field config, JSON) and &title; &role=Viewer shows the pages as a Viewer
 * sees them (default Editor).
 */
import React, { useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  type AbsoluteTimeRange,
  applyFieldOverrides,
  type ConfigOverrideRule,
  createTheme,
  DashboardCursorSync,
  EventBusSrv,
  FieldMatcherID,
  type FieldConfigSource,
  type DataFrame,
  dateTime,
  LoadingState,
  OrgRole,
  type PanelProps,
  ThemeContext,
} from '@grafana/data';
import { config, setBackendSrv } from '@grafana/runtime';
import { Alert, GlobalStyles, type PanelContext, PanelContextProvider } from '@grafana/ui';
import { plugin } from '../../../plugin/src/panels/anomaly-bands/module';
import { AnomalyBandsPanel } from '../../../plugin/src/panels/anomaly-bands/components/AnomalyBandsPanel';
import { DEFAULT_PANEL_OPTIONS as DEFAULT_OPTIONS, type AnomalyBandsOptions } from '@ntma/contract';
import Audit from '../../../plugin/src/pages/Audit';
import Overview from '../../../plugin/src/pages/Overview';
import { harnessBackendSrv } from './backendSrv';
import { DatasourceView } from './DatasourceView';
import { installRegistries } from './registries';
import { framesFromMatrix } from './prometheusFrames';

setBackendSrv(harnessBackendSrv);
installRegistries();

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

/**
 * What a dashboard does for a panel's legend: a click shows only that series (an override hiding the others, as
 * Grafana's "isolate" override does), a click on the only shown one shows all again.
 */
function useSeriesVisibility(): { overrides: ConfigOverrideRule[]; toggle: (label: string) => void } {
  const [shown, setShown] = useState<string>();
  // One array per choice: a new one on every render would re-apply the overrides and refetch the bands.
  const overrides = useMemo<ConfigOverrideRule[]>(
    () =>
      shown
        ? [
            {
              matcher: {
                id: FieldMatcherID.byNames,
                options: { mode: 'exclude', names: [shown], prefix: 'All except:', readOnly: true },
              },
              properties: [{ id: 'custom.hideFrom', value: { viz: true, legend: false, tooltip: false } }],
            },
          ]
        : [],
    [shown],
  );
  return { overrides, toggle: (label) => setShown((current) => (current === label ? undefined : label)) };
}

/**
 * A panel's field config as Grafana loads it: every option of the plugin's registry that the saved config leaves
 * unset takes its default (the palette colour, the line width, ...).
 */
function withRegistryDefaults(saved: FieldConfigSource['defaults']): FieldConfigSource['defaults'] {
  const config = JSON.parse(JSON.stringify(saved)) as Record<string, unknown>;
  for (const item of plugin.fieldConfigRegistry.list()) {
    if (item.defaultValue === undefined) {
      continue;
    }
    const path = [...(item.isCustom ? ['custom'] : []), ...item.path.split('.')];
    let node = config;
    for (const part of path.slice(0, -1)) {
      node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[path[path.length - 1]!] ??= item.defaultValue;
  }
  return config;
}

/** The time range the panel asked for (drag-to-zoom), shown for the tests to read. */
function ZoomedRange({ range }: { range?: AbsoluteTimeRange }) {
  return range ? (
    <div data-testid="harness-time-range" data-from={range.from} data-to={range.to}>
      zoomed to {new Date(range.from).toISOString()} – {new Date(range.to).toISOString()}
    </div>
  ) : null;
}

function PanelView() {
  const { frames: raw, error } = usePrometheusFrames();
  const visibility = useSeriesVisibility();
  const [zoomed, setZoomed] = useState<AbsoluteTimeRange>();
  const eventBus = useMemo(() => new EventBusSrv(), []);
  // As Grafana's query runner does: the panel's field config (&fieldConfig=, JSON) and the legend's overrides
  // applied with the panel plugin's own registry, so fields carry their config, display and series index.
  const frames = useMemo(() => {
    if (!raw) {
      return undefined;
    }
    const saved = JSON.parse(params.get('fieldConfig') ?? '{}') as Partial<FieldConfigSource>;
    return applyFieldOverrides({
      data: raw,
      fieldConfig: {
        defaults: withRegistryDefaults(saved.defaults ?? {}),
        overrides: [...(saved.overrides ?? []), ...visibility.overrides],
      },
      fieldConfigRegistry: plugin.fieldConfigRegistry,
      replaceVariables: (value: string) => value,
      theme,
      timeZone: 'utc',
    });
  }, [raw, visibility.overrides]);
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
        train: params.get('train') ?? DEFAULT_OPTIONS.train,
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
      // As Grafana's query runner hands it over: each query names its datasource (uid `prometheus` is the one the
      // sidecar queries, so the panel asks the sidecar for a full-range band; &datasource= names another).
      request: {
        intervalMs: Number(params.get('step') ?? '60') * 1000,
        targets: [
          {
            refId: 'A',
            expr: params.get('query') ?? '',
            datasource: { type: 'prometheus', uid: params.get('datasource') ?? 'prometheus' },
          },
        ],
        scopedVars: {},
      },
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
    eventBus,
    onOptionsChange: () => {},
    onFieldConfigChange: () => {},
    replaceVariables,
    onChangeTimeRange: setZoomed,
  } as unknown as PanelProps<AnomalyBandsOptions>;
  const context: PanelContext = {
    eventsScope: 'harness',
    eventBus,
    sync: () => DashboardCursorSync.Tooltip,
    onToggleSeriesVisibility: visibility.toggle,
  };
  return (
    <PanelContextProvider value={context}>
      <div className="harness-panel" style={{ padding: 8, width: 976, background: theme.colors.background.primary }}>
        <div style={{ fontWeight: 500, marginBottom: 4 }}>{title}</div>
        <AnomalyBandsPanel {...props} />
      </div>
      <ZoomedRange range={zoomed} />
    </PanelContextProvider>
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
