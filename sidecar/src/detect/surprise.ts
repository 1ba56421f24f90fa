/**
 * Turns streams of per-point statistics into one surprise: how improbable the recent values are
 * against their own long-run distribution. Each channel watches one input over a horizon of k
 * points: k = 1 judges the latest value alone (a spike), k > 1 the mean of the last k (a run of
 * moderately high values, which one noisy point cannot imitate). Every channel is ranked against
 * its own history, and the channels' tail probabilities are combined with Fisher's method, so a
 * point is most surprising when several views agree.
 */
import { SortedWindow } from './sorted-window.js';
import { DEFAULT_TAIL, log10Exceedance, type TailOptions } from './tail-estimator.js';
import { log10TwoSidedNormalTail } from './tail.js';
import type { Arena } from './arena.js';

export interface ChannelSpec<Input extends string> {
  input: Input;
  /** Horizon in points: the statistic is |sum of the last k inputs| / √k. */
  points: number;
  /**
   * How the channel votes while its history is shorter than minHistoryPoints. `gaussian` (the
   * default) judges the statistic by a normal tail, right for inputs that are standardised (model
   * residuals). `abstain` leaves it out of the combination until it can be ranked against its own
   * history: a statistic that is only standard for stationary data (a value's distance from its
   * recent median) reads a trend or a daily cycle seen for a few minutes as a 1e-9 surprise.
   */
  warmup?: 'gaussian' | 'abstain';
  /**
   * Evidence for the score only: left out of `excursionLog10p`, the surprise that opens and holds
   * an excursion (and so `ntma_anomaly`). For a statistic over a window that keeps a short spike's
   * evidence for the whole window (a distribution shift).
   */
  scoreOnly?: boolean;
  /**
   * Left out of `holdLog10p` too: evidence that may open an excursion out of band, but neither opens
   * nor holds one while the series is in its band (a run of residuals keeps a spike in its sum for
   * its window; excursion.ts reads holdLog10p for in-band points).
   */
  opensOnly?: boolean;
}

export interface SurpriseOptions<Input extends string = string> {
  /** Length of the long-run history each channel's statistic is ranked against. */
  historyPoints: number;
  /** Below this much history a statistic is judged by a Gaussian tail instead. */
  minHistoryPoints: number;
  channels: ReadonlyArray<ChannelSpec<Input>>;
  tail: TailOptions;
}

export interface Surprise {
  /** log10 of the combined tail probability (<= 0). */
  log10p: number;
  /** Index of the channel with the smallest tail probability, -1 if none was surprising. */
  channel: number;
  /** The same combination over the channels that are not score-only. */
  excursionLog10p: number;
  /** The same again over the channels that are neither score-only nor opens-only. */
  holdLog10p: number;
}

/**
 * A channel over one point: its statistic is the input's size, and it keeps no ring (most channels:
 * a typed array less per series, and none of a run's four fields, 32 bytes a channel).
 */
class Channel {
  readonly history: SortedWindow;

  /** `windows`: where its window's full cells come from (arena.ts). */
  constructor(
    readonly points: number,
    historyPoints: number,
    windows: Arena | null,
  ) {
    if (!(Number.isInteger(points) && points >= 1))
      throw new RangeError('a channel horizon must be a whole number >= 1');
    // A statistic is non-negative and in standard units: a 14-bit mantissa (a relative error under
    // 3.1e-5) ranks it as well as double precision, in 4 bytes a value with its arrival slot.
    this.history = new SortedWindow(historyPoints, 'statistic', windows);
  }

  /** The size of a standard normal if the input is one. */
  statistic(input: number): number {
    return Math.abs(input);
  }
}

/** A channel over k > 1 points: a running sum over the last k inputs. */
class RunChannel extends Channel {
  /**
   * The last k inputs. Single precision: the inputs of a run are capped at RUN_INPUT_LIMIT
   * standard units, and the sum adds what is held, so it stays the sum of the ring.
   */
  private readonly recent: Float32Array;
  private head = 0;
  private filled = 0;
  private sum = 0;

  /** `windows`: where its window's full cells come from; `rings`: where its run ring does (arena.ts). */
  constructor(points: number, historyPoints: number, windows: Arena | null, rings: Arena | null) {
    super(points, historyPoints, windows);
    this.recent = rings?.float32(points) ?? new Float32Array(points);
  }

  /** |mean of the last k inputs| scaled by √k: the size of a standard normal if they are independent. */
  override statistic(input: number): number {
    const recent = this.recent;
    if (this.filled === this.points) this.sum -= recent[this.head]!;
    else this.filled += 1;
    const held = Math.fround(input);
    recent[this.head] = held;
    this.head = (this.head + 1) % this.points;
    this.sum += held;
    // Re-adding once per lap keeps the running sum from drifting over a long stream.
    if (this.head === 0) this.sum = recent.reduce((a, b) => a + b, 0);
    return Math.abs(this.sum) / Math.sqrt(this.filled);
  }
}

