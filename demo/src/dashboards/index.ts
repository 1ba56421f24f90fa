import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { anomalies } from './anomalies.js';
import { containers } from './containers.js';
import { trafficOverview } from './traffic-overview.js';

/** Every provisioned dashboard, by the file it is written to under dashboards/. */
export const DASHBOARDS: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'traffic-overview.json', build: () => withIds(trafficOverview().build()) },
  { file: 'containers.json', build: () => withIds(containers().build()) },
  { file: 'anomalies-and-scaling.json', build: () => withIds(anomalies().build()) },
];

/** Stable panel ids (1, 2, ...) in layout order, so links to a panel survive regeneration. */
function withIds(dashboard: Dashboard): Dashboard {
  let next = 1;
  for (const panel of dashboard.panels ?? []) {
    panel.id = next++;
    for (const inner of 'panels' in panel ? (panel.panels ?? []) : []) inner.id = next++;
  }
  return dashboard;
}

/** The exact bytes committed for a dashboard. */
export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
