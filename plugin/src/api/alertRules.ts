/*
 * Grafana's alerting provisioning HTTP API (/api/v1/provisioning/alert-rules), for the rules that alert on the
 * sidecar's ntma_* series. This is Grafana's own API, not the sidecar's, so it is called directly.
 */
import { request } from './http';

/** Where rules created here live. */
export const NTMA_FOLDER = { uid: 'ntma', title: 'NTMA' };
export const NTMA_RULE_GROUP = 'ntma-watchers';
/** The Prometheus datasource the provisioning creates (DESIGN.md: uid "prometheus"). */
export const PROMETHEUS_UID = 'prometheus';
/** Label that ties a rule to the watcher it alerts on. */
export const WATCHER_LABEL = 'ntma_watcher';

export interface AlertQuery {
  refId: string;
  queryType?: string;
  relativeTimeRange?: { from: number; to: number };
  datasourceUid: string;
  model: Record<string, unknown>;
}

export interface ProvisionedAlertRule {
  uid?: string;
  orgID?: number;
  folderUID: string;
  ruleGroup: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  noDataState: 'Alerting' | 'NoData' | 'OK';
  execErrState: 'Alerting' | 'Error' | 'OK';
  for: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  isPaused?: boolean;
  /** "file" for rules provisioned from files (read-only here), "api" or "" otherwise. */
  provenance?: string;
}

const BASE = '/api/v1/provisioning/alert-rules';
// Rules created through the API are otherwise locked in Grafana's UI; people may want to tweak them there.
const EDITABLE_IN_UI = { 'X-Disable-Provenance': 'true' };

export function listAlertRules(): Promise<ProvisionedAlertRule[]> {
  return request<ProvisionedAlertRule[]>({ url: BASE });
}

export function createAlertRule(rule: ProvisionedAlertRule): Promise<ProvisionedAlertRule> {
  return request<ProvisionedAlertRule>({ url: BASE, method: 'POST', data: rule, headers: EDITABLE_IN_UI });
}

export function updateAlertRule(uid: string, rule: ProvisionedAlertRule): Promise<ProvisionedAlertRule> {
  return request<ProvisionedAlertRule>({
    url: `${BASE}/${encodeURIComponent(uid)}`,
    method: 'PUT',
    data: rule,
    headers: EDITABLE_IN_UI,
  });
}

export function deleteAlertRule(uid: string): Promise<unknown> {
  return request({ url: `${BASE}/${encodeURIComponent(uid)}`, method: 'DELETE', headers: EDITABLE_IN_UI });
}

/** The NTMA folder, created on first use; a rule cannot be provisioned without a folder. */
export async function ensureNtmaFolder(): Promise<string> {
  try {
    const folder = await request<{ uid: string }>({ url: `/api/folders/${NTMA_FOLDER.uid}` });
    return folder.uid;
  } catch (error) {
    if ((error as { status?: number }).status !== 404) {
      throw error;
    }
    const created = await request<{ uid: string }>({ url: '/api/folders', method: 'POST', data: NTMA_FOLDER });
    return created.uid;
  }
}