export class SurpriseTracker<Input extends string> {
  /** One per channel spec, in the options' order; the specs themselves are read from the (shared) options. */
  private readonly channels: Channel[];

  /**
   * `windows`: the detector's buffer for its windows' full cells; `rings`: its buffer for the run
   * channels' rings, sized by ringParts (arena.ts). Without them each array is a buffer of its own.
   */
  constructor(
    private readonly options: SurpriseOptions<Input>,
    windows: Arena | null = null,
    rings: Arena | null = null,
  ) {
    if (options.channels.length === 0) throw new RangeError('at least one channel is needed');
    this.channels = options.channels.map((spec) =>
      spec.points > 1
        ? new RunChannel(spec.points, options.historyPoints, windows, rings)
        : new Channel(spec.points, options.historyPoints, windows),
    );
  }

  /** Bytes of each run ring the channels of `options` keep (an arena's parts). */
  static ringParts(options: Pick<SurpriseOptions<string>, 'channels'>): number[] {
    return options.channels.filter((spec) => spec.points > 1).map((spec) => 4 * spec.points);
  }

  /** Feeds one point's inputs (all finite); returns the combined surprise. */
  update(inputs: Readonly<Record<Input, number>>): Surprise {
    let sumLog10p = 0;
    let smallest = 0;
    let channel = -1;
    let voting = 0;
    let excursionSum = 0;
    let excursionVoting = 0;
    let holdSum = 0;
    let holdVoting = 0;
    const specs = this.options.channels;
    this.channels.forEach((c, index) => {
      const { input, warmup, scoreOnly, opensOnly } = specs[index]!;
      const abstainsInWarmup = warmup === 'abstain';
      const value = bounded(inputs[input]);
      // A run channel looks for many moderately unusual points; one huge one must not imitate a run
      // (and hold the channel surprised for its whole horizon), so each point counts at most this much.
      // Judged as the history will hold it, so a repeat of an earlier statistic ties with it.
      const statistic = c.history.held(
        c.statistic(c.points > 1 ? Math.max(-RUN_INPUT_LIMIT, Math.min(RUN_INPUT_LIMIT, value)) : value),
      );
      const ranked = c.history.size >= this.options.minHistoryPoints;
      const log10p = ranked
        ? log10Exceedance(c.history, statistic, this.options.tail)
        : log10TwoSidedNormalTail(statistic);
      c.history.push(statistic);
      if (!ranked && abstainsInWarmup) return;
      voting += 1;
      sumLog10p += log10p;
      if (!scoreOnly) {
        excursionVoting += 1;
        excursionSum += log10p;
        if (!opensOnly) {
          holdVoting += 1;
          holdSum += log10p;
        }
      }
      if (log10p < smallest) {
        smallest = log10p;
        channel = index;
      }
    });
    return {
      log10p: voting === 0 ? 0 : fisherLog10p(sumLog10p, voting),
      channel,
      excursionLog10p: excursionVoting === 0 ? 0 : fisherLog10p(excursionSum, excursionVoting),
      holdLog10p: holdVoting === 0 ? 0 : fisherLog10p(holdSum, holdVoting),
    };
  }
}

/**
 * Beyond a trillion standard units a statistic cannot be more surprising in any way that matters,
 * and a value of 1e300 against a band of width 1 would otherwise overflow the running sums (an
 * infinity in a sum never leaves it).
 */
const MAX_INPUT = 1e12;

/** Largest contribution of one point to a channel over several points (in the input's standard units). */
export const RUN_INPUT_LIMIT = 10;

function bounded(input: number): number {
  if (Number.isNaN(input)) return 0;
  return Math.max(-MAX_INPUT, Math.min(MAX_INPUT, input));
}

/**
 * Fisher's combination: with m independent p-values, -2·Σ ln p follows χ² with 2m degrees of
 * freedom, whose tail is e^(-S)·Σ_{j<m} S^j / j! for S = -Σ ln p. Computed in logs so that
 * combined probabilities far below 1e-300 stay ordered.
 */
export function fisherLog10p(sumLog10p: number, m: number): number {
  const s = -sumLog10p * Math.LN10;
  if (!(s > 0)) return 0;
  if (s === Number.POSITIVE_INFINITY) return Number.NEGATIVE_INFINITY;
  let term = 1;
  let series = 1;
  for (let j = 1; j < m; j += 1) {
    term *= s / j;
    series += term;
  }
  return Math.min(0, (-s + Math.log(series)) / Math.LN10);
}

export const DEFAULT_SURPRISE_HISTORY = { historyPoints: 1000, minHistoryPoints: 96, tail: DEFAULT_TAIL } as const;
