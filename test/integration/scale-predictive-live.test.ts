/**
 * The predictive policy end to end, in live mode, on the real engine, in compressed time (the long
 * version with a real day is test/long/scale-predictive.test.ts, about 12 minutes): a test exporter
 * plays a request rate whose "day" lasts five minutes (a quiet level with an 80-second rush at the same
 * point of every such day), three hours of it (36 days) are backfilled into a real Prometheus with
 * promtool, and the next rush comes about a minute and a half after the test starts. The real sidecar watches the rate, its model learns the
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

const SUITE = 'scale-predlive';
/** The compressed day: the season the model must find in the history (60 watcher steps). */
const DAY = 300;
/** Seconds between backfilled samples (and the live scrape interval), and the watcher's step. */
const SAMPLE_SECONDS = 5;
const STEP_SECONDS = 5;
/**
 * History: 2 h at 5 s is 1,440 points, of which the fit holds out 20% for calibration, leaving 19
 * whole days for the season; backfilled a little longer so the window is full from the start.
 */
const TRAIN = '2h';
const HISTORY_SECONDS = 3 * 3600;
const QUIET = 10;
const RUSH = 60;
/** The next rush starts this long after the test starts; it ramps 20 s, holds 40 s, falls 20 s. */
const RUSH_AFTER_SECONDS = 100;
const RAMP = 20;
const HOLD = 40;
/** One replica serves 20 requests/s; the policy plans for 75% of it, 15 requests/s. */
const PER_REPLICA = 20;
const UTILISATION = 0.75;
const LEAD_SECONDS = 30;
const STABILISATION_SECONDS = 20;

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

describeWith(
  [dockerd, prometheus, promtool],
  'predictive autoscaling of a Compose target on a real engine, in compressed time',
  () => {
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
      const dir = mkdtempSync(path.join(tmpdir(), 'ntma-predlive-'));
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
        scrape: [{ job: 'exporter', targets: [exporter.target], intervalSeconds: SAMPLE_SECONDS }],
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
          `    expr: sum by (app) (rate(ntma_pred_requests_total{app="${project}"}[30s]))`,
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
        NTMA_SCALE_EVAL_SECONDS: '2',
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

    it(
      'shows in GET targets what the policy would do now and why',
      async () => {
        await eventually(
          'a forecast for the target',
          async () => {
            const answer = await callJson<{
              targets: Array<{ id: string; policy: { code: string; inputs: PolicyInputs } }>;
            }>(`${sidecar.url}/api/v1/targets`, { token: TEST_TOKEN });
            const view = answer.body.targets.find((t) => t.id === target);
            return view !== undefined && view.policy.inputs.forecastPeak !== null;
          },
          (RUSH_AFTER_SECONDS - 20) * 1000,
        );
      },
      RUSH_AFTER_SECONDS * 1000,
    );

    it('scales out ahead of the daily rush and back in after it, live', async () => {
      // The timeline, for the report (and for a failure): each change, relative to the rush.
      const report = (all: Action[]): void => {
        const timeline = all.map((a) => {
          const at = Date.parse(a.acceptedAt!) / 1000;
          const p = a.policy!;
          return `t-rush=${(at - rushAt).toFixed(0)}s ${a.before}->${a.after} actual=${p.actual?.toFixed(1)} forecastPeak=${p.forecastPeak?.toFixed(1)} desired=${p.desired}`;
        });
        process.stderr.write(`scale-predictive (compressed) timeline:\n  ${timeline.join('\n  ')}\n`);
      };
      // The first minute after the sidecar starts reads a seam between the backfilled history and the
      // live scrapes, and the model's first steps may move a replica on it; the rush is what is judged:
      // the scale-out taken from the time the forecast over the lead time can see it.
      const judgedFrom = rushAt - LEAD_SECONDS - 20;
      const outs = async (): Promise<Action[]> =>
        (await changes()).filter((a) => a.after! > a.before! && Date.parse(a.acceptedAt!) / 1000 >= judgedFrom);
      await eventually('a scale-out', async () => (await outs()).length > 0, (RUSH_AFTER_SECONDS + 30) * 1000);
      const out = (await outs())[0]!;
      const outAt = Date.parse(out.acceptedAt!) / 1000;
      try {
        // Out: decided while the current rate still fit the replicas, before the rush arrived.
        expect(out.source).toBe('policy');
        expect(out.dryRun).toBe(false);
        expect(out.policy!.actual!).toBeLessThan(PER_REPLICA * UTILISATION);
        expect(out.policy!.forecastPeak!).toBeGreaterThan(PER_REPLICA * UTILISATION);
        expect(outAt).toBeLessThan(rushAt + 15);
        expect((await composeReplicas(project, 'web')).length).toBeGreaterThan(1);

        // In: after the rush has passed and the stabilisation window with it, back to one replica.
        const rushEnd = rushAt + 2 * RAMP + HOLD;
        const backs = async (): Promise<Action[]> =>
          (await changes()).filter((a) => a.after! < a.before! && Date.parse(a.acceptedAt!) / 1000 > outAt);
        await eventually(
          'back to one replica after the rush',
          async () => (await backs()).length > 0 && (await composeReplicas(project, 'web')).length === 1,
          (rushEnd - Date.now() / 1000 + STABILISATION_SECONDS + 90) * 1000,
        );
        const back = await backs();
        for (const a of back) expect(Date.parse(a.acceptedAt!) / 1000).toBeGreaterThan(rushAt + RAMP + HOLD);
        const peak = Math.max(...(await changes()).map((a) => a.after!));
        // 60 requests/s at 15 per replica: 4 replicas were needed at the top.
        expect(peak).toBeGreaterThanOrEqual(4);
      } finally {
        report(await changes());
      }
    }, 300_000);
  },
);
