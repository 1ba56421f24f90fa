/**
 * The streaming detector the backtest and the live watchers share. Per point it takes the
 * model's one-step forecast (made before the point was seen), standardises the residual, scores
 * its surprise against the residuals' own history and follows the excursion it belongs to.
 * It never fits: it says when it wants a model (none yet, too old, or its residuals have drifted)
 * and the caller fits on `trainingWindow()` and calls `install()`.
 */
import type { FittedModel, OneStepPredictor } from '../forecast/types.js';
import { DEFAULT_EXCURSION, ExcursionTracker, type ExcursionClassifier, type ExcursionOptions } from './excursion.js';
import { SortedWindow } from './sorted-window.js';
import { SeasonalEcho, dailyPeriod } from './seasonal-echo.js';
import { DEFAULT_SURPRISE, SurpriseTracker, type SurpriseOptions } from './surprise.js';
import { scoreFromLog10Tail, upperNormalQuantile } from './tail.js';
import type { StreamingDetector, Verdict } from './types.js';

export interface ForecastDetectorOptions {
  /** Seconds between points; a longer gap between updates is filled with missing points. */
  stepSeconds: number;
  /** Nominal coverage of the band the verdict reports. */
  confidence: number;
  /** The most history a fit is given (the forecast engine caps it below 8,191 anyway). */
  maxTrainingPoints: number;
  /** No fit before this many observed (non-missing) points. */
  minTrainingPoints: number;
  /** A model this many points old is stale. While history is still short, one as old as its training set is too. */
  refitEveryPoints: number;
  /** Half-life, in points, of the running mean and mean square of the residuals that detect drift. */
  driftHalfLifePoints: number;
  /** A running residual mean beyond ±this (in sigmas) or a mean square beyond its square means drift. */
  driftLimit: number;
  /** After a failed fit, wait this many points before asking again. */
  fitBackoffPoints: number;
  /** Gaps up to this many points are carried through the model; longer ones force a refit. */
  maxGapPoints: number;
  /**
   * After a page-worthy point, later points for this long only score their surprise times
   * `repeatDamping` unless they beat the surprise already paged: one excursion, one page.
   */
  repeatSuppressPoints: number;
  repeatDamping: number;
  repeatMode: number;
  /**
   * Days of same-phase history a residual must exceed to count (0 turns the discount off), and
   * the phase tolerance as a share of the day.
   */
  echoDays: number;
  echoWidthShare: number;
  echoWeight: number;
  /** Also rank how far the value itself lies from its long-run median (novel levels the model followed). */
  valueNovelty: boolean;
  surprise: SurpriseOptions;
  excursion: ExcursionOptions;
}

/** The one configuration every series gets (per-series tuning is deliberately not offered). */
export const DEFAULT_DETECTOR: Omit<ForecastDetectorOptions, 'stepSeconds'> = {
  confidence: 0.99,
  maxTrainingPoints: 4032,
  minTrainingPoints: 288,
  refitEveryPoints: 1008,
  driftHalfLifePoints: 72,
  driftLimit: 1.5,
  fitBackoffPoints: 144,
  maxGapPoints: 288,
  repeatSuppressPoints: 144,
  repeatDamping: 0.2,
  repeatMode: 0,
  valueNovelty: true,
  echoDays: 0,
  echoWidthShare: 1 / 48,
  echoWeight: 1,
  surprise: DEFAULT_SURPRISE,
  excursion: DEFAULT_EXCURSION,
};

/** Keeps a perfectly predicted series (a flat line) from dividing by zero sigma. */
const MIN_SIGMA_SHARE = 1e-9;

export class ForecastDetector implements StreamingDetector {
  private readonly options: ForecastDetectorOptions;
  private readonly bandZ: number;
  private readonly history: HistoryRing;
  private readonly surprise: SurpriseTracker;
  private readonly values: SortedWindow;
  private residualEcho: SeasonalEcho | null = null;
  private noveltyEcho: SeasonalEcho | null = null;
  private readonly excursions: ExcursionTracker;
  private model: FittedModel | null = null;
  private predictor: OneStepPredictor | null = null;
  private observedValues = 0;
  private position = 0;
  private windowTakenAt = 0;
  private modelAge = 0;
  private lastT: number | null = null;
  private forcedStale = false;
  private backoffUntil = 0;
  private lastPageAt = Number.NEGATIVE_INFINITY;
  private pagedDecades = 0;
  private driftMean = 0;
  private driftSquare = 1;
  private readonly driftDecay: number;

