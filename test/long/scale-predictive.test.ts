/**
 * The predictive policy end to end, in live mode, on the real engine: a test exporter plays a
 * request rate with a daily pattern (a quiet level with a four-minute rush at the same time every
 * day), nearly three days of it are backfilled into a real Prometheus with promtool, and today's rush is set
 * a few minutes after the test starts. The real sidecar watches the rate, its model learns the
 * daily rush from history, and its periodic evaluation scales a Compose-labelled target (real
 * containers from ntma/busybox) out BEFORE the rush arrives (the forecast over the lead time needs
 * more replicas while the current rate still fits one) and back in after it (once the stabilisation
 * window has passed and the forecast stays low). Every decision is read back from the audit log.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWith, dockerd, prometheus, promtool } from '../support/components.js';
import {
  UNTHROTTLED,
  callJson,
  composeReplicas,
  createComposeService,
  eventually,
  removeTestResources,
  testImage,
} from '../support/docker.js';
import { backfillHistory, noise, startExporter, type CounterSpec, type RunningExporter } from '../support/exporter.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-predictive';
const DAY = 86_400;
/** Seconds between backfilled samples, and the watcher's step. */
const SAMPLE_SECONDS = 15;
const STEP_SECONDS = 30;
/**
 * History: the training window is 64 h. The fit keeps its last 1,440 points for calibration, and a
 * daily season needs more than two whole cycles in the rest to be trusted: 64 h at 30 s leaves 52 h.
 */
const TRAIN = '64h';
const HISTORY_SECONDS = Math.round(2.8 * DAY);
const QUIET = 10;
const RUSH = 60;
/** Today's rush starts this long after the test starts; it ramps 60 s, holds 180 s, falls 60 s. */
const RUSH_AFTER_SECONDS = 300;
const RAMP = 60;
const HOLD = 180;
/** One replica serves 20 requests/s; the policy plans for 75% of it, 15 requests/s. */
const PER_REPLICA = 20;
const UTILISATION = 0.75;
const LEAD_SECONDS = 90;
const STABILISATION_SECONDS = 60;

interface PolicyInputs {
  actual: number | null;
  forecastPeak: number | null;
  demand: number | null;
  desired: number | null;
  anomaly: { kind: string | null; attack: boolean };
}

interface Action {
  id: string;
  status: string;
  source: string;
  before: number | null;
  after: number | null;
  dryRun: boolean;
  reason: string;
  detail?: string;
  acceptedAt?: string;
  finishedAt?: string;
  policy?: PolicyInputs;
}

