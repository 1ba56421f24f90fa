/**
 * Every PromQL expression the stack ships passes a real Prometheus' parser: the committed
 * dashboards (targets, annotations, variable selectors), the alert rules under
 * provisioning/alerting/, and watcher files, once those exist. Grafana variables are replaced by
 * stand-ins first; an expression that fails to parse comes back from /api/v1/query as `bad_data`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  type FoundExpression,
  dashboardExpressions,
  substituteVariables,
  yamlExpressions,
} from '../../demo/src/dashboards/expressions.js';
import { describeWith, prometheus } from '../support/components.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';

const ROOT = path.resolve(__dirname, '../..');

function filesUnder(dir: string, match: RegExp): string[] {
  let entries: string[];
  try {
    entries = readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .map((entry) => path.join(dir, entry))
    .filter((file) => match.test(file) && !file.includes('node_modules'))
    .sort();
}

function yamlFile(file: string, queryIsPromql: boolean): FoundExpression[] {
  return parseAllDocuments(readFileSync(path.join(ROOT, file), 'utf8')).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return yamlExpressions(file, doc.toJS(), queryIsPromql);
  });
}

/** Everything to check, gathered from the files in the tree at test time. */
function shippedExpressions(): FoundExpression[] {
  const dashboards = filesUnder('dashboards', /\.json$/).flatMap((file) =>
    dashboardExpressions(file, JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as unknown),
  );
  // Grafana provisioning (alert rules and anything else with an `expr`); Prometheus' own config has none.
  const provisioning = filesUnder('provisioning', /\.ya?ml$/)
    .filter((file) => !file.startsWith(path.join('provisioning', 'prometheus')))
    .flatMap((file) => yamlFile(file, false));
  // Watcher files: PromQL also sits under `query` and in `signals` maps.
  const watchers = [
    ...filesUnder('sidecar', /watch[^/]*\.ya?ml$/),
    ...filesUnder('provisioning', /watchers?[^/]*\.ya?ml$/),
  ];
  return [...dashboards, ...provisioning, ...watchers.flatMap((file) => yamlFile(file, true))];
}

interface QueryAnswer {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
}

describeWith([prometheus], 'PromQL shipped with the stack, parsed by a real Prometheus', () => {
  let prom: RunningPrometheus;
  const expressions = shippedExpressions();

  const query = async (expr: string): Promise<QueryAnswer> => {
    const response = await fetch(`${prom.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as QueryAnswer;
  };

  beforeAll(async () => {
    prom = await startPrometheus();
  });

  afterAll(async () => {
    await prom?.stop();
    if (prom) cleanPrometheus(prom);
  });

  it('finds the expressions of all three dashboards', () => {
    const files = new Set(expressions.map((e) => e.where.split(':')[0]));
    expect([...files]).toEqual(
      expect.arrayContaining([
        path.join('dashboards', 'traffic-overview.json'),
        path.join('dashboards', 'containers.json'),
        path.join('dashboards', 'anomalies-and-scaling.json'),
      ]),
    );
    expect(expressions.length).toBeGreaterThan(40);
  });

  it('finds expressions in every alert-rule and watcher file that holds PromQL', () => {
    const files = [
      ...filesUnder('provisioning', /\.ya?ml$/).filter((f) =>
        /(^|\n)\s*-?\s*expr:/.test(readFileSync(path.join(ROOT, f), 'utf8')),
      ),
      ...filesUnder('sidecar', /watch[^/]*\.ya?ml$/),
    ].filter((f) => !f.startsWith(path.join('provisioning', 'prometheus')));
    for (const file of files) {
      expect(`${file}: ${expressions.filter((e) => e.where.startsWith(`${file}:`)).length}`).not.toMatch(/: 0$/);
    }
  });

  it('reports bad_data for an expression that does not parse (the check is real)', async () => {
    const answer = await query(substituteVariables('sum by (instance (rate(x[$__rate_interval]))'));
    expect(answer).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('accepts every shipped expression', async () => {
    const failures: string[] = [];
    for (const { where, expr } of expressions) {
      const answer = await query(substituteVariables(expr));
      if (answer.status !== 'success') failures.push(`${where}: ${answer.errorType}: ${answer.error}\n  ${expr}`);
    }
    expect(failures).toEqual([]);
  });
});
