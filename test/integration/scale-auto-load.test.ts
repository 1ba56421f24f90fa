/**
 * The alert-driven policy's scale-in, live, held to the load the sidecar watches (docs/scaling.md,
 * alr23 and atk24): a test exporter plays a request rate, a real Prometheus scrapes it every second,
 * the real sidecar watches it at a 1 s step with the watcher's `target` naming a Compose target of
 * real containers (no capacity model: the alert-driven policy), and the test posts Grafana alerts to
 * the webhook as the shipped rules would send them. An "above band" alert at 30 requests/s scales
 * 1 -> 3 (10 per replica after the change); the rate falls to 8; a "below band" alert holds while the
 * watched window (30 steps: 30 s) still holds the 30; re-sent every 2 s from then on, it scales in as the
 * window lets it and ends at 1 (a scale-in that the fall's last values held at 2 is finished at the flat 8:
 * scl25; before, it stayed at 2, and the test waited for a clean window to send its last alert). Then a flood
 * (200 requests/s): an attack alert scales 1 -> 3 (the attack cap), the rate falls back to 4, the alert
 * adds nothing more, and the periodic evaluation gives the two replicas back once the window is clean.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeWith, dockerd, prometheus } from '../support/components.js';
import {
  UNTHROTTLED,
  callJson,
  composeReplicas,
  createComposeService,
  eventually,
  removeTestResources,
  testImage,
} from '../support/docker.js';
import { startExporter, type RunningExporter } from '../support/exporter.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from '../support/prometheus.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from '../support/sidecar.js';

const SUITE = 'scale-auto-load';
const SECRET = 'grafana-webhook-secret-load-0123456789';
/** Requests/s before and after the fall. */
const HIGH = 30;
const LOW = 8;
/** A flood's request rate, and the traffic after it. */
const FLOOD = 200;
const AFTER = 4;
/** The watcher's step; the scale-in window is the 30 steps a watcher keeps (5 minutes would need 300). */
const STEP_SECONDS = 1;
const WINDOW_SECONDS = 30 * STEP_SECONDS;

interface Decision {
  decision: string;
  reason: string;
  before?: number;
  after?: number;
  notes?: string[];
}

