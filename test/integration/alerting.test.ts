/**
 * The Grafana alerting files under provisioning/alerting/: they parse, every rule has what Grafana
 * requires, their PromQL (and the watchers' PromQL) passes a real Prometheus' parser, and — with
 * a real Prometheus scraping ntma_* series in known states — each rule fires for exactly the
 * series it is meant for, with labels that the sidecar's alert webhook maps to the right action.
 * Grafana itself cannot run here, so its two steps are emulated: the threshold on the condition
 * query, and label templating of the `{{ .Labels.name }}` form (the only form the rules use).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { SeriesSample } from '../../sidecar/src/metrics/series-metrics.js';
import { mapGrafanaAlerts, type GrafanaAlert } from '../../sidecar/src/scale/grafana-alerts.js';
import { decide, type PolicyContext } from '../../sidecar/src/scale/policy.js';
import { loadWatchConfig } from '../../sidecar/src/watch/config.js';
import { describeWith, prometheus } from '../support/components.js';
import { waitFor } from '../support/ports.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { serveSeriesSamples, type RunningSeriesExporter } from '../support/series-exporter.js';

const ROOT = path.resolve(__dirname, '../..');
const DIR = path.join(ROOT, 'provisioning/alerting');

interface Query {
  refId: string;
  datasourceUid: string;
  relativeTimeRange?: { from: number; to: number };
  model: {
    refId: string;
    expr?: string;
    type?: string;
    expression?: string;
    conditions?: unknown[];
    instant?: boolean;
  };
}

interface Rule {
  uid: string;
  title: string;
  condition: string;
  data: Query[];
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  noDataState?: string;
  execErrState?: string;
  dashboardUid?: string;
  panelId?: number;
}

const files = readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const documents = files.map((file) => ({
  file,
  doc: parse(readFileSync(path.join(DIR, file), 'utf8')) as Record<string, unknown>,
}));
const groups = documents.flatMap(
  ({ doc }) => (doc.groups as Array<{ name: string; folder: string; interval: string; rules: Rule[] }>) ?? [],
);
const rules = groups.flatMap((g) => g.rules);
const rule = (uid: string): Rule => rules.find((r) => r.uid === uid)!;

function promQueries(r: Rule): Query[] {
  return r.data.filter((q) => q.datasourceUid === 'prometheus');
}

/** Grafana's label templating for the one form the rules use. */
function render(template: string, labels: Record<string, string>): string {
  return template.replace(
    /\{\{\s*\.Labels\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g,
    (_all, name: string) => labels[name] ?? '',
  );
}

/** The sample time template the rules that may scale use, and Grafana's rendering of it. */
const OBSERVED_AT = '{{ with index .Values "O" }}{{ printf "%.3f" .Value }}{{ end }}';
function renderObservedAt(template: string | undefined, values: Record<string, number>): string | undefined {
  if (template === undefined) return undefined;
  expect(template).toBe(OBSERVED_AT);
  return values.O === undefined ? '' : values.O.toFixed(3);
}

describe('alerting provisioning files', () => {
  it('are Grafana provisioning files of apiVersion 1', () => {
    expect(files.sort()).toEqual(['ntma-contact-point.yml', 'ntma-policies.yml', 'ntma-rules.yml']);
    for (const { doc } of documents) expect(doc.apiVersion).toBe(1);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ name: 'ntma-traffic', folder: 'NTMA', interval: '15s' });
  });

  it('give every rule the fields Grafana requires, with a condition among its queries', () => {
    expect(rules.map((r) => r.uid)).toEqual([
      'ntma-anomaly-high',
      'ntma-attack-suspected',
      'ntma-traffic-drop',
      'ntma-traffic-outage',
    ]);
    for (const r of rules) {
      expect(r.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
      expect(typeof r.title).toBe('string');
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect(r.data.length).toBeGreaterThanOrEqual(2);
      expect(Object.keys(r.labels).length).toBeGreaterThan(0);
      const refIds = r.data.map((q) => q.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      expect(refIds).toContain(r.condition);
      for (const q of r.data) {
        expect(q.model.refId).toBe(q.refId);
        expect(['prometheus', '__expr__']).toContain(q.datasourceUid);
        if (q.datasourceUid === 'prometheus') {
          expect(q.model.expr).toEqual(expect.any(String));
          expect(q.model.instant).toBe(true);
        } else {
          expect(refIds).toContain(q.model.expression);
        }
      }
      expect(r.noDataState).toBe('OK');
      expect(r.execErrState).toBe('Error');
    }
    expect(new Set(rules.map((r) => r.uid)).size).toBe(rules.length);
    expect(rule('ntma-anomaly-high').for).toBe('2m');
    expect(rule('ntma-attack-suspected').for).toBe('0s');
  });

  it('name the scale target, say value against band, and link a dashboard panel that exists', () => {
    const dashboards = readdirSync(path.join(ROOT, 'dashboards')).map(
      (f) =>
        JSON.parse(readFileSync(path.join(ROOT, 'dashboards', f), 'utf8')) as {
          uid: string;
          panels: Array<{ id: number }>;
        },
    );
    for (const r of rules) {
      expect(r.labels.ntma_target).toBe('{{ .Labels.ntma_target }}');
      expect(r.annotations.summary).toMatch(/\{\{ \.Labels\.watcher \}\}/);
      expect(r.annotations.description).toMatch(/index \.Values "[A-Z]"/);
      const dashboard = dashboards.find((d) => d.uid === r.dashboardUid);
      expect(dashboard?.panels.map((p) => p.id)).toContain(r.panelId);
      // Grafana expands $VAR in provisioning files; the templates avoid `$` so nothing is eaten.
      for (const text of [...Object.values(r.labels), ...Object.values(r.annotations)]) expect(text).not.toContain('$');
    }
    for (const uid of ['ntma-anomaly-high', 'ntma-attack-suspected', 'ntma-traffic-drop']) {
      expect(rule(uid).annotations.description).toMatch(/band/);
    }
  });

  it("carry the time of the sample they judged, from timestamp() of the condition's series, on every rule that may scale", () => {
    for (const r of rules) {
      const observed = r.data.find((q) => q.refId === 'O');
      if (r.labels.ntma_kind === 'outage') {
        // The outage rule never scales (the policy holds on its kind): it has no sample to date.
        expect({ uid: r.uid, observed, annotation: r.annotations.ntma_observed_at }).toEqual({
          uid: r.uid,
          observed: undefined,
          annotation: undefined,
        });
        continue;
      }
      expect({ uid: r.uid, annotation: r.annotations.ntma_observed_at }).toEqual({
        uid: r.uid,
        annotation: OBSERVED_AT,
      });
      const threshold = r.data.find((q) => q.refId === r.condition)!.model;
      const condition = r.data.find((q) => q.refId === threshold.expression)!.model.expr!;
      // The series the condition reads, e.g. ntma_anomaly or ntma_anomaly_kind_info{kind="attack_suspected"}.
      const selector = /(ntma_[a-z_]+(?:\{[^}]*\})?)/.exec(condition)![1]!;
      expect({ uid: r.uid, expr: observed?.model.expr }).toEqual({
        uid: r.uid,
        expr: `max without () (timestamp(${selector}))`,
      });
    }
  });

  it('send alerts to the sidecar webhook with the alert secret as bearer credentials', () => {
    const contact = documents.find((d) => d.file === 'ntma-contact-point.yml')!.doc as {
      contactPoints: Array<{
        name: string;
        receivers: Array<{ uid: string; type: string; settings: Record<string, string> }>;
      }>;
    };
    const [point] = contact.contactPoints;
    expect(point!.name).toBe('ntma-sidecar');
    expect(point!.receivers[0]).toMatchObject({
      type: 'webhook',
      settings: {
        url: '${NTMA_SIDECAR_URL}/api/v1/alerts/grafana',
        httpMethod: 'POST',
        authorization_scheme: 'Bearer',
        authorization_credentials: '$NTMA_ALERT_SECRET',
      },
    });
    const policies = documents.find((d) => d.file === 'ntma-policies.yml')!.doc as {
      policies: Array<{ receiver: string; routes: Array<{ receiver: string; group_wait: string }> }>;
    };
    const [root] = policies.policies;
    expect(root!.receiver).toBe('ntma-sidecar');
    for (const route of root!.routes) expect(route.receiver).toBe('ntma-sidecar');
    expect(root!.routes[0]!.group_wait).toBe('0s');
  });
});

describeWith([prometheus], 'alert rules and watchers against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let exporter: RunningSeriesExporter;

  const query = async (
    expr: string,
  ): Promise<{
    status: string;
    errorType?: string;
    error?: string;
    data?: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
  }> => {
    const response = await fetch(`${prom.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await response.json()) as never;
  };

  const band = { forecast: 100, lower: 90, upper: 110 };
  const series = (name: string, sample: Partial<SeriesSample>): SeriesSample => ({
    labels: { watcher: 'rx', device: name, ntma_target: `compose:shop:${name}` },
    actual: 100,
    ...band,
    anomaly: 0,
    score: 0.01,
    kind: null,
    ...sample,
  });
  const states: SeriesSample[] = [
    series('hot', { actual: 900, anomaly: 1, score: 0.9, kind: 'spike' }),
    series('attack', { actual: 5000, anomaly: 1, score: 0.97, kind: 'attack_suspected' }),
    series('low', { actual: 5, anomaly: -1, score: 0.8, kind: 'drop' }),
    series('gone', { actual: null, anomaly: null, score: null }),
    series('fine', {}),
  ];

  beforeAll(async () => {
    // The sidecar's own exporter of ntma_* series, fed with fixed states.
    exporter = await serveSeriesSamples(() => states);
    prom = await startPrometheus({ scrape: [{ job: 'ntma', targets: [exporter.target], intervalSeconds: 1 }] });
    await waitFor('ntma_* series in Prometheus', async () => {
      const answer = await query('ntma_forecast');
      return answer.data?.result.length === states.length;
    });
  });

  afterAll(async () => {
    await prom?.stop();
    if (prom) cleanPrometheus(prom);
    await exporter?.close();
  });

  it("parses every rule's PromQL", async () => {
    for (const r of rules) {
      for (const q of promQueries(r)) {
        const answer = await query(q.model.expr!);
        expect({ rule: r.uid, refId: q.refId, status: answer.status, error: answer.error }).toEqual({
          rule: r.uid,
          refId: q.refId,
          status: 'success',
          error: undefined,
        });
      }
    }
  });

  it("parses every watcher's PromQL in the shipped watchers file", async () => {
    const { watchers } = loadWatchConfig(undefined);
    const expressions = watchers.flatMap((w) => [w.expr, ...Object.values(w.signals)]);
    expect(expressions.length).toBeGreaterThan(10);
    for (const expr of expressions) {
      const answer = await query(expr);
      expect({ expr, status: answer.status, errorType: answer.errorType }).toEqual({
        expr,
        status: 'success',
        errorType: undefined,
      });
    }
  });

  it('refuses a broken expression, so the checks above can fail', async () => {
    const answer = await query('sum by (instance (rate(x[1m]))');
    expect(answer).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  /** What Grafana would fire for a rule: the condition query's series that pass its threshold. */
  async function firing(r: Rule): Promise<Array<{ labels: Record<string, string>; values: Record<string, number> }>> {
    const threshold = r.data.find((q) => q.refId === r.condition)!.model;
    const evaluator = (threshold.conditions as Array<{ evaluator: { type: 'gt' | 'lt'; params: number[] } }>)[0]!
      .evaluator;
    const results = new Map<string, Array<{ metric: Record<string, string>; value: [number, string] }>>();
    for (const q of promQueries(r)) {
      const answer = await query(q.model.expr!);
      expect(answer.status).toBe('success');
      results.set(q.refId, answer.data!.result);
    }
    const key = (labels: Record<string, string>): string => JSON.stringify(Object.entries(labels).sort());
    return results
      .get(threshold.expression!)!
      .filter(({ value }) =>
        evaluator.type === 'gt' ? Number(value[1]) > evaluator.params[0]! : Number(value[1]) < evaluator.params[0]!,
      )
      .map(({ metric }) => {
        expect(metric.__name__).toBeUndefined();
        const values: Record<string, number> = {};
        for (const [refId, list] of results) {
          // Every query of the rule lines up with the firing series by its full label set.
          const match = list.find((s) => key(s.metric) === key(metric));
          if (match) values[refId] = Number(match.value[1]);
        }
        return { labels: metric, values };
      });
  }

  const devices = (list: Array<{ labels: Record<string, string> }>): string[] =>
    list.map((f) => f.labels.device!).sort();

  it('fires each rule for exactly the series it is meant for, with the values its annotations print', async () => {
    const high = await firing(rule('ntma-anomaly-high'));
    expect(devices(high)).toEqual(['attack', 'hot']);
    const hot = high.find((f) => f.labels.device === 'hot')!.values;
    expect(hot).toEqual({ A: 1, B: 900, F: 100, S: 0.9, U: 110, O: expect.any(Number) });
    // The sample time is the last scrape (every second here), not the time of evaluation.
    expect(Math.abs(hot.O! * 1000 - Date.now())).toBeLessThan(15_000);
    expect(devices(await firing(rule('ntma-attack-suspected')))).toEqual(['attack']);
    const drop = await firing(rule('ntma-traffic-drop'));
    expect(devices(drop)).toEqual(['low']);
    expect(drop[0]!.values).toEqual({ A: -1, B: 5, L: 90, O: expect.any(Number) });
    const outage = await firing(rule('ntma-traffic-outage'));
    expect(devices(outage)).toEqual(['gone']);
    expect(outage[0]!.values).toEqual({ A: 100 });
  });

  it("gives the sidecar's webhook what it needs to act, and to hold on an outage", async () => {
    const now = Date.now();
    const context: PolicyContext = {
      current: 2,
      settings: {
        enabled: true,
        limits: { min: 1, max: 5, step: 1, cooldownSeconds: 0 },
        auto: 'on',
        attackMax: null,
        capacity: null,
      },
      lastChange: { live: null, any: null },
      // The watchers' reading of the load (the low series' actual, 5, all of the last 5 minutes) and 5 per
      // replica after the last change: one replica carries it, so the drop may take its step.
      load: { value: 5, observedAt: now, windowPeak: 5, windowSeconds: 300 },
      reference: { live: { perReplica: 5, at: now - 600_000 }, any: null },
      now,
      staleAfterMs: 300_000,
      defaultAttackMax: 3,
      forceDryRun: false,
    };
    const decisions = new Map<string, { target?: string; direction?: string; attack?: boolean; decision: string }>();
    for (const r of rules) {
      for (const instance of await firing(r)) {
        const labels: Record<string, string> = { alertname: r.title, ...instance.labels };
        for (const [name, template] of Object.entries(r.labels)) labels[name] = render(template, instance.labels);
        const annotations: Record<string, string> = {};
        const observedAt = renderObservedAt(r.annotations.ntma_observed_at, instance.values);
        if (observedAt !== undefined) annotations.ntma_observed_at = observedAt;
        const alert: GrafanaAlert = { status: 'firing', labels, annotations, values: instance.values };
        const [mapped] = mapGrafanaAlerts({ alerts: [alert] });
        const decision = decide(mapped!.signal!, context);
        decisions.set(`${r.uid}/${instance.labels.device}`, {
          target: mapped!.signal?.target,
          direction: mapped!.signal?.direction,
          attack: mapped!.signal?.attack,
          decision: decision.kind === 'scale' ? `scale ${decision.from}->${decision.to}` : `hold: ${decision.reason}`,
        });
      }
    }
    expect(decisions.get('ntma-anomaly-high/hot')).toEqual({
      target: 'compose:shop:hot',
      direction: 'out',
      attack: false,
      decision: 'scale 2->3',
    });
    expect(decisions.get('ntma-attack-suspected/attack')).toMatchObject({
      target: 'compose:shop:attack',
      direction: 'out',
      attack: true,
    });
    expect(decisions.get('ntma-traffic-drop/low')).toEqual({
      target: 'compose:shop:low',
      direction: 'in',
      attack: false,
      decision: 'scale 2->1',
    });
    // Missing data never scales: the outage alert names its target but the policy holds.
    expect(decisions.get('ntma-traffic-outage/gone')).toMatchObject({ target: 'compose:shop:gone' });
    expect(decisions.get('ntma-traffic-outage/gone')!.decision).toMatch(
      /^hold: the series stopped reporting \(outage\)/,
    );
  });
});
