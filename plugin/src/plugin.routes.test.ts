/*
 * The plugin's proxy route table, read from plugin.json as Grafana reads it: every route is gated, no route that
 * changes state is open to Viewers, and every call the API client makes lands on a route (issue 12).
 */
import pluginJson from './plugin.json';
import { ACTIONS, PAGE_ACTIONS } from './permissions';
import {
  getAuditPage,
  getBandsForQuery,
  getBandsForSeries,
  getReadiness,
  listAnomalies,
  listTargets,
  listWatchers,
  scaleTarget,
} from './api/client';
import { ROUTES, SIDECAR_PROXY_URL } from './constants';
import { installFakeBackend } from './testing/backend';

jest.mock('@grafana/runtime', () => jest.requireActual('./testing/backend').mockRuntime());

interface Route {
  path: string;
  method?: string;
  reqAction?: string;
  reqRole?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}
interface RoleRegistration {
  role: { name: string; description: string; permissions: Array<{ action: string }> };
  grants: string[];
}

const routes = pluginJson.routes as Route[];
const roles = (pluginJson as { roles?: RoleRegistration[] }).roles ?? [];
const BASIC_ROLES = ['Viewer', 'Editor', 'Admin'] as const;
type BasicRole = (typeof BASIC_ROLES)[number];

/** Grafana grants a role given to Viewer to Editor and Admin as well, and one given to Editor to Admin. */
function rolesWith(granted: string): BasicRole[] {
  const at = BASIC_ROLES.indexOf(granted as BasicRole);
  return at < 0 ? [] : BASIC_ROLES.slice(at);
}

/** The basic roles that hold `action` through the plugin's role registrations. */
function holders(action: string): Set<BasicRole> {
  return new Set(
    roles
      .filter((r) => r.role.permissions.some((p) => p.action === action))
      .flatMap((r) => r.grants.flatMap(rolesWith)),
  );
}

/** Whether `role` passes the route: by RBAC action where Grafana has plugin RBAC, else by reqRole. */
function allows(route: Route, role: BasicRole, rbac: boolean): boolean {
  if (rbac && route.reqAction) {
    return holders(route.reqAction).has(role);
  }
  return route.reqRole ? rolesWith(route.reqRole).includes(role) : true;
}

/** Grafana's route match (pkg/web tree): literal segments, `:name` for one segment, a trailing `*` for the rest. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '*') {
      return got.length > i && got.slice(i).join('/') !== '';
    }
    if (got[i] === undefined || (want[i]!.startsWith(':') ? got[i] === '' : want[i] !== got[i])) {
      return false;
    }
  }
  return got.length === want.length;
}

/** The first route Grafana would pick for a request, as HandleRequest does: method first, then the path. */
function routeFor(method: string, path: string): Route | undefined {
  return routes.find((r) => (!r.method || r.method === '*' || r.method === method) && matches(r.path, path));
}

// POSTs that only compute: bands from a query or from points the panel sends. They change nothing.
const PURE_POSTS = new Set(['sidecar/api/v1/bands', 'sidecar/api/v1/bands/series']);

function changesState(route: Route): boolean {
  return route.method !== 'GET' && !PURE_POSTS.has(route.path);
}

