/*
 * What the signed-in Grafana user may do in this app. Grafana enforces it on its server (plugin.json routes carry
 * reqAction, and reqRole for Grafanas without plugin RBAC); the pages use these checks only to hide controls the
 * proxy would refuse with 403.
 */
import { OrgRole, type CurrentUserDTO } from '@grafana/data';
import { config } from '@grafana/runtime';
import { ROUTES } from './constants';

/** The RBAC actions plugin.json declares; a test keeps the two in step. */
export const ACTIONS = {
  /** Bands, anomalies, watchers, targets and the sidecar's readiness. */
  read: 'ntma-anomaly-app.sidecar:read',
  auditRead: 'ntma-anomaly-app.audit:read',
  scale: 'ntma-anomaly-app.targets:scale',
  /** Create, edit and delete alert rules from the Alert rules page (Grafana checks its own alerting rights too). */
  alertRulesWrite: 'ntma-anomaly-app.alert-rules:write',
} as const;

export type Action = (typeof ACTIONS)[keyof typeof ACTIONS];

/**
 * The action each app page needs to be of use, as its `includes` entry in plugin.json names it (Grafana then leaves
 * the page out of the nav for users without it). The Alert rules page needs none of ours: Grafana decides who
 * reads alert rules, and its controls that change them are checked against ACTIONS.alertRulesWrite.
 */
export const PAGE_ACTIONS: Partial<Record<ROUTES, Action>> = {
  [ROUTES.Overview]: ACTIONS.read,
  [ROUTES.Audit]: ACTIONS.auditRead,
};

/** The basic role each action falls back to, as the routes' reqRole in plugin.json. */
export const FALLBACK_ROLE: Record<Action, OrgRole> = {
  [ACTIONS.read]: OrgRole.Viewer,
  [ACTIONS.auditRead]: OrgRole.Viewer,
  [ACTIONS.scale]: OrgRole.Editor,
  [ACTIONS.alertRulesWrite]: OrgRole.Editor,
};

/** Basic roles in the order Grafana nests them: each includes the ones before it. */
export const ROLE_RANK: Record<OrgRole, number> = {
  [OrgRole.None]: 0,
  [OrgRole.Viewer]: 1,
  [OrgRole.Editor]: 2,
  [OrgRole.Admin]: 3,
};

type User = Pick<CurrentUserDTO, 'orgRole' | 'permissions'>;

/**
 * Whether `user` (by default the signed-in one) may perform `action`. Grafana lists the user's RBAC actions in
 * boot data; where it sends none, the basic role decides, as reqRole does on the server.
 */
export function userCan(action: Action, user: User | undefined = config.bootData?.user): boolean {
  if (!user) {
    return false;
  }
  if (user.permissions && Object.keys(user.permissions).length > 0) {
    return user.permissions[action] === true;
  }
  return user.orgRole !== '' && ROLE_RANK[user.orgRole] >= ROLE_RANK[FALLBACK_ROLE[action]];
}