describeWith([dockerd, prometheus, promtool], 'predictive autoscaling of a Compose target on a real engine', () => {
  const project = `ntmap${Date.now().toString(36)}`;
  let exporter: RunningExporter;
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;
  let target: string;
  let rushAt: number;

  /** Time of day (s) the rush starts, the same every day. */
  let rushOfDay: number;
  const rate = (t: number): number => {
    const x = (((t - rushOfDay) % DAY) + DAY) % DAY;
    let level = 0;
    if (x < RAMP) level = x / RAMP;
    else if (x < RAMP + HOLD) level = 1;
    else if (x < 2 * RAMP + HOLD) level = 1 - (x - RAMP - HOLD) / RAMP;
    return (QUIET + (RUSH - QUIET) * level) * (1 + 0.02 * noise('rate', t));
  };

  const audit = async (): Promise<Action[]> => {
    const answer = await callJson<{ items: Action[] }>(
      `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}&limit=200`,
      { token: TEST_TOKEN },
    );
    return answer.body.items.slice().reverse();
  };
  const changes = async (): Promise<Action[]> =>
    (await audit()).filter((a) => a.status === 'applied' && a.before !== a.after);

  beforeAll(async () => {
    testImage();
    await removeTestResources(SUITE);
    const now = Math.floor(Date.now() / 1000);
    rushAt = now + RUSH_AFTER_SECONDS;
    rushOfDay = rushAt % DAY;
    const dir = mkdtempSync(path.join(tmpdir(), 'ntma-predictive-'));
    exporter = await startExporter();
    const counters: CounterSpec[] = [{ family: 'ntma_pred_requests', labels: { app: project }, rate }];
    const totals = backfillHistory({
      promtool: promtool.path!,
      dataDir: path.join(dir, 'data'),
      file: path.join(dir, 'history.om'),
      counters,
      scrapeLabels: { job: 'exporter', instance: exporter.target },
      from: now - HISTORY_SECONDS,
      to: now,
      step: SAMPLE_SECONDS,
    });
    exporter.add(counters.map((c, i) => ({ ...c, start: { total: totals[i]!, at: now } })));
    prom = await startPrometheus({
      storageDir: path.join(dir, 'data'),
      scrape: [{ job: 'exporter', targets: [exporter.target], intervalSeconds: 5 }],
    });
    target = await createComposeService({
      suite: SUITE,
      project,
      service: 'web',
      replicas: 1,
      labels: {
        'ntma.scale.enabled': 'true',
        'ntma.scale.min': '1',
        'ntma.scale.max': '5',
        'ntma.scale.step': '4',
        'ntma.scale.cooldown': '0',
        'ntma.scale.auto': 'on',
        'ntma.scale.capacity': String(PER_REPLICA),
        'ntma.scale.utilisation': String(UTILISATION),
        'ntma.scale.lead': `${LEAD_SECONDS}s`,
        'ntma.scale.stabilisation': `${STABILISATION_SECONDS}s`,
        'ntma.scale.watcher': 'requests',
      },
    });
    const watchers = path.join(dir, 'watchers.yml');
    writeFileSync(
      watchers,
      [
        'watchers:',
        '  - name: requests',
        `    expr: sum by (app) (rate(ntma_pred_requests_total{app="${project}"}[1m]))`,
        `    step: ${STEP_SECONDS}s`,
        `    train: ${TRAIN}`,
        '    role: requests',
        `    target: compose:{{app}}:web`,
        '',
      ].join('\n'),
    );
    sidecar = await startSidecar({
      ...UNTHROTTLED,
      PROMETHEUS_URL: prom.url,
      NTMA_WATCHERS: watchers,
      NTMA_SCALE_AUTO_DRY_RUN: 'false',
      NTMA_SCALE_EVAL_SECONDS: '5',
      NTMA_FIT_WORKERS: '1',
      NTMA_FIT_TIMEOUT_MS: '120000',
    });
  }, 180_000);

  afterAll(async () => {
    await sidecar?.close();
    await prom?.stop();
    await exporter?.stop();
    if (prom) cleanPrometheus(prom);
    await removeTestResources(SUITE);
  });

  it('shows in GET targets what the policy would do now and why', async () => {
    await eventually(
      'a forecast for the target',
      async () => {
        const answer = await callJson<{
          targets: Array<{ id: string; policy: { code: string; inputs: PolicyInputs } }>;
        }>(`${sidecar.url}/api/v1/targets`, { token: TEST_TOKEN });
        const view = answer.body.targets.find((t) => t.id === target);
        return view !== undefined && view.policy.inputs.forecastPeak !== null;
      },
      150_000,
    );
  }, 160_000);

  it('scales out ahead of the daily rush and back in after it, live', async () => {
    // Out: decided while the current rate still fit one replica, before the rush arrived.
    await eventually(
      'a scale-out',
      async () => (await changes()).some((a) => a.after! > a.before!),
      (RUSH_AFTER_SECONDS + 60) * 1000,
    );
    const out = (await changes()).find((a) => a.after! > a.before!)!;
    const outAt = Date.parse(out.acceptedAt!) / 1000;
    expect(out.source).toBe('policy');
    expect(out.dryRun).toBe(false);
    expect(out.policy!.actual!).toBeLessThan(PER_REPLICA * UTILISATION);
    expect(out.policy!.forecastPeak!).toBeGreaterThan(PER_REPLICA * UTILISATION);
    expect(outAt).toBeLessThan(rushAt + 15);
    expect((await composeReplicas(project, 'web')).length).toBeGreaterThan(1);

    // In: after the rush has passed and the stabilisation window with it.
    const rushEnd = rushAt + 2 * RAMP + HOLD;
    await eventually(
      'back to one replica',
      async () => (await composeReplicas(project, 'web')).length === 1,
      (rushEnd - Date.now() / 1000 + STABILISATION_SECONDS + 240) * 1000,
    );
    const all = await changes();
    const back = all.filter((a) => a.after! < a.before!);
    expect(back.length).toBeGreaterThan(0);
    for (const a of back) expect(Date.parse(a.acceptedAt!) / 1000).toBeGreaterThan(rushAt + RAMP + HOLD);
    const peak = Math.max(...all.map((a) => a.after!));
    // 60 requests/s at 15 per replica: 4 replicas were needed at the top.
    expect(peak).toBeGreaterThanOrEqual(4);

    // The timeline, for the report: when each decision was taken, relative to the rush.
    const timeline = all.map((a) => {
      const at = Date.parse(a.acceptedAt!) / 1000;
      const p = a.policy!;
      return `t-rush=${(at - rushAt).toFixed(0)}s ${a.before}->${a.after} actual=${p.actual?.toFixed(1)} forecastPeak=${p.forecastPeak?.toFixed(1)} desired=${p.desired}`;
    });
    process.stderr.write(`scale-predictive timeline:\n  ${timeline.join('\n  ')}\n`);
  }, 900_000);
});
