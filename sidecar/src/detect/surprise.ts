/**
 * Turns a stream of standardised residuals into surprise: how improbable the recent residuals
 * are against their own long-run distribution. Several horizons are watched at once: the current
 * residual alone (a spike), and the mean of the last k (a run of moderately high residuals, which
 * a lone noisy point cannot imitate). Each horizon's statistic is ranked against its own history;
 * the most surprising horizon counts, corrected for having looked at several.
 */
import { SortedWindow } from './sorted-window.js';
import { DEFAULT_TAIL, log10Exceedance, type TailOptions } from './tail-estimator.js';
import { log10TwoSidedNormalTail } from './tail.js';

export interface SurpriseOptions {
  /** Length of the long-run history each statistic is ranked against. */
  historyPoints: number;
  /** Below this much history a statistic is judged by a Gaussian tail instead. */
  minHistoryPoints: number;
  /** The horizons, in points: 1 watches single residuals, k > 1 the mean of the last k. */
  horizons: ReadonlyArray<number>;
  /**
   * Statistics at least this surprising (log10 p) are kept out of the history, so one anomaly
   * does not raise the bar for the next one in the same series.
   */
  quarantineLog10p: number;
  tail: TailOptions;
}

export const DEFAULT_SURPRISE: SurpriseOptions = {
  historyPoints: 1000,
  minHistoryPoints: 96,
  horizons: [1],
  quarantineLog10p: Number.NEGATIVE_INFINITY,
  tail: DEFAULT_TAIL,
};

export interface Surprise {
  /** log10 of the tail probability of the most surprising horizon, corrected for the number of horizons (<= 0). */
  log10p: number;
  /** Index into `horizons` of that horizon. */
  horizon: number;
}

/** One horizon: a running sum over the last k residuals and the history of its statistic. */
class Horizon {
  private readonly recent: Float64Array;
  private head = 0;
  private filled = 0;
  private sum = 0;
  readonly history: SortedWindow;

  constructor(
    readonly points: number,
    historyPoints: number,
  ) {
    this.recent = new Float64Array(points);
    this.history = new SortedWindow(historyPoints);
  }

  /** |mean of the last k residuals| scaled by √k: a standard normal's size if they are independent. */
  statistic(residual: number): number {
    if (this.filled === this.points) this.sum -= this.recent[this.head]!;
    else this.filled += 1;
    this.recent[this.head] = residual;
    this.head = (this.head + 1) % this.points;
    this.sum += residual;
    // Recomputing now and then keeps the running sum from drifting over a long stream.
    if (this.head === 0) this.sum = this.recent.reduce((a, b) => a + b, 0);
    return Math.abs(this.sum) / Math.sqrt(this.filled);
  }
}

export class SurpriseTracker {
  private readonly horizons: Horizon[];

  private readonly extras: SortedWindow[];
  private readonly log10Looks: number;

  /** `extraChannels` statistics computed by the caller are ranked the same way, each against its own history. */
  constructor(
    private readonly options: SurpriseOptions = DEFAULT_SURPRISE,
    extraChannels = 0,
  ) {
    if (options.horizons.length === 0) throw new RangeError('at least one horizon is needed');
    this.horizons = options.horizons.map((k) => new Horizon(k, options.historyPoints));
    this.extras = Array.from({ length: extraChannels }, () => new SortedWindow(options.historyPoints));
    this.log10Looks = Math.log10(options.horizons.length + extraChannels);
  }

  /**
   * Feeds one residual; null (no forecast or a gap) yields no surprise and leaves the state alone.
   * A channel's `discount` is subtracted from its statistic before ranking, while its history keeps
   * the undiscounted statistic, so discounting makes a point less surprising without making the
   * history look calmer than it was.
   */
  update(
    residual: number | null,
    residualDiscount = 0,
    extra: ReadonlyArray<{ statistic: number; discount: number }> = [],
  ): Surprise {
    if (residual === null || !Number.isFinite(residual)) return { log10p: 0, horizon: -1 };
    let best = 0;
    let bestHorizon = -1;
    const rank = (history: SortedWindow, statistic: number, discount: number, channel: number): void => {
      const judged = Math.max(0, statistic - discount);
      const log10p =
        history.size >= this.options.minHistoryPoints
          ? log10Exceedance(history, judged, this.options.tail)
          : log10TwoSidedNormalTail(judged);
      if (log10p > this.options.quarantineLog10p) history.push(statistic);
      if (log10p < best) {
        best = log10p;
        bestHorizon = channel;
      }
    };
    this.horizons.forEach((horizon, h) =>
      rank(horizon.history, horizon.statistic(residual), horizon.points === 1 ? residualDiscount : 0, h),
    );
    this.extras.forEach((history, e) => {
      const channel = extra[e];
      if (channel && Number.isFinite(channel.statistic)) {
        rank(history, channel.statistic, channel.discount, this.horizons.length + e);
      }
    });
    return { log10p: Math.min(0, best + this.log10Looks), horizon: bestHorizon };
  }
}
