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
import { describeWith, dockerd, prometheus, promtool } from '../support/components.js';
import { composeReplicas, eventually } from '../support/docker.js';
import {
  PER_REPLICA,
  UTILISATION,
  acceptedAt,
  startRushStack,
  timeline,
  type RushScenario,
  type RushStack,
} from '../support/predictive-rush.js';

/**
 * A real day. History: the training window is 64 h. The fit keeps its last 1,440 points for
 * calibration, and a daily season needs more than two whole cycles in the rest to be trusted: 64 h
 * at 30 s leaves 52 h. The rush ramps 60 s, holds 180 s, falls 60 s.
 */
const SCENARIO: RushScenario = {
  suite: 'scale-predictive',
  day: 86_400,
  sampleSeconds: 15,
  scrapeSeconds: 5,
  stepSeconds: 30,
  train: '64h',
  rateWindow: '1m',
  historySeconds: Math.round(2.8 * 86_400),
  rushAfterSeconds: 300,
  ramp: 60,
  hold: 180,
  leadSeconds: 90,
  stabilisationSeconds: 60,
  evalSeconds: 5,
};

describeWith([dockerd, prometheus, promtool], 'predictive autoscaling of a Compose target on a real engine', () => {
  let stack: RushStack;

  beforeAll(async () => {
    stack = await startRushStack(SCENARIO);
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('shows in GET targets what the policy would do now and why', async () => {
    await eventually('a forecast for the target', () => stack.hasForecast(), 150_000);
  }, 160_000);

  it('scales out ahead of the daily rush and back in after it, live', async () => {
    const { project, rushAt, rushEnd } = stack;
    // Out: decided while the current rate still fit one replica, before the rush arrived.
    await eventually(
      'a scale-out',
      async () => (await stack.changes()).some((a) => a.after! > a.before!),
      (SCENARIO.rushAfterSeconds + 60) * 1000,
    );
    const out = (await stack.changes()).find((a) => a.after! > a.before!)!;
    expect(out.source).toBe('policy');
    expect(out.dryRun).toBe(false);
    expect(out.policy!.actual!).toBeLessThan(PER_REPLICA * UTILISATION);
    expect(out.policy!.forecastPeak!).toBeGreaterThan(PER_REPLICA * UTILISATION);
    expect(acceptedAt(out)).toBeLessThan(rushAt + 15);
    expect((await composeReplicas(project, 'web')).length).toBeGreaterThan(1);

    // In: after the rush has passed and the stabilisation window with it.
    await eventually(
      'back to one replica',
      async () => (await composeReplicas(project, 'web')).length === 1,
      (rushEnd - Date.now() / 1000 + SCENARIO.stabilisationSeconds + 240) * 1000,
    );
    const all = await stack.changes();
    const back = all.filter((a) => a.after! < a.before!);
    expect(back.length).toBeGreaterThan(0);
    for (const a of back) expect(acceptedAt(a)).toBeGreaterThan(rushAt + SCENARIO.ramp + SCENARIO.hold);
    const peak = Math.max(...all.map((a) => a.after!));
    // 60 requests/s at 15 per replica: 4 replicas were needed at the top.
    expect(peak).toBeGreaterThanOrEqual(4);

    // The timeline, for the report: when each decision was taken, relative to the rush.
    process.stderr.write(`scale-predictive timeline:\n  ${timeline(all, rushAt)}\n`);
  }, 900_000);
});
