import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  type AnomalyBandsOptions,
  BANDS_DATASOURCE,
  type BandsQueryModel,
  DEFAULT_PANEL_OPTIONS,
} from '@ntma/contract';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { BANDS_PANEL, DATASOURCE, SCALE_TARGET_ID, scaleUrl } from './grafana-ids.js';
import { CADVISOR_LABELS } from './metric-names.js';

/** One PromQL query; refIds are given in order (A, B, ...) by `queries`. */
export interface Query {
  expr: string;
  legend?: string;
  instant?: boolean;
}

function queries(list: Query[]): DataqueryBuilder[] {
  return list.map((q, i) => {
    const builder = new DataqueryBuilder()
      .datasource(DATASOURCE)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    return q.instant ? builder.instant() : builder.range();
  });
}

const legendTable = (): common.VizLegendOptionsBuilder =>
  new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Bottom)
    .calcs(['mean', 'max', 'lastNotNull']);

const tooltipAll = (): common.VizTooltipOptionsBuilder =>
  new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

export interface PanelSpec {
  title: string;
  description: string;
  queries: Query[];
  unit: string;
  span?: number;
  height?: number;
}

/**
 * Grafana visualization actions that scale the dashboard's `target` through the app plugin's proxy
 * route; the browser never sees the sidecar token. Each asks for confirmation stating the change.
 */
export function scaleActions(): dashboard.ActionBuilder[] {
  const action = (title: string, delta: number, colour: string): dashboard.ActionBuilder =>
    new dashboard.ActionBuilder()
      .type(dashboard.ActionType.Fetch)
      .title(title)
      .confirmation(`${title}: change ${SCALE_TARGET_ID} by ${delta > 0 ? '+' : ''}${delta} replica?`)
      .oneClick(false)
      .style({ backgroundColor: colour })
      .fetch(
        new dashboard.FetchOptionsBuilder()
          .method(dashboard.HttpRequestMethod.POST)
          .url(scaleUrl())
          .headers([['Content-Type', 'application/json']])
          .body(JSON.stringify({ delta, reason: `${title} from a Grafana dashboard action` })),
      );
  return [action('Scale out', 1, 'green'), action('Scale in', -1, 'orange')];
}

export function timeSeries(spec: PanelSpec & { stack?: boolean; bars?: boolean; actions?: boolean }) {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.span ?? 12)
    .height(spec.height ?? 8)
    .lineWidth(1)
    .fillOpacity(spec.stack ? 40 : 10)
    .drawStyle(spec.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .showPoints(common.VisibilityMode.Never)
    .legend(legendTable())
    .tooltip(tooltipAll())
    .targets(queries(spec.queries));
  if (spec.stack) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.actions) panel.actions(scaleActions());
  return panel;
}

export function statPanel(spec: PanelSpec & { actions?: boolean; thresholds?: Array<[number | null, string]> }) {
  const steps = (spec.thresholds ?? [[null, 'green']]).map(([value, color]) => ({ value, color }));
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.span ?? 6)
    .height(spec.height ?? 4)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps))
    .targets(queries(spec.queries));
  if (spec.actions) panel.actions(scaleActions());
  return panel;
}

/** ntma_anomaly's three states as words and colours. */
export function anomalyStateTimeline(spec: PanelSpec) {
  const state = (text: string, color: string, index: number) => ({ text, color, index });
  return new statetimeline.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .span(spec.span ?? 12)
    .height(spec.height ?? 8)
    .showValue(common.VisibilityMode.Never)
    .mappings([
      {
        type: dashboard.MappingType.ValueToText,
        options: {
          '-1': state('below band', 'blue', 0),
          '0': state('inside', 'green', 1),
          '1': state('above band', 'red', 2),
        },
      },
    ])
    .targets(queries(spec.queries));
}

/**
 * How the demo's band panels differ from the panel's own defaults: marks only for the rarer
 * excursions (severity medium and up, as the sidecar grades them), and no scale buttons unless a
 * panel names a target.
 */
const DEMO_BANDS: Partial<AnomalyBandsOptions> = { sensitivity: 'medium', showScaleButtons: false };

/** Band-panel options that link the scale buttons to one target id (dashboard variables allowed). */
export function scaleTargetOptions(targetId: string): Partial<AnomalyBandsOptions> {
  return { targetMode: 'fixed', scaleTarget: targetId, showScaleButtons: true };
}

