import { DASHBOARD_UIDS, SCALE_TARGET_ID } from './grafana-ids.js';
import { CADVISOR_LABELS } from './metric-names.js';
import { scaleAnnotation } from './annotations.js';
import {
  bandsPanel,
  baseDashboard,
  queryVariable,
  row,
  scaleTargetOptions,
  statPanel,
  targetVariable,
  timeSeries,
} from './panels.js';

const { project, service } = CADVISOR_LABELS;
const inProject = `${project}="$project"`;
const services = `${inProject}, ${service}=~"$service"`;
const rate = (metric: string, selector: string): string => `rate(${metric}{${selector}}[$__rate_interval])`;
const byService = (metric: string): string => `sum by (${service}) (${rate(metric, services)})`;

/** Per-container (cadvisor) traffic with bands, scale buttons and replicas over time. */
export function containers() {
  return baseDashboard(
    DASHBOARD_UIDS.containers,
    'NTMA / Containers',
    'Traffic per Compose service and container (cadvisor) with forecast bands; scale the selected target out or in and watch its replicas.',
  )
    .withVariable(
      queryVariable({
        name: 'project',
        label: 'Compose project',
        labelValues: [`container_last_seen{${project}!=""}`, project],
      }),
    )
    .withVariable(
      queryVariable({
        name: 'service',
        label: 'Service',
        labelValues: [`container_last_seen{${inProject}}`, service],
        multi: true,
        includeAll: true,
        allValue: '.+',
      }),
    )
    .withVariable(targetVariable())
    .annotation(scaleAnnotation())
    .withRow(row('Traffic per service'))
    .withPanel(
      bandsPanel({
        title: 'Received bits per second by service, with forecast band',
        description:
          'Receive rate summed over each service’s replicas. The panel’s scale buttons act on the selected target.',
        queries: [{ expr: `${byService('container_network_receive_bytes_total')} * 8`, legend: `{{${service}}} rx` }],
        unit: 'bps',
        bands: scaleTargetOptions(SCALE_TARGET_ID),
      }),
    )
    .withPanel(
      bandsPanel({
        title: 'Transmitted bits per second by service, with forecast band',
        description: 'Transmit rate summed over each service’s replicas.',
        queries: [{ expr: `${byService('container_network_transmit_bytes_total')} * 8`, legend: `{{${service}}} tx` }],
        unit: 'bps',
        bands: scaleTargetOptions(SCALE_TARGET_ID),
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Packets per second by service',
        description: 'Packets received and sent, summed over each service’s replicas.',
        queries: [
          { expr: byService('container_network_receive_packets_total'), legend: `{{${service}}} rx` },
          { expr: byService('container_network_transmit_packets_total'), legend: `{{${service}}} tx` },
        ],
        unit: 'pps',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Dropped and errored packets by service',
        description: 'Receive drops and errors, summed over each service’s replicas.',
        queries: [
          { expr: byService('container_network_receive_packets_dropped_total'), legend: `{{${service}}} rx drops` },
          { expr: byService('container_network_receive_errors_total'), legend: `{{${service}}} rx errors` },
        ],
        unit: 'pps',
      }),
    )
    .withRow(row('Replicas and scaling'))
    .withPanel(
      timeSeries({
        title: 'Replicas over time',
        description: 'Running containers per service, as cadvisor sees them. Scale actions are marked as annotations.',
        queries: [{ expr: `count by (${service}) (container_last_seen{${services}})`, legend: `{{${service}}}` }],
        unit: 'short',
        span: 8,
        actions: true,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Replicas of $target',
        description: 'Running replicas of the selected scale target. Click for Scale out / Scale in.',
        queries: [{ expr: `count(container_last_seen{${inProject}, ${service}="$target"})`, legend: '$target' }],
        unit: 'short',
        span: 4,
        height: 8,
        actions: true,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Received bits per second by container',
        description: 'Each replica on its own line, to see how evenly load spreads after a scale-out.',
        queries: [
          {
            expr: `sum by (name) (${rate('container_network_receive_bytes_total', services)}) * 8`,
            legend: '{{name}}',
          },
        ],
        unit: 'bps',
        actions: true,
      }),
    );
}