interface AuditEntry {
  status: string;
  source: string;
  before: number | null;
  after: number | null;
  dryRun: boolean;
  detail?: string;
  alert?: { alertname: string };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWith([dockerd, prometheus], 'alert-driven scale-in held to the watched load, live', () => {
  const project = `ntmal${Date.now().toString(36)}`;
  let level = HIGH;
  let exporter: RunningExporter;
  let prom: RunningPrometheus;
  let sidecar: RunningSidecar;
  let target: string;
  let sent = 0;
  /** The history, Prometheus' data and the watchers file. */
  let dir: string | undefined;

  /**
   * One Grafana alert as the shipped rules send it: the share of the minute outside the band (1 for the
   * attack rule, ntma_anomaly_kind_info), and the sample time.
   */
  const alert = async (direction: 'out' | 'in' | 'attack'): Promise<Decision> => {
    sent += 1;
    const names = {
      out: 'Traffic above its forecast band',
      in: 'Traffic below its forecast band',
      attack: 'Traffic looks like an attack',
    };
    const labels = {
      out: { ntma_direction: 'out' },
      in: { ntma_direction: 'in', ntma_kind: 'drop' },
      attack: { ntma_direction: 'out', ntma_kind: 'attack_suspected', ntma_attack: 'true' },
    };
    const body = {
      receiver: 'ntma-autoscale',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: names[direction], ntma_target: target, ...labels[direction] },
          annotations: { ntma_observed_at: (Date.now() / 1000).toFixed(3) },
          startsAt: new Date().toISOString(),
          fingerprint: `load-${direction}-${sent}`,
          values: { A: direction === 'in' ? -1 : 1 },
        },
      ],
    };
    const answer = await callJson<{ decisions: Decision[] }>(`${sidecar.url}/api/v1/alerts/grafana`, {
      token: SECRET,
      body,
    });
    expect(answer.status).toBe(200);
    return answer.body.decisions[0]!;
  };

  const replicas = async () => (await composeReplicas(project, 'web')).length;

  beforeAll(async () => {
    testImage();
    await removeTestResources(SUITE);
    dir = mkdtempSync(path.join(tmpdir(), `ntma-${SUITE}-`));
    exporter = await startExporter([{ family: 'ntma_load_requests', labels: { app: project }, rate: () => level }]);
    prom = await startPrometheus({
      storageDir: path.join(dir, 'data'),
      scrape: [{ job: 'exporter', targets: [exporter.target], intervalSeconds: 1 }],
    });
    target = await createComposeService({
      suite: SUITE,
      project,
      service: 'web',
      replicas: 1,
      labels: {
        'ntma.scale.enabled': 'true',
        'ntma.scale.min': '1',
        'ntma.scale.max': '4',
        'ntma.scale.step': '2',
        'ntma.scale.cooldown': '2s',
        'ntma.scale.auto': 'on',
        'ntma.scale.attack-max': '3',
      },
    });
    const watchers = path.join(dir, 'watchers.yml');
    writeFileSync(
      watchers,
      [
        'watchers:',
        '  - name: requests',
        `    expr: sum by (app) (rate(ntma_load_requests_total{app="${project}"}[5s]))`,
        `    step: ${STEP_SECONDS}s`,
        '    train: 10m',
        '    role: requests',
        '    target: compose:{{app}}:web',
        '',
      ].join('\n'),
    );
    sidecar = await startSidecar({
      ...UNTHROTTLED,
      PROMETHEUS_URL: prom.url,
      NTMA_WATCHERS: watchers,
      NTMA_ALERT_SECRET: SECRET,
      NTMA_SCALE_AUTO_DRY_RUN: 'false',
      // The periodic evaluation gives a flood's replicas back; every 2 s here.
      NTMA_SCALE_EVAL_SECONDS: '2',
      NTMA_FIT_WORKERS: '1',
    });
  }, 120_000);

  afterAll(async () => {
    await sidecar?.close();
    await prom?.stop();
    await exporter?.stop();
    if (prom) cleanPrometheus(prom);
    await removeTestResources(SUITE);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scales out on an alert, holds a drop alert while the watched window still needs the replicas, then scales in', async () => {
    expect(await replicas()).toBe(1);
    // The watcher's series seen, with a sample at its last step (a model is not needed for the load), then a
    // full window of it at the level (the 5 s rate settles in a few steps).
    const began = Date.now();
    while (Date.now() - began < 90_000) {
      const answer = await callJson<{ watchers: Array<{ state: { series: number; missing: number } }> }>(
        `${sidecar.url}/api/v1/watchers`,
        { token: TEST_TOKEN },
      );
      const state = answer.body.watchers[0]?.state;
      if (state !== undefined && state.series > 0 && state.missing === 0) break;
      await wait(1000);
    }
    await wait((WINDOW_SECONDS + 5) * 1000);
    const startedAfter = (Date.now() - began) / 1000;

    // Out on the alert (its value, the share of the minute above the band, says nothing of the load);
    // the load at the change (about 30) over the 3 replicas set is the reference: 10 per replica.
    expect(await alert('out')).toMatchObject({ decision: 'scaled', before: 1, after: 3 });
    expect(await replicas()).toBe(3);

    level = LOW;
    const fell = Date.now();
    const since = () => (Date.now() - fell) / 1000;
    const holding = new RegExp(
      `^load up to (?:\\d+\\.?\\d*) over the last ${WINDOW_SECONDS} s at (?:\\d+\\.?\\d*) per replica ` +
        '\\(the load per replica after the last change\\) needs ([3-9]) replicas: holding at 3$',
    );
    const answers: string[] = [];
    const scaled: Decision[] = [];
    const drop = async (): Promise<Decision> => {
      const decision = await alert('in');
      answers.push(`${since().toFixed(1)} s after the fall: ${decision.decision}: ${decision.reason}`);
      return decision;
    };
    try {
      // Just after the fall (past the 2 s cooldown), and half a window later: the window still holds the 30,
      // which needs all 3 (4 when the rate's noise puts the window's highest above the 30 of the change).
      for (const at of [3, WINDOW_SECONDS / 2]) {
        await wait(Math.max(0, at - since()) * 1000);
        const early = await drop();
        expect(early).toMatchObject({ decision: 'held', before: 3, after: 3 });
        expect(early.reason).toMatch(holding);
      }
      // Then every 2 s, as a firing rule's re-sends come, whatever the window holds: a scale-in while the fall's
      // last values are in the window stops at the count they need (3 -> 2), and the flat 8 then takes it to the
      // one replica that carries it at 10 per replica; or, once the window holds only the 8, 3 -> 1 in one step.
      while ((await replicas()) > 1 && since() < WINDOW_SECONDS + 30) {
        await wait(2000);
        const answer = await drop();
        if (answer.decision === 'scaled') scaled.push(answer);
        else expect(answer).toMatchObject({ decision: 'held' });
      }
      expect(await replicas()).toBe(1);
      expect(scaled[0]).toMatchObject({ before: 3 });
      expect(scaled.at(-1)).toMatchObject({ after: 1 });
    } finally {
      process.stderr.write(
        `scale-auto-load: scaled out ${startedAfter.toFixed(0)} s after the start; drop alerts:\n  ${answers.join('\n  ')}\n`,
      );
    }
    const audit = await callJson<{ items: AuditEntry[] }>(
      `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}&limit=5`,
      { token: TEST_TOKEN },
    );
    expect(audit.body.items[0]).toMatchObject({
      status: 'applied',
      source: 'alert',
      dryRun: false,
      before: scaled.at(-1)?.before,
      after: 1,
      alert: { alertname: 'Traffic below its forecast band' },
    });
  }, 240_000);

  it('absorbs a flood up to the attack cap only while it lasts, and the periodic evaluation gives the replicas back', async () => {
    expect(await replicas()).toBe(1);
    level = FLOOD;
    await wait(8000);
    // 200 requests/s against the per-replica load of the scale-in (about 8): far more than 1 replica, capped at 3.
    const flood = await alert('attack');
    expect(flood).toMatchObject({ decision: 'scaled', before: 1, after: 3 });
    expect(flood.notes).toContain('attack-aware cap: scale-out limited to 3 replicas');
    level = AFTER;
    const ended = Date.now();
    await wait(8000);
    // The alert fires on (the excursion recovers), but the load is carried: nothing more is added.
    const after = await alert('attack');
    expect(after).toMatchObject({ decision: 'held', reason: expect.stringMatching(/^the flood has stopped: /) });
    const back = async () => {
      const audit = await callJson<{ items: Array<AuditEntry & { who: string; notes?: string[] }> }>(
        `${sidecar.url}/api/v1/audit?target=${encodeURIComponent(target)}&limit=5`,
        { token: TEST_TOKEN },
      );
      return audit.body.items.find((a) => a.source === 'policy' && a.status === 'applied');
    };
    await eventually('the flood replicas back', async () => (await back()) !== undefined, 90_000);
    const seconds = (Date.now() - ended) / 1000;
    process.stderr.write(
      `scale-auto-load: flood: ${flood.reason}; 8 s after it: ${after.reason}; its replicas back ` +
        `${seconds.toFixed(1)} s after it ended\n`,
    );
    expect(await back()).toMatchObject({
      who: 'ntma-policy',
      before: 3,
      after: 1,
      dryRun: false,
      notes: ['giving back the replicas added for a flood (1 before it)'],
    });
    expect(await replicas()).toBe(1);
    // Not before the window let the flood's load go.
    expect(seconds).toBeGreaterThanOrEqual(WINDOW_SECONDS);
  }, 150_000);
});
