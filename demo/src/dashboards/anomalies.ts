import { anomalyAnnotation, demoAttackAnnotation, scaleAnnotation } from './annotations.js';
import { DASHBOARD_UIDS } from './grafana-ids.js';
import { NTMA } from './metric-names.js';
import {
  alertList,
  anomalyStateTimeline,
  bandsPanel,
  baseDashboard,
  queryVariable,
  row,
  statPanel,
  timeSeries,
} from './panels.js';

const watcher = 'watcher=~"$watcher"';
const rate = (metric: string): string => `rate(${metric}[$__rate_interval])`;

/** What the watch loop exports, the alerts it raised, and the scaling that followed. */
export function anomalies() {
  return baseDashboard(
    DASHBOARD_UIDS.anomalies,
    'NTMA / Anomalies & scaling',
    'The watch loop’s forecasts, bands, anomaly scores and kinds; the state of the NTMA alert rules; scale actions as annotations; the sidecar’s own health.',
  )
    .withVariable(
      queryVariable({
        name: 'watcher',
        label: 'Watcher',
        labelValues: [NTMA.anomaly, 'watcher'],
        multi: true,
        includeAll: true,
        allValue: '.+',
      }),
    )
    .annotation(scaleAnnotation())
    .annotation(anomalyAnnotation())
    .annotation(demoAttackAnnotation())
    .withRow(row('Anomalies'))
    .withPanel(
      statPanel({
        title: 'Series outside their band',
        description: 'How many watched series are above or below their band now.',
        queries: [{ expr: `count(${NTMA.anomaly}{${watcher}} != 0) or vector(0)`, legend: 'outside' }],
        unit: 'short',
        span: 6,
        thresholds: [
          [null, 'green'],
          [1, 'red'],
        ],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Highest anomaly score',
        description: 'The largest anomaly score (0..1) over the selected watchers now.',
        queries: [{ expr: `max(${NTMA.score}{${watcher}})`, legend: 'score' }],
        unit: 'percentunit',
        span: 6,
        thresholds: [
          [null, 'green'],
          [0.5, 'orange'],
          [0.8, 'red'],
        ],
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Anomaly score by watcher',
        description: 'The highest score among each watcher’s series: 0 well inside the band, 1 far outside.',
        queries: [{ expr: `max by (watcher) (${NTMA.score}{${watcher}})`, legend: '{{watcher}}' }],
        unit: 'percentunit',
        span: 12,
      }),
    )
    .withPanel(
      anomalyStateTimeline({
        title: 'Band state per series',
        description: 'ntma_anomaly per watched series: below the band, inside, or above.',
        queries: [
          {
            expr: `${NTMA.anomaly}{${watcher}}`,
            legend: '{{watcher}} {{instance}} {{device}} {{container_label_com_docker_compose_service}}',
          },
        ],
        unit: 'short',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Anomalies by kind',
        description:
          'Series currently classified as each kind: spike, drop, level_shift, sustained or attack_suspected.',
        queries: [{ expr: `count by (kind) (${NTMA.kindInfo}{${watcher}} == 1)`, legend: '{{kind}}' }],
        unit: 'short',
        bars: true,
        stack: true,
      }),
    )
    .withPanel(
      bandsPanel({
        title: 'Watched series, with forecast band',
        description:
          'What each watcher reads (ntma_actual), with the band, anomaly marks and kinds the sidecar decides over the time range shown (the panel below draws the watchers’ own live forecast).',
        queries: [{ expr: `${NTMA.actual}{${watcher}}`, legend: '{{watcher}} {{instance}} {{device}}' }],
        unit: 'short',
        span: 24,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Actual, forecast and band',
        description:
          'The watch loop’s forecast with its lower and upper band for each series (the anomaly-bands panel draws the same per series on the traffic dashboards).',
        queries: [
          { expr: `${NTMA.actual}{${watcher}}`, legend: 'actual {{watcher}} {{instance}} {{device}}' },
          { expr: `${NTMA.forecast}{${watcher}}`, legend: 'forecast {{watcher}} {{instance}} {{device}}' },
          { expr: `${NTMA.bandUpper}{${watcher}}`, legend: 'upper {{watcher}} {{instance}} {{device}}' },
          { expr: `${NTMA.bandLower}{${watcher}}`, legend: 'lower {{watcher}} {{instance}} {{device}}' },
        ],
        unit: 'short',
        span: 24,
      }),
    )
    .withRow(row('Alerts and scaling'))
    .withPanel(alertList('Alert state', 'NTMA alert rules that are firing or pending, or have no data or an error.'))
    .withPanel(
      timeSeries({
        title: 'Scale actions',
        description:
          'Scale requests per interval by how they ended: applied, dry_run, noop, refused, held or failed (applied and dry-run ones are also drawn as annotations).',
        queries: [{ expr: `sum by (result) (increase(${NTMA.scaleActions}[$__rate_interval]))`, legend: '{{result}}' }],
        unit: 'short',
        bars: true,
      }),
    )
    .withRow(row('Sidecar health'))
    .withPanel(
      timeSeries({
        title: 'Model fit duration (p95)',
        description:
          '95th percentile time of one model fit in the worker pool, by who asked (watch loop or bands API).',
        queries: [
          {
            expr: `histogram_quantile(0.95, sum by (source, le) (${rate(`${NTMA.fitDuration}_bucket`)}))`,
            legend: 'p95 {{source}}',
          },
        ],
        unit: 's',
        span: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Watch loop lag and fit queue',
        description:
          'How long each watcher’s step takes against its schedule (at or above the step, steps are skipped), and fits waiting for a worker.',
        queries: [
          { expr: `max by (watcher) (${NTMA.watchLag}{${watcher}})`, legend: 'lag {{watcher}} (s)' },
          { expr: `sum by (queue) (${NTMA.poolQueueDepth})`, legend: 'fits queued ({{queue}})' },
        ],
        unit: 'short',
        span: 6,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Prometheus query errors',
        description: 'Failed queries from the sidecar to Prometheus per second, by error code.',
        queries: [{ expr: `sum by (code) (${rate(NTMA.queryErrors)})`, legend: '{{code}}' }],
        unit: 'short',
        span: 12,
      }),
    );
}
