import { DASHBOARD_UIDS, SCALE_TARGET_ID } from './grafana-ids.js';
import {
  bandsPanel,
  bandsTimeSeries,
  baseDashboard,
  queryVariable,
  row,
  scaleProjectVariable,
  scaleTargetOptions,
  statPanel,
  targetVariable,
  timeSeries,
} from './panels.js';

const host = 'instance=~"$instance"';
const nic = `${host}, device=~"$device"`;
const rate = (metric: string, selector: string): string => `rate(${metric}{${selector}}[$__rate_interval])`;
const byNic = (metric: string): string => `sum by (instance, device) (${rate(metric, nic)})`;
const web = 'job="web"';

/** Host network traffic with forecast bands, packet-level and TCP signals, and the demo service's requests. */
export function trafficOverview() {
  return baseDashboard(
    DASHBOARD_UIDS.traffic,
    'NTMA / Traffic overview',
    'Host interfaces with forecast bands, packets, errors and drops, TCP connection and SYN-flood signals (node-exporter), and the demo web service.',
  )
    .withVariable(
      queryVariable({
        name: 'instance',
        label: 'Host',
        labelValues: ['node_network_receive_bytes_total', 'instance'],
        multi: true,
        includeAll: true,
        allValue: '.+',
      }),
    )
    .withVariable(
      queryVariable({
        name: 'device',
        label: 'Interface',
        labelValues: ['node_network_receive_bytes_total{instance=~"$instance"}', 'device'],
        multi: true,
        includeAll: true,
        allValue: '.+',
      }),
    )
    .withVariable(scaleProjectVariable())
    .withVariable(targetVariable())
    .withRow(row('Interfaces'))
    .withPanel(
      bandsTimeSeries({
        title: 'Received bits per second, with forecast band',
        description:
          'Receive rate per host and interface from the NTMA bands data source: the forecast (dashed) and its band, trained on the week before the range; anomalies are annotations coloured by kind.',
        queries: [{ expr: `${byNic('node_network_receive_bytes_total')} * 8`, legend: '{{instance}} {{device}} rx' }],
        unit: 'bps',
      }),
    )
    .withPanel(
      bandsTimeSeries({
        title: 'Transmitted bits per second, with forecast band',
        description: 'Transmit rate per host and interface, with the forecast band from the NTMA bands data source.',
        queries: [{ expr: `${byNic('node_network_transmit_bytes_total')} * 8`, legend: '{{instance}} {{device}} tx' }],
        unit: 'bps',
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Packets per second',
        description: 'Packets received and sent per interface.',
        queries: [
          { expr: byNic('node_network_receive_packets_total'), legend: '{{instance}} {{device}} rx' },
          { expr: byNic('node_network_transmit_packets_total'), legend: '{{instance}} {{device}} tx' },
        ],
        unit: 'pps',
        span: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Bytes per received packet',
        description:
          'Average received packet size. It falls sharply in a small-packet flood, when the packet rate rises much faster than the byte rate.',
        queries: [
          {
            expr: `${byNic('node_network_receive_bytes_total')} / ${byNic('node_network_receive_packets_total')}`,
            legend: '{{instance}} {{device}}',
          },
        ],
        unit: 'decbytes',
        span: 4,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Errors and drops',
        description: 'Receive and transmit errors and dropped packets per interface.',
        queries: [
          { expr: byNic('node_network_receive_errs_total'), legend: '{{instance}} {{device}} rx errors' },
          { expr: byNic('node_network_transmit_errs_total'), legend: '{{instance}} {{device}} tx errors' },
          { expr: byNic('node_network_receive_drop_total'), legend: '{{instance}} {{device}} rx drops' },
          { expr: byNic('node_network_transmit_drop_total'), legend: '{{instance}} {{device}} tx drops' },
        ],
        unit: 'pps',
      }),
    )
    .withRow(row('TCP'))
    .withPanel(
      timeSeries({
        title: 'TCP connection opens',
        description: 'New inbound (passive) and outbound (active) TCP connections per second.',
        queries: [
          {
            expr: `sum by (instance) (${rate('node_netstat_Tcp_PassiveOpens', host)})`,
            legend: '{{instance}} passive (inbound)',
          },
          {
            expr: `sum by (instance) (${rate('node_netstat_Tcp_ActiveOpens', host)})`,
            legend: '{{instance}} active (outbound)',
          },
        ],
        unit: 'cps',
        span: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Established TCP connections',
        description: 'Connections in ESTABLISHED state now.',
        queries: [{ expr: `sum by (instance) (node_netstat_Tcp_CurrEstab{${host}})`, legend: '{{instance}}' }],
        unit: 'short',
        span: 4,
        height: 8,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'SYN flood signals',
        description:
          'SYN cookies sent, listen-queue drops and overflows per second, and half-open connections (SYN_RECV, from the tcpstat collector). All stay near zero unless a SYN flood fills the listen queue.',
        queries: [
          {
            expr: `sum by (instance) (${rate('node_netstat_TcpExt_SyncookiesSent', host)})`,
            legend: '{{instance}} SYN cookies sent',
          },
          {
            expr: `sum by (instance) (${rate('node_netstat_TcpExt_ListenDrops', host)})`,
            legend: '{{instance}} listen drops',
          },
          {
            expr: `sum by (instance) (${rate('node_netstat_TcpExt_ListenOverflows', host)})`,
            legend: '{{instance}} listen overflows',
          },
          {
            expr: `sum by (instance) (node_tcp_connection_states{${host}, state="syn_recv"})`,
            legend: '{{instance}} SYN_RECV now',
          },
        ],
        unit: 'short',
      }),
    )
    .withRow(row('Demo web service'))
    .withPanel(
      bandsPanel({
        title: 'Requests per second, with forecast band and scaling',
        description:
          'Requests answered by the demo web service with the forecast band and anomaly marks; the buttons scale the selected target.',
        queries: [{ expr: `sum by (job) (${rate('http_requests_total', web)})`, legend: '{{job}} requests' }],
        unit: 'reqps',
        bands: scaleTargetOptions(SCALE_TARGET_ID),
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests per second by status code',
        description: 'Requests answered by all replicas of the demo web service. Actions scale the selected target.',
        queries: [{ expr: `sum by (code) (${rate('http_requests_total', web)})`, legend: '{{code}}' }],
        unit: 'reqps',
        span: 8,
        stack: true,
        actions: true,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Requests per distinct source',
        description:
          'Request rate divided by distinct sources in the last minute. Organic load grows with its users, so this stays flat; a flood from few sources drives it up, a flood from many pseudo-sources drives the source count up instead.',
        queries: [
          { expr: `sum(http_request_distinct_sources{${web}})`, legend: 'distinct sources (1 min)' },
          {
            expr: `sum(${rate('http_requests_total', web)}) / clamp_min(sum(http_request_distinct_sources{${web}}), 1)`,
            legend: 'requests per second per source',
          },
        ],
        unit: 'short',
        span: 4,
      }),
    )
    .withPanel(
      timeSeries({
        title: 'Request latency',
        description: 'Median, 95th and 99th percentile time to answer, over all replicas.',
        queries: [0.5, 0.95, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (${rate('http_request_duration_seconds_bucket', web)}))`,
          legend: `p${Math.round(q * 100)}`,
        })),
        unit: 's',
        span: 8,
      }),
    )
    .withPanel(
      statPanel({
        title: 'Requests in flight',
        description: 'Requests received and not yet answered, over all replicas.',
        queries: [{ expr: `sum(http_requests_in_flight{${web}})`, legend: 'in flight' }],
        unit: 'short',
        span: 4,
        height: 8,
        thresholds: [
          [null, 'green'],
          [100, 'orange'],
          [180, 'red'],
        ],
      }),
    );
}
