/**
 * The predictive policy end to end, in live mode, on the real engine, in compressed time (the long
 * version with a real day is test/long/scale-predictive.test.ts, about 12 minutes): a test exporter
 * plays a request rate whose "day" lasts five minutes (a quiet level with an 80-second rush at the same
 * point of every such day), three hours of it (36 days) are backfilled into a real Prometheus with
 * promtool, and the next rush comes about a minute and a half after the test starts. The real sidecar
 * watches the rate, its model learns the daily rush from history, and its periodic evaluation scales a
 * Compose-labelled target (real containers from ntma/busybox) out BEFORE the rush arrives (the forecast
 * over the lead time needs more replicas while the current rate still fits one) and back in after it
 * (once the stabilisation window has passed and the forecast stays low). Every decision is read back
 * from the audit log.
 */
import { describeWith, dockerd, prometheus, promtool } from '../support/components.js';
import { composeReplicas, eventually } from '../support/docker.js';
import {
  PER_REPLICA,
  UTILISATION,
  acceptedAt,
  startRushStack,
  timeline,
  type AuditAction,
  type RushScenario,
  type RushStack,
} from '../support/predictive-rush.js';

/**
 * A five-minute day (60 watcher steps at 5 s). History: 2 h at 5 s is 1,440 points, of which the fit
 * holds out 20% for calibration, leaving 19 whole days for the season; backfilled a little longer so
 * the window is full from the start. The rush ramps 20 s, holds 40 s, falls 20 s.
 */
const SCENARIO: RushScenario = {
  suite: 'scale-predlive',
  day: 300,
  sampleSeconds: 5,
  scrapeSeconds: 5,
  stepSeconds: 5,
  train: '2h',
  rateWindow: '30s',
  historySeconds: 3 * 3600,
  rushAfterSeconds: 100,
  ramp: 20,
  hold: 40,
  leadSeconds: 30,
  stabilisationSeconds: 20,
  evalSeconds: 2,
};

describeWith(
  [dockerd, prometheus, promtool],
  'predictive autoscaling of a Compose target on a real engine, in compressed time',
  () => {
    let stack: RushStack;

    beforeAll(async () => {
      stack = await startRushStack(SCENARIO);
    }, 180_000);

    afterAll(async () => {
      await stack?.stop();
    });

    it(
      'shows in GET targets what the policy would do now and why',
      async () => {
        await eventually(
          'a forecast for the target',
          () => stack.hasForecast(),
          (SCENARIO.rushAfterSeconds - 20) * 1000,
        );
      },
      SCENARIO.rushAfterSeconds * 1000,
    );

    it('scales out ahead of the daily rush and back in after it, live', async () => {
      const { project, rushAt, rushEnd } = stack;
      // The first minute after the sidecar starts reads a seam between the backfilled history and the
      // live scrapes, and the model's first steps may move a replica on it; the rush is what is judged:
      // the scale-out taken from the time the forecast over the lead time can see it.
      const judgedFrom = rushAt - SCENARIO.leadSeconds - 20;
      const outs = async (): Promise<AuditAction[]> =>
        (await stack.changes()).filter((a) => a.after! > a.before! && acceptedAt(a) >= judgedFrom);
      await eventually('a scale-out', async () => (await outs()).length > 0, (SCENARIO.rushAfterSeconds + 30) * 1000);
      const out = (await outs())[0]!;
      const outAt = acceptedAt(out);
      try {
        // Out: decided while the current rate still fit the replicas, before the rush arrived.
        expect(out.source).toBe('policy');
        expect(out.dryRun).toBe(false);
        expect(out.policy!.actual!).toBeLessThan(PER_REPLICA * UTILISATION);
        expect(out.policy!.forecastPeak!).toBeGreaterThan(PER_REPLICA * UTILISATION);
        expect(outAt).toBeLessThan(rushAt + 15);
        expect((await composeReplicas(project, 'web')).length).toBeGreaterThan(1);

        // In: after the rush has passed and the stabilisation window with it, back to one replica.
        const backs = async (): Promise<AuditAction[]> =>
          (await stack.changes()).filter((a) => a.after! < a.before! && acceptedAt(a) > outAt);
        await eventually(
          'back to one replica after the rush',
          async () => (await backs()).length > 0 && (await composeReplicas(project, 'web')).length === 1,
          (rushEnd - Date.now() / 1000 + SCENARIO.stabilisationSeconds + 90) * 1000,
        );
        for (const a of await backs()) expect(acceptedAt(a)).toBeGreaterThan(rushAt + SCENARIO.ramp + SCENARIO.hold);
        const peak = Math.max(...(await stack.changes()).map((a) => a.after!));
        // 60 requests/s at 15 per replica: 4 replicas were needed at the top.
        expect(peak).toBeGreaterThanOrEqual(4);
      } finally {
        process.stderr.write(`scale-predictive (compressed) timeline:\n  ${timeline(await stack.changes(), rushAt)}\n`);
      }
    }, 300_000);
  },
);
