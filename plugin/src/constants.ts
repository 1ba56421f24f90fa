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
