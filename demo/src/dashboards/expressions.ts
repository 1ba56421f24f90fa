/**
 * Finds the PromQL in provisioned files so tests can hand every expression to a real Prometheus:
 * dashboard targets, annotations and `label_values()` variables; in YAML (alert rules, watchers)
 * any `expr` field, and in watcher files `query` fields and `signals` maps. Grafana's server-side expressions
 * (datasource `__expr__`) are not PromQL and are skipped.
 */

export interface FoundExpression {
  /** Where it was found, e.g. `containers.json: panel "Replicas over time" A`. */
  where: string;
  expr: string;
}

/** Grafana `label_values(selector, label)`: the selector is PromQL, the wrapper is not. */
export function labelValuesSelector(query: string): string | undefined {
  const match = /^\s*label_values\(\s*(.*)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  return match?.[1]?.trim() || undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isServerSideExpression(node: Record<string, Json>): boolean {
  const ds = node.datasource;
  return (isObject(ds) && (ds.uid === '__expr__' || ds.type === '__expr__')) || node.datasourceUid === '__expr__';
}

export function dashboardExpressions(file: string, dashboard: unknown): FoundExpression[] {
  const found: FoundExpression[] = [];
  if (!isObject(dashboard)) return found;
  const panels = (list: Json | undefined): void => {
    for (const panel of Array.isArray(list) ? list : []) {
      if (!isObject(panel)) continue;
      for (const target of Array.isArray(panel.targets) ? panel.targets : []) {
        if (isObject(target) && typeof target.expr === 'string' && !isServerSideExpression(target)) {
          found.push({ where: `${file}: panel "${String(panel.title)}" ${String(target.refId)}`, expr: target.expr });
        }
      }
      panels(panel.panels);
    }
  };
  panels(dashboard.panels);
  const annotations = isObject(dashboard.annotations) ? dashboard.annotations.list : undefined;
  for (const a of Array.isArray(annotations) ? annotations : []) {
    if (isObject(a) && typeof a.expr === 'string')
      found.push({ where: `${file}: annotation "${String(a.name)}"`, expr: a.expr });
  }
  const variables = isObject(dashboard.templating) ? dashboard.templating.list : undefined;
  for (const v of Array.isArray(variables) ? variables : []) {
    if (!isObject(v) || v.type !== 'query') continue;
    const query = isObject(v.query) ? v.query.query : v.query;
    if (typeof query !== 'string') continue;
    const selector = labelValuesSelector(query);
    found.push({ where: `${file}: variable $${String(v.name)}`, expr: selector ?? query });
  }
  return found;
}

/**
 * `expr` fields anywhere in a YAML document (alert rules). In a watcher file (`watcherFile`) also
 * `query` fields and every value of a `signals` map, the watchers' companion PromQL by role.
 */
export function yamlExpressions(file: string, document: unknown, watcherFile: boolean): FoundExpression[] {
  const found: FoundExpression[] = [];
  const walk = (node: unknown, trail: string, parentKey: string | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${trail}[${i}]`, parentKey));
      return;
    }
    if (!isObject(node)) return;
    if (isServerSideExpression(node)) return;
    for (const [key, value] of Object.entries(node)) {
      const here = trail ? `${trail}.${key}` : key;
      const promql = key === 'expr' || (watcherFile && (key === 'query' || parentKey === 'signals'));
      if (typeof value === 'string' && promql) {
        found.push({ where: `${file}: ${here}`, expr: value });
      } else {
        walk(value, here, key);
      }
    }
  };
  walk(document, '', undefined);
  return found;
}

/**
 * Grafana's built-in and this project's dashboard variables, replaced by values a plain Prometheus
 * accepts in the same position (a duration where a range goes, a word inside a label matcher).
 * An unknown variable is an error, so a new one gets a stand-in on purpose, not by accident.
 */
export const VARIABLE_STAND_INS: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
  __interval_ms: '15000',
  instance: 'host-1:9100',
  device: 'eth0',
  project: 'ntma',
  service: 'web',
  target: 'web',
  watcher: 'host_rx',
};

export function substituteVariables(
  expr: string,
  standIns: Readonly<Record<string, string>> = VARIABLE_STAND_INS,
): string {
  return expr.replace(
    /\$\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[^}]*)?\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g,
    (whole, braced, bare) => {
      const name = (braced ?? bare) as string;
      const value = standIns[name];
      if (value === undefined)
        throw new Error(`no stand-in for Grafana variable "${whole}"; add one to VARIABLE_STAND_INS`);
      return value;
    },
  );
}