  constructor(options: Partial<ForecastDetectorOptions> & { stepSeconds: number }, classify?: ExcursionClassifier) {
    this.options = { ...DEFAULT_DETECTOR, ...options };
    if (!(this.options.stepSeconds > 0)) throw new RangeError('stepSeconds must be positive');
    if (!(this.options.confidence > 0 && this.options.confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
    this.bandZ = upperNormalQuantile((1 - this.options.confidence) / 2);
    this.driftDecay = Math.pow(0.5, 1 / this.options.driftHalfLifePoints);
    this.history = new HistoryRing(this.options.maxTrainingPoints);
    this.surprise = new SurpriseTracker(this.options.surprise, this.options.valueNovelty ? 1 : 0);
    this.values = new SortedWindow(this.options.surprise.historyPoints);
    const period = dailyPeriod(this.options.stepSeconds, this.options.maxTrainingPoints);
    if (period !== null && this.options.echoDays > 0) {
      const halfWidth = Math.round(period * this.options.echoWidthShare);
      this.residualEcho = new SeasonalEcho(period, this.options.echoDays, halfWidth);
      this.noveltyEcho = new SeasonalEcho(period, this.options.echoDays, halfWidth);
    }
    this.excursions = new ExcursionTracker(this.options.excursion, classify);
  }

  /** The model currently in use, for reports (e.g. its name). */
  currentModel(): FittedModel | null {
    return this.model;
  }

  wantsModel(): boolean {
    if (this.position < this.backoffUntil) return false;
    if (this.observedValues < this.options.minTrainingPoints) return false;
    if (!this.model || this.forcedStale) return true;
    const age = this.modelAge;
    if (age >= this.options.refitEveryPoints) return true;
    if (this.model.trainedOn < this.options.maxTrainingPoints && age >= this.model.trainedOn) return true;
    // Drift is only trusted once the running moments have seen a few half-lives of the new model.
    if (age < 2 * this.options.driftHalfLifePoints) return false;
    const limit = this.options.driftLimit;
    return Math.abs(this.driftMean) > limit || this.driftSquare > limit * limit;
  }

  trainingWindow(): ReadonlyArray<number | null> {
    this.windowTakenAt = this.position;
    return this.history.toArray();
  }

  /**
   * Takes ownership of a model fitted on the last `trainingWindow()`. Points that arrived while it
   * was being fitted (the asynchronous watcher path) are replayed into its predictor.
   */
  install(model: FittedModel): void {
    const predictor = model.predictor();
    const missed = Math.min(this.position - this.windowTakenAt, this.history.size);
    for (let back = missed; back >= 1; back -= 1) predictor.observe(this.history.fromEnd(back));
    this.model?.destroy();
    this.model = model;
    this.predictor = predictor;
    this.modelAge = 0;
    this.forcedStale = false;
    this.driftMean = 0;
    this.driftSquare = 1;
  }

  /** Called by the caller when a fit threw: carry on with the old model (if any) and retry later. */
  fitFailed(): void {
    this.backoffUntil = this.position + this.options.fitBackoffPoints;
  }

  update(t: number, value: number | null): Verdict {
    if (!Number.isFinite(t)) throw new RangeError('t must be a finite unix time in seconds');
    const v = value === null || !Number.isFinite(value) ? null : value;
    this.fillGap(t);
    this.lastT = t;

    let forecast: number | null = null;
    let sigma = 0;
    if (this.predictor) {
      const next = this.predictor.peek();
      if (Number.isFinite(next.mean)) {
        forecast = next.mean;
        sigma = Math.max(next.sigma, MIN_SIGMA_SHARE * Math.max(1, Math.abs(next.mean)));
      }
    }
    this.advance(v);

    if (forecast === null) return this.emptyVerdict(t, v);
    const lower = forecast - this.bandZ * sigma;
    const upper = forecast + this.bandZ * sigma;
    if (v === null) {
      this.residualEcho?.echo(Number.NaN);
      this.noveltyEcho?.echo(Number.NaN);
      return { t, value: null, forecast, lower, upper, residual: null, score: 0, anomaly: 0, kind: this.openKind() };
    }
    const residual = (v - forecast) / sigma;
    this.trackDrift(residual);
    const echo = this.residualEcho ? this.options.echoWeight * this.residualEcho.echo(residual) : 0;
    const novelty = this.options.valueNovelty ? [this.novelty(v)] : [];
    const { log10p } = this.surprise.update(residual, echo, novelty);
    const anomaly: Verdict['anomaly'] = v > upper ? 1 : v < lower ? -1 : 0;
    const kind = this.excursions.update({ t, value: v, forecast, residual, band: anomaly, log10p });
    return { t, value: v, forecast, lower, upper, residual, score: scoreFromLog10Tail(this.pageDecades(log10p)), anomaly, kind };
  }

  /** The surprise reported for paging: a repeat of an excursion already paged is damped. */
  private pageDecades(log10p: number): number {
    const decades = -log10p;
    const pageLevel = -this.options.excursion.openLog10p;
    const age = this.position - this.lastPageAt;
    let reported = decades;
    if (this.options.repeatMode === 1) {
      const bar = this.pagedDecades * Math.pow(0.5, age / this.options.repeatSuppressPoints);
      if (decades >= pageLevel && decades > bar) {
        this.pagedDecades = decades;
        this.lastPageAt = this.position;
      } else if (bar >= pageLevel) {
        reported = decades * this.options.repeatDamping;
      }
      return -reported;
    }
    const recent = age <= this.options.repeatSuppressPoints;
    reported = recent && decades <= this.pagedDecades ? decades * this.options.repeatDamping : decades;
    if (decades >= pageLevel) {
      this.pagedDecades = recent ? Math.max(this.pagedDecades, decades) : decades;
      this.lastPageAt = this.position;
    }
    return -reported;
  }

  /**
   * |value - median| over a robust spread of recent values. Quantised or mostly-constant series
   * (CPU at 0%, a counter that rarely moves) have no interquartile spread, so wider quantile
   * ranges stand in before the series is treated as constant.
   */
  private novelty(value: number): { statistic: number; discount: number } {
    const values = this.values;
    let statistic = 0;
    if (values.size >= 2) {
      const spread =
        (values.quantile(0.75) - values.quantile(0.25)) / 1.349 ||
        (values.quantile(0.95) - values.quantile(0.05)) / 3.29 ||
        (values.quantile(1) - values.quantile(0)) / 6;
      const offset = value - values.quantile(0.5);
      const floor = MIN_SIGMA_SHARE * Math.max(1, Math.abs(value));
      statistic = Math.abs(offset) <= floor ? 0 : offset / Math.max(spread, floor);
    }
    values.push(value);
    const discount = this.noveltyEcho ? this.options.echoWeight * this.noveltyEcho.echo(statistic) : 0;
    return { statistic: Math.abs(statistic), discount };
  }

  /** Feeds a point to the model state and the training history. */
  private advance(value: number | null): void {
    this.predictor?.observe(value);
    this.history.push(value);
    if (value !== null) this.observedValues += 1;
    this.position += 1;
    this.modelAge += 1;
  }

  /** Missing steps between updates are carried as gaps, never as zeros; a long outage forces a refit. */
  private fillGap(t: number): void {
    if (this.lastT === null) return;
    const steps = Math.round((t - this.lastT) / this.options.stepSeconds);
    if (t < this.lastT) throw new RangeError(`t=${t} goes back in time (last ${this.lastT})`);
    const missing = steps - 1;
    if (missing <= 0) return;
    for (let i = 0; i < Math.min(missing, this.options.maxGapPoints); i += 1) {
      this.advance(null);
      // Keeps the same-phase memory aligned with the clock across the gap.
      this.residualEcho?.echo(Number.NaN);
      this.noveltyEcho?.echo(Number.NaN);
    }
    if (missing > this.options.maxGapPoints) this.forcedStale = true;
  }

  private trackDrift(residual: number): void {
    const d = this.driftDecay;
    this.driftMean = d * this.driftMean + (1 - d) * residual;
    this.driftSquare = d * this.driftSquare + (1 - d) * residual * residual;
  }

  private openKind(): Verdict['kind'] {
    return this.excursions.current()?.shape ?? null;
  }

  private emptyVerdict(t: number, value: number | null): Verdict {
    return { t, value, forecast: null, lower: null, upper: null, residual: null, score: 0, anomaly: 0, kind: null };
  }
}

/** The last `capacity` values, oldest first; null marks a missing point. */
class HistoryRing {
  private readonly values: Float64Array;
  private head = 0;
  size = 0;

  constructor(private readonly capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number | null): void {
    this.values[this.head] = value === null ? Number.NaN : value;
    this.head = (this.head + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** The value `back` points before the end (1 = the newest). */
  fromEnd(back: number): number | null {
    const v = this.values[(this.head - back + this.capacity) % this.capacity]!;
    return Number.isNaN(v) ? null : v;
  }

  toArray(): Array<number | null> {
    const out: Array<number | null> = [];
    for (let back = this.size; back >= 1; back -= 1) out.push(this.fromEnd(back));
    return out;
  }
}
