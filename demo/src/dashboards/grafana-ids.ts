/** Names fixed by the design contract; everything that spells them in the dashboards comes from here. */

export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' } as const;
export const APP_ID = 'ntma-anomaly-app';
export const BANDS_PANEL = 'ntma-anomalybands-panel';
export const FOLDER = 'NTMA';

/** Where the app plugin's `sidecar` route proxies to the sidecar, adding the token server-side. */
export const SIDECAR_PROXY = `/api/plugin-proxy/${APP_ID}/sidecar`;

/**
 * The only URLs the dashboards' actions POST to. Grafana's `actions_allow_post_url` (set in
 * docker-compose.yml) must allow exactly this glob; a test checks the two agree.
 */
export const SCALE_ACTION_GLOB = `${SIDECAR_PROXY}/api/v1/targets/*/scale`;

/**
 * How a dashboard names the scale target: the sidecar's Compose target id
 * `compose:<project>:<service>`, from the `project` variable and the `target` variable (the
 * services that opted in with `ntma.scale.enabled=true`, read from cadvisor's container labels).
 */
export const SCALE_TARGET_ID = 'compose:${project}:${target}';

export function scaleUrl(targetId: string = SCALE_TARGET_ID): string {
  return SCALE_ACTION_GLOB.replace('*', targetId);
}

export const DASHBOARD_UIDS = {
  traffic: 'ntma-traffic-overview',
  containers: 'ntma-containers',
  anomalies: 'ntma-anomalies-scaling',
} as const;
