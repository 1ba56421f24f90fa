import type { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';
import { ACTIONS, FALLBACK_ROLE, ROLE_RANK, type Action } from '../permissions';

/**
 * Makes the tests' Grafana user one with `role` and the plugin actions plugin.json grants that role (or exactly
 * `permissions`, when given). jest-setup.js signs in an Editor before every test file.
 */
export function signInAs(role: OrgRole, permissions?: Action[]): void {
  const granted =
    permissions ?? Object.values(ACTIONS).filter((action) => ROLE_RANK[role] >= ROLE_RANK[FALLBACK_ROLE[action]]);
  config.bootData.user = {
    ...config.bootData.user,
    orgRole: role,
    permissions: Object.fromEntries(granted.map((action) => [action, true])),
  };
}
