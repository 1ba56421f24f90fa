/**
 * The Prometheus + Alertmanager path of automatic scaling, which the native stack (`npm start`)
 * uses where no Grafana evaluates the rules: provisioning/prometheus/rules/ntma-alerts.yml passes
 * promtool's checks and its own rule unit tests, matches the Grafana-managed rules it mirrors, and —
 * with the real Prometheus evaluating it on ntma_* series, the real Alertmanager routing the alert
 * with NTMA's receiver config, and the real Docker Engine — an attack verdict scales the target.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { SeriesSample } from '../../sidecar/src/metrics/series-metrics.js';
import { startAlertmanager, type RunningAlertmanager } from '../support/alertmanager.js';
import { alertmanager, describeWith, dockerd, prometheus, promtool } from '../support/components.js';
import {
  UNTHROTTLED,
  callJson,
  composeReplicas,
  createComposeService,
  eventually,
  removeTestResources,
  testImage,
} from '../support/docker.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { serveSeriesSamples, type RunningSeriesExporter } from '../support/series-exporter.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const ROOT = path.resolve(__dirname, '../..');
const RULES = path.join(ROOT, 'provisioning/prometheus/rules/ntma-alerts.yml');
const GRAFANA_RULES = path.join(ROOT, 'provisioning/alerting/ntma-rules.yml');
const ALERTMANAGER_CONFIG = path.join(ROOT, 'provisioning/alertmanager/alertmanager.yml');

interface PromRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface GrafanaRule {
  title: string;
  condition: string;
  for: string;
  labels: Record<string, string>;
  data: Array<{
    refId: string;
    model: {
      expr?: string;
      expression?: string;
      conditions?: Array<{ evaluator: { type: string; params: number[] } }>;
    };
  }>;
}

const promRules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: PromRule[] }> }).groups.flatMap(
  (g) => g.rules,
);
const grafanaRules = (
  parse(readFileSync(GRAFANA_RULES, 'utf8')) as { groups: Array<{ rules: GrafanaRule[] }> }
).groups.flatMap((g) => g.rules);

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describeWith([promtool], 'Prometheus alerting rules (provisioning/prometheus/rules)', () => {
  it("pass promtool's check", () => {
    const out = execFileSync(promtool.path!, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 4 rules found/);
  });

  it('pass their promtool rule unit tests (test/rules/ntma-alerts.test.yml)', () => {
    const out = execFileSync(promtool.path!, ['test', 'rules', 'ntma-alerts.test.yml'], {
      cwd: path.join(ROOT, 'test/rules'),
      encoding: 'utf8',
    });
    expect(out).toMatch(/SUCCESS/);
  });

  it('mirror the Grafana rules: names, conditions, for and labels', () => {
    const OPERATOR: Record<string, string> = { gt: '>', lt: '<' };
    expect(promRules.map((r) => r.alert).sort()).toEqual(grafanaRules.map((r) => r.title).sort());
    for (const grafana of grafanaRules) {
      const rule = promRules.find((r) => r.alert === grafana.title)!;
      const threshold = grafana.data.find((d) => d.refId === grafana.condition)!.model;
      const query = grafana.data.find((d) => d.refId === threshold.expression)!.model.expr!;
      const { type, params } = threshold.conditions![0]!.evaluator;
      expect({ alert: rule.alert, expr: squash(rule.expr) }).toEqual({
        alert: grafana.title,
        expr: squash(`${query} ${OPERATOR[type]} ${params[0]}`),
      });
      expect({ alert: rule.alert, for: rule.for }).toEqual({ alert: grafana.title, for: grafana.for });
      // Grafana templates ntma_target from the series; in Prometheus the series' labels pass through.
      const { ntma_target: templated, ...staticLabels } = grafana.labels;
      expect(templated).toBe('{{ .Labels.ntma_target }}');
      expect({ alert: rule.alert, labels: rule.labels }).toEqual({ alert: grafana.title, labels: staticLabels });
    }
  });

  it('date each alert with the sample time of the series that fired, as the Grafana rules do', () => {
    for (const rule of promRules) {
      const grafana = grafanaRules.find((g) => g.title === rule.alert)!;
      const observed = grafana.data.find((d) => d.refId === 'O')?.model.expr;
      const annotation = rule.annotations.ntma_observed_at;
      if (observed === undefined) {
        expect({ alert: rule.alert, annotation }).toEqual({ alert: rule.alert, annotation: undefined });
        continue;
      }
      // Grafana: `timestamp(<selector>)` lined up by labels; Prometheus: the same metric, selected
      // by every label of the series that fired.
      const metric = /timestamp\((ntma_[a-z_]+)/.exec(observed)![1]!;
      expect({ alert: rule.alert, annotation: squash(annotation ?? '') }).toEqual({
        alert: rule.alert,
        annotation: expect.stringContaining(`printf "timestamp(${metric}{%s})" $selector | query`),
      });
    }
  });

  it("template the value the sidecar's policy needs, except on an outage, where it must hold", () => {
    for (const rule of promRules) {
      expect({ alert: rule.alert, value: rule.annotations.ntma_value }).toEqual({
        alert: rule.alert,
        value: rule.labels.ntma_kind === 'outage' ? undefined : '{{ $value }}',
      });
    }
  });
});

describeWith(
  [prometheus, alertmanager, dockerd],
  'automatic scaling from Prometheus rules through Alertmanager',
  () => {
    const SUITE = 'alertmanager';
    const SECRET = 'alertmanager-webhook-secret-0123456789';
    const project = `ntmaam${Date.now().toString(36)}`;
    let exporter: RunningSeriesExporter;
    let prom: RunningPrometheus;
    let am: RunningAlertmanager;
    let sidecar: RunningSidecar;
    let target: string;
    const samples: SeriesSample[] = [];

    const sample = (labels: Record<string, string>, kind: string | null): SeriesSample => ({
      labels: { watcher: 'demo_request_rate', job: 'web', ...labels },
      actual: 5000,
      forecast: 100,
      lower: 80,
      upper: 120,
      anomaly: 1,
      score: 0.99,
      kind,
    });

    beforeAll(async () => {
      testImage();
      await removeTestResources(SUITE);
      target = await createComposeService({
        suite: SUITE,
        project,
        service: 'web',
        replicas: 1,
        labels: {
          'ntma.scale.enabled': 'true',
          'ntma.scale.min': '1',
          'ntma.scale.max': '5',
          'ntma.scale.step': '2',
          'ntma.scale.auto': 'on',
          'ntma.scale.attack-max': '3',
        },
      });
      sidecar = await startSidecar({ ...UNTHROTTLED, NTMA_ALERT_SECRET: SECRET, NTMA_SCALE_AUTO_DRY_RUN: 'false' });
      exporter = await serveSeriesSamples(() => samples);
      am = await startAlertmanager({ config: ALERTMANAGER_CONFIG, sidecarUrl: sidecar.url, alertSecret: SECRET });
      prom = await startPrometheus({
        scrape: [{ job: 'ntma-sidecar', targets: [exporter.target], intervalSeconds: 1 }],
        ruleFiles: [RULES],
        alertmanager: am.address,
      });
    });

    afterAll(async () => {
      await prom?.stop();
      if (prom) cleanPrometheus(prom);
      await am?.stop();
      await exporter?.close();
      await sidecar?.close();
      await removeTestResources(SUITE);
    });

    it('scales the target within its attack cap once the classifier calls an attack, and audits who and why', async () => {
      expect((await composeReplicas(project, 'web')).length).toBe(1);
      const onset = Date.now();
      samples.push(sample({ ntma_target: target }, 'attack_suspected'));
      // A second attack on a series that names no target: Alertmanager delivers it, the sidecar ignores it.
      samples.push(sample({ instance: 'elsewhere' }, 'attack_suspected'));
      const auditOf = () =>
        callJson<{ items: Array<Record<string, unknown>> }>(
          `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}`,
          { token: TEST_TOKEN },
        );
      // The audit entry turns `applied` once the engine has converged, after the replicas exist.
      await eventually('the attack alert to reach the sidecar and its action to be applied', async () => {
        const entry = (await auditOf()).body.items[0];
        return entry !== undefined && entry.status !== 'in_progress';
      });
      const seconds = (Date.now() - onset) / 1000;
      // Scrape 1 s + evaluation 1 s + Alertmanager's group_wait 0 s for attacks + the scale itself.
      expect(seconds).toBeLessThan(30);
      expect((await composeReplicas(project, 'web')).length).toBe(3);
      const audit = await auditOf();
      expect(audit.body.items[0]).toMatchObject({
        status: 'applied',
        source: 'alert',
        who: 'alertmanager-alert:ntma-sidecar',
        dryRun: false,
        before: 1,
        after: 3,
        alert: { alertname: 'Traffic looks like an attack', kind: 'attack_suspected', attack: true },
      });
    });

    it('holds at the attack cap while the alert keeps firing', async () => {
      // Alertmanager re-sends the attack group every 30 s (group_interval) only when it changes;
      // a new series in the group is a change, so the sidecar hears from it again.
      samples.push(sample({ ntma_target: target, device: 'second' }, 'attack_suspected'));
      await eventually(
        'a held decision in the audit log',
        async () => {
          const audit = await callJson<{ items: Array<Record<string, unknown>> }>(
            `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}`,
            { token: TEST_TOKEN },
          );
          return audit.body.items.some((entry) => entry.status === 'held');
        },
        60_000,
      );
      expect((await composeReplicas(project, 'web')).length).toBe(3);
    }, 90_000);
  },
);
