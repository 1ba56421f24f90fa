/**
 * Which points of a banded range the model must not learn. Fed to the one-step predictor, a spike
 * becomes the forecast for the next steps: the band then sits far from the data for a while after
 * it, and normal points there read as anomalies. The bands path keeps an excursion's points from the
 * model by the watchers' rule (detect/forecast-detector.ts `withholds`, spans from watch/detectors.ts):
 * only points out of band on the open excursion's side, only those further than a share of the
 * forecast from it, and for a limited span; an excursion that outlasts it is the new normal (a level
 * shift): a watcher then refits on it, the bands path (fixed parameters, one pass) learns it as a step
 * (assemble.ts).
 *
 * One difference: a watcher withholds only excursions its classifier calls an attack, since it
 * needs network signals (packets, SYNs, sources) that one series in a bands request does not carry.
 * A band drawn over a past range shows what normal traffic would have been, so here every gross
 * excursion is withheld.
 */
import type { Excursion } from '../detect/excursion.js';
import { watcherDetectorOptions } from '../watch/detectors.js';

export interface WithholdRule {
  /** Points one excursion may keep from the model before it is learned (0: none are withheld). */
  maxPoints: number;
  /** Only points further than this share of the forecast from it are withheld. */
  minShare: number;
}

/** The watchers' rule at this step and training window. */
export function withholdRule(stepSeconds: number, trainPoints: number): WithholdRule {
  const options = watcherDetectorOptions(stepSeconds, trainPoints * stepSeconds);
  return {
    maxPoints: Math.round(options.maxWithheldSeconds / stepSeconds),
    minShare: options.withholdMinShare,
  };
}

/** What to do with the point just judged. */
export type WithholdDecision =
  | { action: 'learn' }
  | { action: 'withhold' }
  /** The excursion has lasted too long to be one: learn it, and every point withheld since `from`. */
  | { action: 'accept'; from: number };

export class Withholding {
  private run: { startedAt: number; points: number; from: number; accepted: boolean } | null = null;

  constructor(private readonly rule: WithholdRule) {}

  /**
   * `open` is the excursion open after the point at `index` (null when none is), `side` the point's
   * side of the band (-1 below, 0 inside, 1 above).
   */
  decide(
    open: Readonly<Excursion> | null,
    side: -1 | 0 | 1,
    value: number,
    forecast: number,
    index: number,
  ): WithholdDecision {
    if (this.run && this.run.startedAt !== open?.startedAt) this.run = null;
    const gross = Math.abs(value - forecast) > this.rule.minShare * Math.abs(forecast);
    if (!open || !gross || side === 0 || side !== open.direction || this.rule.maxPoints <= 0)
      return { action: 'learn' };
    this.run ??= { startedAt: open.startedAt, points: 0, from: index, accepted: false };
    const run = this.run;
    if (run.accepted) return { action: 'learn' };
    if (run.points >= this.rule.maxPoints) {
      run.accepted = true;
      return { action: 'accept', from: run.from };
    }
    run.points += 1;
    return { action: 'withhold' };
  }
}
