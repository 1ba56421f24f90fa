/**
 * The stack both predictive-scaling live tests run (the compressed one in test/integration, the
 * real-day one in test/long): a test exporter plays a request rate that is quiet except for a rush
 * at the same time every "day", history of it is backfilled into a real Prometheus with promtool,
 * the next rush is set a little after the start, and a real sidecar in live mode watches the rate
 * and scales a Compose-labelled target of real ntma/busybox containers. The tests differ only in
 * the length of the day and the windows, so the scenario is their parameters.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promtool } from './components.js';
import { UNTHROTTLED, callJson, createComposeService, removeTestResources, testImage } from './docker.js';
import { backfillHistory, noise, startExporter, type CounterSpec, type RunningExporter } from './exporter.js';
import { cleanPrometheus, startPrometheus, type RunningPrometheus } from './prometheus.js';
import { TEST_TOKEN, startSidecar, type RunningSidecar } from './sidecar.js';

/** Requests/s outside the rush and at its top. */
export const QUIET = 10;
export const RUSH = 60;
/** One replica serves 20 requests/s; the policy plans for 75% of it, 15 requests/s (so 4 at the top). */
export const PER_REPLICA = 20;
export const UTILISATION = 0.75;

export interface RushScenario {
  /** Docker resources carry it, so removeTestResources finds them. */
  suite: string;
  /** Seconds in a "day": the season the model must find in the history. */
  day: number;
  /** Seconds between backfilled samples; the live scrape interval. */
  sampleSeconds: number;
  scrapeSeconds: number;
  /** The watcher's step, training window (a duration) and rate() window. */
  stepSeconds: number;
  train: string;
  rateWindow: string;
  historySeconds: number;
  /** The next rush starts this long after the start; it ramps, holds, and falls for `ramp` again. */
  rushAfterSeconds: number;
  ramp: number;
  hold: number;
  leadSeconds: number;
  stabilisationSeconds: number;
  evalSeconds: number;
}

export interface PolicyInputs {
  actual: number | null;
  forecastPeak: number | null;
  demand: number | null;
  desired: number | null;
  anomaly: { kind: string | null; attack: boolean };
}

/** An audit entry, as much of it as the tests read. */
export interface AuditAction {
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

export interface RushStack {
  project: string;
  target: string;
  sidecar: RunningSidecar;
  /** Epoch seconds at which the rush under test starts, and ends (after its fall). */
  rushAt: number;
  rushEnd: number;
  /** Applied actions that changed the replica count, oldest first. */
  changes(): Promise<AuditAction[]>;
  /** Whether GET /api/v1/targets shows a forecast for the target (what the policy would do, and why). */
  hasForecast(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Epoch seconds an audit entry was accepted at. */
export const acceptedAt = (a: AuditAction): number => Date.parse(a.acceptedAt!) / 1000;

/** One line per decision, relative to the rush, for a test's report. */
export function timeline(actions: AuditAction[], rushAt: number): string {
  return actions
    .map((a) => {
      const p = a.policy!;
      return `t-rush=${(acceptedAt(a) - rushAt).toFixed(0)}s ${a.before}->${a.after} actual=${p.actual?.toFixed(1)} forecastPeak=${p.forecastPeak?.toFixed(1)} desired=${p.desired}`;
    })
    .join('\n  ');
}

export async function startRushStack(s: RushScenario): Promise<RushStack> {
  testImage();
  await removeTestResources(s.suite);
  const project = `ntmap${Date.now().toString(36)}`;
  const now = Math.floor(Date.now() / 1000);
  const rushAt = now + s.rushAfterSeconds;
  const rushOfDay = rushAt % s.day;
  const rate = (t: number): number => {
    const x = (((t - rushOfDay) % s.day) + s.day) % s.day;
    let level = 0;
    if (x < s.ramp) level = x / s.ramp;
    else if (x < s.ramp + s.hold) level = 1;
    else if (x < 2 * s.ramp + s.hold) level = 1 - (x - s.ramp - s.hold) / s.ramp;
    return (QUIET + (RUSH - QUIET) * level) * (1 + 0.02 * noise('rate', t));
  };

  const dir = mkdtempSync(path.join(tmpdir(), `ntma-${s.suite}-`));
  let exporter: RunningExporter | undefined;
  let prom: RunningPrometheus | undefined;
  let sidecar: RunningSidecar | undefined;
  const stop = async (): Promise<void> => {
    await sidecar?.close();
    await prom?.stop();
    await exporter?.stop();
    if (prom) cleanPrometheus(prom);
    await removeTestResources(s.suite);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    exporter = await startExporter();
    const counters: CounterSpec[] = [{ family: 'ntma_pred_requests', labels: { app: project }, rate }];
    const totals = backfillHistory({
      promtool: promtool.path!,
      dataDir: path.join(dir, 'data'),
      file: path.join(dir, 'history.om'),
      counters,
      scrapeLabels: { job: 'exporter', instance: exporter.target },
      from: now - s.historySeconds,
      to: now,
      step: s.sampleSeconds,
    });
    exporter.add(counters.map((c, i) => ({ ...c, start: { total: totals[i]!, at: now } })));
    prom = await startPrometheus({
      storageDir: path.join(dir, 'data'),
      scrape: [{ job: 'exporter', targets: [exporter.target], intervalSeconds: s.scrapeSeconds }],
    });
    const target = await createComposeService({
      suite: s.suite,
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
        'ntma.scale.lead': `${s.leadSeconds}s`,
        'ntma.scale.stabilisation': `${s.stabilisationSeconds}s`,
        'ntma.scale.watcher': 'requests',
      },
    });
    const watchers = path.join(dir, 'watchers.yml');
    writeFileSync(
      watchers,
      [
        'watchers:',
        '  - name: requests',
        `    expr: sum by (app) (rate(ntma_pred_requests_total{app="${project}"}[${s.rateWindow}]))`,
        `    step: ${s.stepSeconds}s`,
        `    train: ${s.train}`,
        '    role: requests',
        `    target: compose:{{app}}:web`,
        '',
      ].join('\n'),
    );
    const running = await startSidecar({
      ...UNTHROTTLED,
      PROMETHEUS_URL: prom.url,
      NTMA_WATCHERS: watchers,
      NTMA_SCALE_AUTO_DRY_RUN: 'false',
      NTMA_SCALE_EVAL_SECONDS: String(s.evalSeconds),
      NTMA_FIT_WORKERS: '1',
      NTMA_FIT_TIMEOUT_MS: '120000',
    });
    sidecar = running;

    const audit = async (): Promise<AuditAction[]> => {
      const answer = await callJson<{ items: AuditAction[] }>(
        `${running.url}/api/v1/audit?target=${encodeURIComponent(target)}&limit=200`,
        { token: TEST_TOKEN },
      );
      return answer.body.items.slice().reverse();
    };
    return {
      project,
      target,
      sidecar: running,
      rushAt,
      rushEnd: rushAt + 2 * s.ramp + s.hold,
      changes: async () => (await audit()).filter((a) => a.status === 'applied' && a.before !== a.after),
      hasForecast: async () => {
        const answer = await callJson<{
          targets: Array<{ id: string; policy: { code: string; inputs: PolicyInputs } }>;
        }>(`${running.url}/api/v1/targets`, { token: TEST_TOKEN });
        const view = answer.body.targets.find((t) => t.id === target);
        return view !== undefined && view.policy.inputs.forecastPeak !== null;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
