import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** The plugin.json route that proxies to the sidecar; Grafana adds the bearer token on the way. */
export const SIDECAR_PROXY_URL = `/api/plugin-proxy/${pluginJson.id}/sidecar`;

export enum ROUTES {
  Overview = 'overview',
  Audit = 'audit',
  AlertRules = 'alert-rules',
}

/**
 * The uid of the Grafana datasource that is the sidecar's own Prometheus: provisioning creates it with this uid
 * and the same PROMETHEUS_URL the sidecar reads. The anomaly-bands panel asks the sidecar to run a query itself
 * (and train on the history before the range) only for queries on this datasource.
 */
export const SIDECAR_PROMETHEUS_UID = 'prometheus';