describe('plugin.json routes', () => {
  it('gives every route one method, an RBAC action the plugin declares, and a reqRole fallback', () => {
    const declared = new Set(roles.flatMap((r) => r.role.permissions.map((p) => p.action)));
    expect(routes.length).toBeGreaterThan(1);
    for (const route of routes) {
      expect({ path: route.path, method: route.method }).toEqual({
        path: route.path,
        method: expect.stringMatching(/^(GET|POST|PUT|PATCH|DELETE)$/),
      });
      expect(declared).toContain(route.reqAction);
      expect(route.reqAction!.startsWith(`${pluginJson.id}.`)).toBe(true);
      expect(BASIC_ROLES).toContain(route.reqRole);
    }
  });

  it('lists a longer path before its prefix, so a Grafana that matches by prefix picks the same route', () => {
    routes.forEach((earlier, i) =>
      routes.slice(i + 1).forEach((later) => {
        if (earlier.method === later.method) {
          expect(`${later.path} after ${earlier.path}`).not.toMatch(new RegExp(`^${earlier.path}/.* after`));
        }
      }),
    );
  });

  it('opens no route that changes state to Viewers, with or without plugin RBAC', () => {
    const changing = routes.filter(changesState);
    expect(changing.map((r) => `${r.method} ${r.path}`)).toEqual(['POST sidecar/api/v1/targets/*']);
    for (const route of routes.filter((r) => changesState(r) || /scale|alert/.test(r.path))) {
      expect({ route: route.path, rbac: allows(route, 'Viewer', true), role: allows(route, 'Viewer', false) }).toEqual({
        route: route.path,
        rbac: false,
        role: false,
      });
      expect(allows(route, 'Editor', true) && allows(route, 'Editor', false)).toBe(true);
    }
  });

  it('lets Viewers read bands, targets, anomalies, watchers and the audit log', () => {
    const reads: Array<[string, string]> = [
      ['POST', 'sidecar/api/v1/bands/series'],
      ['POST', 'sidecar/api/v1/bands'],
      ['GET', 'sidecar/api/v1/targets'],
      ['GET', 'sidecar/api/v1/anomalies'],
      ['GET', 'sidecar/api/v1/watchers'],
      ['GET', 'sidecar/api/v1/audit'],
      ['GET', 'sidecar/readyz'],
    ];
    for (const [method, path] of reads) {
      const route = routeFor(method, path);
      expect({
        method,
        path,
        rbac: route && allows(route, 'Viewer', true),
        role: route && allows(route, 'Viewer', false),
      }).toEqual({ method, path, rbac: true, role: true });
    }
  });

  it('sends a scale only through the scale action, and nothing else that writes', () => {
    const scale = routeFor('POST', 'sidecar/api/v1/targets/compose:shop:web/scale');
    expect(scale?.reqAction).toBe(ACTIONS.scale);
    expect(allows(scale!, 'Viewer', true)).toBe(false);
    expect(allows(scale!, 'Editor', true)).toBe(true);
    // The alert webhooks take the alert secret, never the API token: no route may carry the token to them.
    expect(routeFor('POST', 'sidecar/api/v1/alerts/grafana')).toBeUndefined();
    expect(routeFor('POST', 'sidecar/api/v1/alerts/alertmanager')).toBeUndefined();
    // A read route does not turn into a write route with another method or a longer path.
    expect(routeFor('DELETE', 'sidecar/api/v1/targets')).toBeUndefined();
    expect(routeFor('POST', 'sidecar/api/v1/targets')).toBeUndefined();
    expect(routeFor('POST', 'sidecar/api/v1/audit')).toBeUndefined();
    expect(routeFor('GET', 'sidecar/api/v1/targets/x/scale')).toBeUndefined();
  });

  it('declares exactly the actions the pages check, Viewer reading and Editor operating', () => {
    const declared = roles.flatMap((r) => r.role.permissions.map((p) => p.action)).sort();
    expect(declared).toEqual(Object.values(ACTIONS).sort());
    expect([...holders(ACTIONS.read)].sort()).toEqual(['Admin', 'Editor', 'Viewer']);
    expect([...holders(ACTIONS.auditRead)].sort()).toEqual(['Admin', 'Editor', 'Viewer']);
    expect([...holders(ACTIONS.scale)].sort()).toEqual(['Admin', 'Editor']);
    expect([...holders(ACTIONS.alertRulesWrite)].sort()).toEqual(['Admin', 'Editor']);
  });

  it('names on each app page in the nav the action the page checks, one Viewers hold', () => {
    const includes = (pluginJson as { includes: Array<{ type: string; path: string; action?: string }> }).includes;
    for (const route of Object.values(ROUTES)) {
      const page = includes.find((i) => i.type === 'page' && i.path === `/a/%PLUGIN_ID%/${route}`);
      expect({ route, action: page?.action }).toEqual({ route, action: PAGE_ACTIONS[route] });
      if (page?.action) {
        expect(holders(page.action).has('Viewer')).toBe(true);
      }
    }
  });

  it('routes every call the API client makes, to the sidecar path it names', async () => {
    const backend = installFakeBackend({});
    const calls = [
      getReadiness(),
      getBandsForQuery({ query: 'up', start: 0, end: 60, step: 60 }),
      getBandsForSeries({ series: [] }),
      listTargets(),
      scaleTarget('compose:shop:web', { delta: 1, reason: 'test' }, 'k'),
      getAuditPage({ limit: 10, offset: 0 }),
      listAnomalies(),
      listWatchers(),
    ];
    await Promise.allSettled(calls);
    expect(backend.requests).toHaveLength(calls.length);
    for (const request of backend.requests) {
      const method = (request.method ?? 'GET').toUpperCase();
      const proxyPath = decodeURIComponent(request.url.slice(`${SIDECAR_PROXY_URL}/`.length - 'sidecar/'.length));
      const route = routeFor(method, proxyPath);
      expect({ request: `${method} ${proxyPath}`, routed: route !== undefined }).toEqual({
        request: `${method} ${proxyPath}`,
        routed: true,
      });
      // Grafana joins the route's url with what the `*` matched; without one the url is the whole target.
      const rest = route!.path.endsWith('/*') ? proxyPath.slice(route!.path.length - 1) : '';
      const target = `${route!.url.replace('{{ .JsonData.sidecarUrl }}', '')}${rest ? `/${rest}` : ''}`;
      expect(target).toBe(`/${proxyPath.slice('sidecar/'.length)}`);
    }
  });
});