/** A panel drawn by our anomaly-bands plugin: each series with its own forecast band and anomaly marks. */
export function bandsPanel(spec: PanelSpec & { bands?: Partial<AnomalyBandsOptions> }) {
  // Built from the contract's option type and defaults: an option the panel does not read cannot be written.
  const options: AnomalyBandsOptions = { ...DEFAULT_PANEL_OPTIONS, ...DEMO_BANDS, ...spec.bands };
  return new dashboard.PanelBuilder()
    .type(BANDS_PANEL)
    .title(spec.title)
    .description(spec.description)
    .datasource(DATASOURCE)
    .unit(spec.unit)
    .span(spec.span ?? 12)
    .height(spec.height ?? 9)
    .options(options)
    .targets(queries(spec.queries));
}

/** One query of the NTMA bands data source, as the plugin's query editor saves it. */
function bandsQuery(refId: string, model: BandsQueryModel): cog.Builder<cog.Dataquery> {
  // The SDK types a query as a variant with a marker method; not enumerable, so the saved query is only the model.
  const query: cog.Dataquery = Object.assign(
    { refId, datasource: BANDS_DATASOURCE, ...model },
    {
      _implementsDataqueryVariant: () => {},
    },
  );
  Object.defineProperty(query, '_implementsDataqueryVariant', { enumerable: false });
  return { build: () => query };
}

/**
 * A standard time series panel on the NTMA bands data source, for where a band is all a panel needs: the data
 * source's frames carry the line styles, colours and the fill between the bounds, so the panel sets no line or
 * fill defaults of its own (they would override the band's).
 */
export function bandsTimeSeries(spec: PanelSpec & { confidence?: number; train?: string }) {
  const model = (q: Query): BandsQueryModel => ({
    expr: q.expr,
    ...(q.legend ? { legendFormat: q.legend } : {}),
    ...(spec.confidence !== undefined ? { confidence: spec.confidence } : {}),
    ...(spec.train ? { train: spec.train } : {}),
  });
  return new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(BANDS_DATASOURCE)
    .unit(spec.unit)
    .span(spec.span ?? 12)
    .height(spec.height ?? 9)
    .showPoints(common.VisibilityMode.Never)
    .legend(legendTable())
    .tooltip(tooltipAll())
    .targets(spec.queries.map((q, i) => bandsQuery(String.fromCharCode(65 + i), model(q))));
}

/** Grafana's built-in alert list, showing the state of the NTMA alert rules. */
export function alertList(title: string, description: string) {
  return new dashboard.PanelBuilder()
    .type('alertlist')
    .title(title)
    .description(description)
    .span(12)
    .height(8)
    .options({
      viewMode: 'list',
      groupMode: 'default',
      groupBy: [],
      maxItems: 20,
      sortOrder: 1,
      dashboardAlerts: false,
      alertName: '',
      alertInstanceLabelFilter: '',
      showInstances: true,
      stateFilter: { firing: true, pending: true, noData: true, normal: false, error: true },
    });
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

/** A Prometheus-backed dashboard variable. `labelValues` is `[selector, label]` for label_values(). */
export function queryVariable(spec: {
  name: string;
  label: string;
  labelValues: [string, string];
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
}): dashboard.QueryVariableBuilder {
  const query = `label_values(${spec.labelValues[0]}, ${spec.labelValues[1]})`;
  const variable = new dashboard.QueryVariableBuilder(spec.name)
    .label(spec.label)
    .datasource(DATASOURCE)
    .query({ qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(spec.multi ?? false)
    .includeAll(spec.includeAll ?? false);
  if (spec.allValue !== undefined) variable.allValue(spec.allValue);
  return variable;
}

/** An annotation drawn from a Prometheus query; contiguous points become one region. */
export function promAnnotation(spec: {
  name: string;
  expr: string;
  color: string;
  title: string;
  text: string;
  tagKeys: string;
}): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name(spec.name)
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor(spec.color)
    .expr(spec.expr)
    .titleFormat(spec.title)
    .textFormat(spec.text)
    .tagKeys(spec.tagKeys)
    .step('15s');
}

export function baseDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['ntma', 'generated'])
    .editable()
    .refresh('10s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
}

/**
 * `target`: the Compose services of `$project` that opted in to scaling, which the dashboard's
 * scale actions and band-panel buttons act on (as SCALE_TARGET_ID).
 */
export function targetVariable(): dashboard.QueryVariableBuilder {
  const { project, service, scaleEnabled } = CADVISOR_LABELS;
  return queryVariable({
    name: 'target',
    label: 'Scale target',
    labelValues: [`container_last_seen{${project}="$project", ${scaleEnabled}="true"}`, service],
  });
}

/** `project` limited to Compose projects with an opted-in service, for dashboards that only need it to scale. */
export function scaleProjectVariable(): dashboard.QueryVariableBuilder {
  const { project, scaleEnabled } = CADVISOR_LABELS;
  return queryVariable({
    name: 'project',
    label: 'Compose project',
    labelValues: [`container_last_seen{${scaleEnabled}="true"}`, project],
  });
}
