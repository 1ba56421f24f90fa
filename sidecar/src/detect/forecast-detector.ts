/**
 * The streaming detector the backtest and the live watchers share. Per point it takes the
 * model's one-step forecast (made before the point was seen), standardises the residual, scores
 * the surprise of the recent residuals and of the value's level against their own history, and
 * follows the excursion the point belongs to.
 *
 * It never fits: it says when it wants a model (none yet, too old, or its residuals have
 * drifted) and the caller fits on `trainingWindow()` and calls `install()`, synchronously in the
 * backtest, in the worker pool in the watchers. Everything it reports for a point depends on the
 * points before it and on that point only.
 */
import type { FittedModel, Interval, OneStepPredictor } from '../forecast/types.js';
import {
  DEFAULT_EXCURSION,
  ExcursionTracker,
  type Excursion,
  type ExcursionClassifier,
  type ExcursionOptions,
} from './excursion.js';
import { ResidualCusum } from './change-point.js';
import { DistributionShift } from './distribution-shift.js';
import { ValueNovelty } from './novelty.js';
import { Recurrence } from './recurrence.js';
import { SurpriseTracker, type ChannelSpec, type SurpriseOptions } from './surprise.js';
import { DEFAULT_TAIL, type TailOptions } from './tail-estimator.js';
import { scoreFromLog10Tail, upperNormalQuantile } from './tail.js';
import { unjudgedVerdict, type StreamingDetector, type Verdict } from './types.js';
import { Arena } from './arena.js';

/**
 * What a channel watches: the standardised forecast residual, the value's distance from its
 * recent level (novelty), a CUSUM of the residuals (change), or how far the recent mix of values
 * is distributed from the longer history (shift).
 */
export type DetectorInput = 'residual' | 'novelty' | 'change' | 'shift';

/** One excursion, one page: repeats are damped so a long excursion does not page on every point. */
export interface PagingOptions {
  /**
   * Surprise (log10 p) at or below which a point is worth a page: it sets the bar a repeat is
   * measured against, keeps the repeat span going, and is what a recurrence must have reached a day
   * earlier. One in a thousand, the finest rarity the ranked histories (MAX_HISTORY_POINTS) resolve:
   * at one in 200 (-2.3, the excursion's opening level) moderate surprises that come several times a
   * day kept a repeat span going for days, and a real anomaly later in it was damped (docs/detection.md).
   */
  log10p: number;
  /** For this long after a page, a point no more surprising than the page is a repeat... */
  repeatSeconds: number;
  /** ...and reports only this share of its surprise (in decades). */
  repeatDamping: number;
  /**
   * The bar a repeat is measured against fades back toward the page level (`log10p`) with this
   * half-life, counted from when the bar was set or last raised (0: it never fades). Later pages
   * keep the repeat span going without raising the bar, so on a bursty series a bar set by one loud
   * burst otherwise stood for days and damped a real anomaly under it (NAB: `c0d644` #2 under a bar
   * set 17 hours earlier, `grok_asg_anomaly` #1 under one set 19.5 hours earlier). A day: docs/detection.md.
   */
  repeatHalfLifeSeconds: number;
  /**
   * A point no more surprising than a page-worthy surprise at the same time one period earlier, or
   * a few periods earlier (see recurMemorySeconds; a slice either side included, since daily jobs
   * drift by minutes), is a recurrence, a daily job rather than an anomaly, and is reported damped
   * like a repeat. 0 turns it off.
   */
  recurPeriodSeconds: number;
  /** Width of the slices of the clock a period is remembered in (see recurrence.ts). */
  recurSliceSeconds: number;
  /**
   * How far back a recurrence is looked for, in whole periods (rounded, at least one): a job need
   * not run every day. Three days raised every NAB score, in-sample and cross-validated, over one
   * (docs/detection.md).
   */
  recurMemorySeconds: number;
  /**
   * A slice of the clock that was page-worthy on every period over this span (whole periods, rounded)
   * holds a pattern, not an anomaly: a point there is damped however surprising. A daily job whose
   * spikes grow a little each day otherwise pages every day, each spike a little more surprising than
   * the last. Three days removed four false positives of NAB's AWS files and lost no window; two days
   * lost realTraffic windows (two anomalies on consecutive days). 0 turns it off.
   */
  recurPatternSeconds: number;
  /**
   * For this long after a point reported at or beyond `quietLog10p` (a loud page), every later
   * point is reported damped like a repeat, however surprising. An excursion's onset often
   * escalates for a few steps (each point a little beyond the bar the last one set), and each step
   * was another page of the same event: on NAB these were a tenth of the false positives. 0 turns
   * it off. Acts on the score only, never on the band, the excursion or `ntma_anomaly`.
   */
  quietSeconds: number;
  /**
   * Reported surprise (log10 p, after damping) that starts the quiet span. Well past the page
   * level (-3) and past the half score (-4): at -4 or -3.5 an ordinary page started it and a real
   * anomaly a few points later was silenced (docs/detection.md).
   */
  quietLog10p: number;
}

/**
 * One view of the stream: an input over a span of time. For `residual` and `novelty` the span is
 * how many recent inputs are summed (0: the latest point alone). `change` and `shift` are
 * statistics over time already, judged point by point; their span is the CUSUM's half-life and
 * the recent window compared with the history. At most one `change` and one `shift` channel.
 */
export interface ChannelSpan {
  input: DetectorInput;
  seconds: number;
  warmup?: ChannelSpec<DetectorInput>['warmup'];
}

export interface DetectorSurpriseOptions {
  /** How far back each channel's statistic is ranked against its own history. */
  historySeconds: number;
  /** Share of that history a channel needs before it is ranked (before, see ChannelSpec.warmup). */
  minHistoryShare: number;
  channels: ReadonlyArray<ChannelSpan>;
  tail: TailOptions;
}

/**
 * Every setting is a span of time, a share of one, or a property of the data (a surprise, a
 * share of the forecast); the detector turns spans into points with its step, so the same
 * configuration means the same thing at a 5-second and at a 10-minute step. Counts of points
 * appear only as bounds of cost (MAX_HISTORY_POINTS) or of what a model needs to be fitted.
 */
export interface ForecastDetectorOptions {
  /** Seconds between points; a longer gap between updates is filled with missing points. */
  stepSeconds: number;
  /** Nominal coverage of the band the verdict reports. */
  confidence: number;
  /** The most history a fit is given (the forecast engine caps its points below 8,191 anyway). */
  maxTrainingSeconds: number;
  /** No fit before this much observed (non-missing) history. */
  minTrainingSeconds: number;
  /**
   * A model older than this share of the training window is stale. While history is still
   * short, one as old as its training set is too.
   */
  refitShare: number;
  /** Half-life of the running mean and mean square of the residuals that detect drift. */
  driftHalfLifeSeconds: number;
  /** A running residual mean beyond ±this (in sigmas), or a root mean square beyond it, means drift. */
  driftLimit: number;
  /** After a failed fit, wait this long before asking again. */
  fitBackoffSeconds: number;
  /** Gaps up to this share of the training window are carried through the model; longer ones force a refit. */
  maxGapShare: number;
  /**
   * Out-of-band points of an open excursion the classifier calls an attack, on its side of the
   * band, are kept from the model's state and from later training windows (the model steps over
   * them on its own forecast), for up to this long per excursion. Fed to the model, a flood becomes the forecast within a few points:
   * the band follows it, the excursion reads as over, and the flood's end reads as a drop. An
   * excursion that outlasts this (a point still withholdMinShare off the level it left once the hold is
   * spent) is taken for the new normal: its points are learned after all. 0 feeds every point.
   */
  maxWithheldSeconds: number;
  /**
   * Any rising excursion's out-of-band points are held from the model this long after it opened, while
   * the classifier may yet call it an attack (its signals, read through a rate window, rise over that
   * window); called one, they stay held (up to maxWithheldSeconds), else they are given back. A fall is
   * never held: an attack is traffic that rises. In whole
   * points at the step, rounded down: at a step longer than this it holds nothing. 0 holds nothing.
   */
  pendingWithheldSeconds: number;
  /**
   * Only points further than this share of the level the excursion left (the forecast at its first
   * point, or the series' own recent level if the forecast had left it: see followOpening) from it are
   * withheld, until it is named an attack: then every point beyond the band it left is. A deviation of a few
   * percent on a smooth series is far more often the model lagging a trend than an attack, and
   * keeping it from the model turns the lag into a false alarm that lasts `maxWithheldSeconds`;
   * floods, the case withholding is for, are multiples of the forecast.
   */
  withholdMinShare: number;
  /**
   * Which excursions are withheld: `attacks` (those the classifier calls `attack_suspected`) or
   * every `excursions` (the watchers' old setting). Measured both ways on NAB and on the live demo
   * (docs/detection.md); kept selectable so both run the same code.
   */
  withhold: WithholdScope;
  surprise: DetectorSurpriseOptions;
  paging: PagingOptions;
  excursion: ExcursionOptions;
}

/** The excursions whose points may be kept from the model (see ForecastDetectorOptions.withhold). */
export const WITHHOLD_SCOPES = ['attacks', 'excursions'] as const;
export type WithholdScope = (typeof WITHHOLD_SCOPES)[number];

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * A bound of cost, not a statistical choice: each channel keeps at most this many past
 * statistics (a sorted window, O(n) per insert), which with five windows per series keeps
 * 10,000 watched series within a few hundred MB.
 */
export const MAX_HISTORY_POINTS = 1000;

/**
 * The distribution shift's recent window is at most this share of the history it is compared
 * with. At a fine step the history is cut by MAX_HISTORY_POINTS (1,000 points: 17 minutes at
 * 1 s), and a 30-minute window would be the whole reference, comparing the series with itself.
 */
export const SHIFT_WINDOW_SHARE = 0.1;

/**
 * The one configuration every series gets; per-series tuning is deliberately not offered.
 * Chosen on the NAB development corpus (see nab/): a model's residual alone and over half an
 * hour, the value's level alone, and the mix of the last half hour's values against the history
 * (distribution shift). Each channel earns its place in the cross-validated score
 * (docs/detection.md); a channel of the level over an hour did not and was dropped, and neither did a
 * CUSUM of the residuals (change), which the ablation still measures. A surprise that recurs
 * at the same time of day is damped like a repeated page (recurrence.ts).
 */
export const DEFAULT_DETECTOR: Omit<ForecastDetectorOptions, 'stepSeconds'> = {
  confidence: 0.99,
  maxTrainingSeconds: 14 * DAY,
  minTrainingSeconds: DAY,
  refitShare: 0.25,
  driftHalfLifeSeconds: 6 * HOUR,
  driftLimit: 1.5,
  fitBackoffSeconds: 12 * HOUR,
  maxGapShare: 1 / 14,
  maxWithheldSeconds: 0,
  pendingWithheldSeconds: 0,
  withholdMinShare: 0,
  withhold: 'attacks',
  surprise: {
    historySeconds: 3.5 * DAY,
    // 30% (a day at a 5-minute step) scored 0.2 higher on NAB, but at a 1 s step it judged a watcher's
    // first five minutes by the warm-up's normal tail, and a spike right after held ntma_anomaly for up to
    // 56 s instead of 21 (bench/spike-recovery.mjs; docs/detection.md).
    minHistoryShare: 0.1,
    tail: DEFAULT_TAIL,
    channels: [
      { input: 'residual', seconds: 0 },
      { input: 'residual', seconds: HOUR / 2 },
      { input: 'novelty', seconds: 0, warmup: 'abstain' },
      { input: 'shift', seconds: HOUR / 2, warmup: 'abstain' },
    ],
  },
  paging: {
    log10p: -3,
    repeatSeconds: 12 * HOUR,
    repeatDamping: 0.2,
    repeatHalfLifeSeconds: DAY,
    recurPeriodSeconds: DAY,
    recurSliceSeconds: HOUR / 2,
    recurMemorySeconds: 3 * DAY,
    recurPatternSeconds: 3 * DAY,
    quietSeconds: HOUR,
    quietLog10p: -4.5,
  },
  excursion: DEFAULT_EXCURSION,
};

/** The detector's settings in points at its step. */
interface PointSettings {
  maxTraining: number;
  minTraining: number;
  refitEvery: number;
  driftHalfLife: number;
  fitBackoff: number;
  maxGap: number;
  maxWithheld: number;
  /** Points an excursion is held while it may yet be named (pendingWithheldSeconds, rounded down). */
  pendingWithheld: number;
  repeat: number;
  /** Half-life of the repeat bar's height above the page level (0: it never fades). */
  repeatHalfLife: number;
  /** The quiet span after a loud page (0: off). */
  quiet: number;
  /** The CUSUM's half-life and the shift's recent window, when those channels are configured. */
  changeHalfLife: number | null;
  shiftWindow: number | null;
  surprise: SurpriseOptions<DetectorInput>;
}

/** Inputs that are statistics over time already: their channel judges each point's value alone. */
function isTimeStatistic(input: DetectorInput): boolean {
  return input === 'change' || input === 'shift';
}

/** The span of the one channel of this input, in points, or null without one. */
function spanOf(o: ForecastDetectorOptions, input: DetectorInput, cap: number): number | null {
  const spans = o.surprise.channels.filter((c) => c.input === input);
  if (spans.length > 1) throw new RangeError(`at most one ${input} channel`);
  return spans.length === 0 ? null : Math.min(cap, pointsIn(spans[0]!.seconds, o.stepSeconds));
}

/** A span in whole points at a step, at least `floor`. */
function pointsIn(seconds: number, stepSeconds: number, floor = 1): number {
  return Math.max(floor, Math.round(seconds / stepSeconds));
}

export function pointSettings(o: ForecastDetectorOptions): PointSettings {
  const step = o.stepSeconds;
  const maxTraining = pointsIn(o.maxTrainingSeconds, step, 2);
  const history = Math.min(MAX_HISTORY_POINTS, pointsIn(o.surprise.historySeconds, step, 2));
  return {
    maxTraining,
    minTraining: Math.min(maxTraining, pointsIn(o.minTrainingSeconds, step, 2)),
    refitEvery: Math.max(1, Math.round(o.refitShare * maxTraining)),
    driftHalfLife: pointsIn(o.driftHalfLifeSeconds, step),
    fitBackoff: pointsIn(o.fitBackoffSeconds, step),
    maxGap: Math.max(1, Math.round(o.maxGapShare * maxTraining)),
    maxWithheld: o.maxWithheldSeconds > 0 ? pointsIn(o.maxWithheldSeconds, step) : 0,
    pendingWithheld: Math.floor(o.pendingWithheldSeconds / step),
    repeat: pointsIn(o.paging.repeatSeconds, step),
    repeatHalfLife: o.paging.repeatHalfLifeSeconds > 0 ? pointsIn(o.paging.repeatHalfLifeSeconds, step) : 0,
    quiet: o.paging.quietSeconds > 0 ? pointsIn(o.paging.quietSeconds, step) : 0,
    changeHalfLife: spanOf(o, 'change', Number.POSITIVE_INFINITY),
    shiftWindow: spanOf(o, 'shift', Math.max(1, Math.floor(SHIFT_WINDOW_SHARE * history))),
    surprise: {
      historyPoints: history,
      minHistoryPoints: Math.max(2, Math.round(o.surprise.minHistoryShare * history)),
      tail: o.surprise.tail,
      channels: o.surprise.channels.map(({ input, seconds, warmup }) => {
        const points = isTimeStatistic(input) ? 1 : pointsIn(seconds, step);
        return {
          input,
          points,
          ...(warmup ? { warmup } : {}),
          // A spike inside the shift's window moves its histogram for the whole window (100 s at a
          // 1 s step): evidence for the score, but it must not hold the excursion and ntma_anomaly open.
          ...(input === 'shift' ? { scoreOnly: true } : {}),
          // A run of residuals keeps a spike in its sum for its whole window (30 minutes): it may open
          // an excursion, but not hold one open once the series is back in its band. The live watch
          // test saw a 6 s spike hold ntma_anomaly at 1 for more than 25 s through it.
          ...(input === 'residual' && points > 1 ? { opensOnly: true } : {}),
        };
      }),
    },
  };
}

/** One-step errors the outlook's band width is measured on (see outlook()). */
export const OUTLOOK_ERROR_POINTS = 60;

/** Keeps a perfectly predicted series (a flat line) from dividing by zero sigma. */
const MIN_SIGMA_SHARE = 1e-9;

/**
 * A model that stepped over more withheld points than this has drifted on its own multi-step
 * extrapolation. Counted in model steps, not time: the error grows per step of the model.
 */
const BLIND_STEPS_BEFORE_REFIT = 3;

/**
 * The span of the series' own values before an excursion that says where the series stood when it
 * opened (see ForecastDetector.followOpening): a rate window, as the classifier's baselines are
 * medians of the traffic before the excursion too. At least three points at a coarse step.
 */
const OPENING_LEVEL_SECONDS = 60;

/**
 * After a withheld run ends, the refit it asks for waits this long. At once, the window ended in a
 * run of gaps and the one or two points fed since: the fit calibrated its band on them (its held-out
 * tail is a fifth of the window, two minutes of a watcher's ten) and chose orders on them, and its
 * narrow, swinging band flagged the series' return point by point. Two minutes: that tail, observed.
 * Replayed (16 seeds, live start, fits 1 or 2 steps late), flagged seconds past the flood's rate
 * window median 22.5 / 20 s -> 17.5 / 10 s, max 100 s -> 70 / 65 s (docs/detection.md).
 */
const REFIT_AFTER_WITHHOLDING_SECONDS = 120;

/** The withholding of one excursion's points (see ForecastDetector.withholds). */
interface WithholdingRun {
  /** The excursion's start (its stamp), to tell it from the next one. */
  startedAt: number;
  /** Position of the first point masked, or of the excursion's first point before any is. */
  from: number;
  /** Points masked so far. */
  points: number;
  /** The excursion was named one to withhold (an attack, or any excursion with withhold: 'excursions'). */
  named: boolean;
  /** Its points were given back to the model: never named in time, or too long to be an excursion. */
  released: boolean;
  /**
   * A point came back inside the band the excursion left after some were held: what was held is over
   * (see ForecastDetector.withholds), and later points are judged as before the naming.
   */
  returned: boolean;
}

/** A residual beyond a trillion sigmas (1e300 against a band of 1) is kept finite so running moments stay finite. */
const MAX_RESIDUAL = 1e12;

function clampResidual(residual: number): number {
  return Math.max(-MAX_RESIDUAL, Math.min(MAX_RESIDUAL, residual));
}

interface SharedSettings {
  options: ForecastDetectorOptions;
  points: PointSettings;
  bandZ: number;
  driftDecay: number;
}

const sharedSettings = new WeakMap<object, SharedSettings>();

function settingsOf(given: Partial<ForecastDetectorOptions> & { stepSeconds: number }): SharedSettings {
  const known = sharedSettings.get(given);
  if (known) return known;
  const o: ForecastDetectorOptions = { ...DEFAULT_DETECTOR, ...given };
  if (!(o.stepSeconds > 0) || !Number.isFinite(o.stepSeconds)) throw new RangeError('stepSeconds must be positive');
  if (!(o.confidence > 0 && o.confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  if (!(o.minTrainingSeconds > 0 && o.maxTrainingSeconds >= o.minTrainingSeconds)) {
    throw new RangeError('training spans must satisfy 0 < minTrainingSeconds <= maxTrainingSeconds');
  }
  const points = pointSettings(o);
  const settings = {
    options: o,
    points,
    bandZ: upperNormalQuantile((1 - o.confidence) / 2),
    driftDecay: Math.pow(0.5, 1 / points.driftHalfLife),
  };
  sharedSettings.set(given, settings);
  return settings;
}

export class ForecastDetector implements StreamingDetector {
  /**
   * Read through this one reference rather than copied into fields: a number that is not a small
   * integer (the band's z, the drift decay) is a boxed double of 16 bytes in every detector that copies it.
   */
  private readonly settings: SharedSettings;
  private readonly history: HistoryRing;
  private readonly surprise: SurpriseTracker<DetectorInput>;
  private readonly novelty: ValueNovelty;
  private readonly change: ResidualCusum | null;
  private readonly shift: DistributionShift | null;
  private readonly excursions: ExcursionTracker;
  private readonly recurrence: Recurrence | null;
  /** Periods a recurrence is looked for over, and periods a slice must have paged on to be a pattern (0: off). */
  private readonly recurMemoryPeriods: number;
  private readonly recurPatternPeriods: number;
  private model: FittedModel | null = null;
  private predictor: OneStepPredictor | null = null;
  private observedValues = 0;
  /** Points seen so far, gap fills included. */
  private position = 0;
  private windowTakenAt = 0;
  /** Position of the point right after the installed model's training window. */
  private modelEnd = 0;
  /** Recent one-step errors (value - forecast) of points fed to the model, for the outlook's band. */
  private readonly recentErrors: number[] = [];
  private modelAge = 0;
  /** The detector's clock: the stamp of the last point, or one step past the one before if it was not later. */
  private lastT: number | null = null;
  private forcedStale = false;
  private backoffUntil = 0;
  private driftMean = 0;
  private driftSquare = 1;
  /**
   * Null: never. The positions below are null rather than -Infinity until first set: a field that
   * ever held -Infinity keeps every value it holds as a boxed double (16 bytes a detector each),
   * where a position is otherwise a small integer held in the field itself.
   */
  private lastPageAt: number | null = null;
  private pagedDecades = 0;
  /** Position where the repeat bar (pagedDecades) was set or last raised: it fades from there. */
  private pagedSetAt: number | null = null;
  /** Position of the last point reported at or beyond the quiet level (see PagingOptions.quietSeconds). */
  private loudAt: number | null = null;
  /** The open excursion's withholding, if its points are being (or were) kept from the model. */
  private withheld: WithholdingRun | null = null;
  /**
   * The open excursion, the position of its first point and the band it left (the forecast there
   * and the band's half-width): withholding judges points against that band, not against a
   * forecast that may since have followed the excursion. Null while none is open.
   */
  private opened: { excursion: Readonly<Excursion>; position: number; level: number; halfWidth: number } | null = null;
  /** Position at which earlier points were last masked: a fit on a window read before it learned them. */
  private maskedAt: number | null = null;
  /** No refit before this position: the end of a withheld run plus REFIT_AFTER_WITHHOLDING_SECONDS. */
  private refitNotBefore = 0;

  /**
   * Detectors built from one options object (a watcher's factory passes the same one for every
   * series) share its settings: at 100,000 series a copy each was a few hundred kilobytes per
   * setting. The options must not be changed after a detector was built from them.
   */
  constructor(options: Partial<ForecastDetectorOptions> & { stepSeconds: number }, classify?: ExcursionClassifier) {
    const settings = settingsOf(options);
    this.settings = settings;
    const o = this.options;
    const { changeHalfLife, shiftWindow } = this.points;
    const { recurPeriodSeconds, recurSliceSeconds, recurMemorySeconds, recurPatternSeconds } = o.paging;
    this.recurMemoryPeriods =
      recurPeriodSeconds > 0 ? Math.max(1, Math.round(recurMemorySeconds / recurPeriodSeconds)) : 0;
    this.recurPatternPeriods =
      recurPeriodSeconds > 0 && recurPatternSeconds > 0
        ? Math.max(1, Math.round(recurPatternSeconds / recurPeriodSeconds))
        : 0;
    const recurPeriods = Math.max(this.recurMemoryPeriods, this.recurPatternPeriods);
    // The arrays sized now in one buffer (arena.ts): the training ring, the run rings, the shift's
    // ring and the recurrence.
    const fixed = new Arena([
      8 * this.points.maxTraining,
      ...SurpriseTracker.ringParts(this.points.surprise),
      ...(shiftWindow === null ? [] : DistributionShift.parts(shiftWindow)),
      ...(recurPeriodSeconds > 0 ? Recurrence.parts(recurPeriodSeconds, recurSliceSeconds, recurPeriods) : []),
    ]);
    this.history = new HistoryRing(this.points.maxTraining, fixed);
    // The full cells of the four statistic windows (4 bytes a value) and the level window (8) in one
    // buffer, allocated when the first of them fills.
    const { historyPoints, channels } = this.points.surprise;
    const windows = new Arena([...channels.map(() => 4 * historyPoints), 8 * historyPoints]);
    this.surprise = new SurpriseTracker(this.points.surprise, windows, fixed);
    this.novelty = new ValueNovelty(historyPoints, windows);
    this.change = changeHalfLife === null ? null : new ResidualCusum(changeHalfLife);
    this.shift = shiftWindow === null ? null : new DistributionShift(shiftWindow, fixed);
    this.excursions = new ExcursionTracker(o.excursion, classify);
    this.recurrence =
      recurPeriodSeconds > 0 ? new Recurrence(recurPeriodSeconds, recurSliceSeconds, recurPeriods, fixed) : null;
  }

  private get options(): ForecastDetectorOptions {
    return this.settings.options;
  }

  private get points(): PointSettings {
    return this.settings.points;
  }

  /** The model currently in use, for reports (e.g. its name). */
  currentModel(): FittedModel | null {
    return this.model;
  }

  wantsModel(): boolean {
    const p = this.points;
    if (this.position < this.backoffUntil) return false;
    if (this.observedValues < p.minTraining) return false;
    if (!this.model) return true;
    // Just after a withheld run the window ends in gaps and a few points: see REFIT_AFTER_WITHHOLDING_SECONDS.
    if (this.position < this.refitNotBefore) return false;
    if (this.forcedStale) return true;
    // While an excursion's points are held the model that has not seen it is the one to keep: a scheduled
    // refit would train on a window ending in a run of gaps and step over them on its own trend.
    if (this.withheld && !this.withheld.released && this.withheld.points > 0) return false;
    const age = this.modelAge;
    if (age >= p.refitEvery) return true;
    // While history is short, each refit on twice the data is a much better model.
    if (this.model.trainedOn < p.maxTraining && age >= this.model.trainedOn) return true;
    // Drift is only trusted once the running moments have seen a few half-lives of this model.
    if (age < 2 * p.driftHalfLife) return false;
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
    const predictor = model.predictor(this.options.confidence);
    const missed = Math.min(this.position - this.windowTakenAt, this.history.size);
    for (let back = missed; back >= 1; back -= 1) predictor.observe(this.history.fromEnd(back));
    this.model?.destroy();
    this.model = model;
    this.modelEnd = this.windowTakenAt;
    this.predictor = predictor;
    this.modelAge = 0;
    this.forcedStale = false;
    this.driftMean = 0;
    this.driftSquare = 1;
    // Fitted on a window read before some of its points were taken back (rewind()): it learned them.
    const run = this.withheld;
    if (
      run &&
      !run.released &&
      this.maskedAt !== null &&
      this.windowTakenAt <= this.maskedAt &&
      this.windowTakenAt > run.from
    ) {
      this.forcedStale = true;
    }
  }

  /**
   * The next `steps` points: the model's multi-step forecast from the end of its training window
   * (its seasonal shape), moved to the level the one-step predictor holds now (it has seen every
   * point since, withheld excursion points excepted), with the band width of a forecast made now,
   * i.e. the width at 1..steps steps ahead rather than at the distance from the training window.
   * The width is scaled to the one-step errors of the last OUTLOOK_ERROR_POINTS points the model
   * saw (a robust sigma, once there are half as many): a calibration taken when a surge sat in the held-out tail
   * stays wide for a whole refit period, and capacity planned on it would be a multiple of need.
   */
  outlook(steps: number): Interval | null {
    if (!this.model || !this.predictor || steps < 1) return null;
    const ahead = Math.max(0, this.position - this.modelEnd);
    const long = this.model.forecast(ahead + steps, this.options.confidence);
    const next = this.predictor.peek();
    const anchor = long.mean[ahead];
    if (anchor === undefined || !Number.isFinite(next.mean)) return null;
    const shift = next.mean - anchor;
    const first = long.upper[0]! - long.mean[0]!;
    let scale = 1;
    if (this.recentErrors.length >= OUTLOOK_ERROR_POINTS / 2 && first > 0) {
      // Median absolute error x 1.4826 estimates a normal sigma, and a surge that was learned (under
      // half the points) does not widen it.
      const sorted = this.recentErrors.map(Math.abs).sort((a, b) => a - b);
      const sigma = 1.4826 * sorted[sorted.length >> 1]!;
      scale = (this.settings.bandZ * sigma) / first;
    }
    const out: Interval = { mean: [], lower: [], upper: [] };
    for (let k = 0; k < steps; k++) {
      const mean = long.mean[ahead + k]! + shift;
      out.mean.push(mean);
      out.lower.push(mean - scale * (long.mean[k]! - long.lower[k]!));
      out.upper.push(mean + scale * (long.upper[k]! - long.mean[k]!));
    }
    return out;
  }

  fitFailed(): void {
    this.backoffUntil = this.position + this.points.fitBackoff;
  }

  update(t: number, value: number | null): Verdict {
    if (!Number.isFinite(t)) throw new RangeError('t must be a finite unix time in seconds');
    const v = value === null || !Number.isFinite(value) ? null : value;
    // Points are taken in arrival order whatever their timestamps do. One stamped at or before the
    // detector's clock (a repeated scrape, a re-sent batch, a clock set back) is the next sample,
    // one step after the previous one. Gaps are measured on that clock, so a repeated stamp or a
    // re-sent batch leaves no invented hole behind it, and after a clock is set back no gap is
    // filled until the stamps have caught up with it.
    this.fillGap(t);
    this.lastT = this.lastT === null || t > this.lastT ? t : this.lastT + this.options.stepSeconds;

    let forecast: number | null = null;
    let sigma = 0;
    if (this.predictor) {
      const next = this.predictor.peek();
      if (Number.isFinite(next.mean) && Number.isFinite(next.sigma)) {
        forecast = next.mean;
        sigma = Math.max(next.sigma, MIN_SIGMA_SHARE * Math.max(1, Math.abs(next.mean)));
      } else {
        // A model whose state overflowed (a value of 1e300 fed to it) forecasts nothing again until refitted.
        this.forcedStale = true;
      }
    }
    const empty = unjudgedVerdict(t, v);
    if (forecast === null) {
      this.advance(v);
      return empty;
    }
    const { bandZ } = this.settings;
    const lower = forecast - bandZ * sigma;
    const upper = forecast + bandZ * sigma;
    // A missing point is no evidence either way: no score, and the open excursion stays open.
    if (v === null) {
      this.advance(v);
      return { ...empty, forecast, lower, upper, kind: this.excursions.currentKind() };
    }

    const residual = clampResidual((v - forecast) / sigma);
    // The shift bins the value against the history before it, so it runs before novelty remembers it.
    const shift = this.shift?.update(v, this.novelty.reference()) ?? 0;
    const change = this.change?.update(residual) ?? 0;
    const { log10p, excursionLog10p, holdLog10p } = this.surprise.update({
      residual,
      novelty: this.novelty.update(v),
      change,
      shift,
    });
    const band: Verdict['anomaly'] = v > upper ? 1 : v < lower ? -1 : 0;
    const kind = this.excursions.update({ t, value: v, forecast, residual, band, log10p: excursionLog10p, holdLog10p });
    this.followOpening(forecast, upper - forecast);
    // Reported with the excursion's hysteresis, so the side does not flap while the model settles.
    const anomaly = this.excursions.direction(band);
    const withhold = this.withholds(v);
    // A withheld point says nothing about the model's fit to normal traffic: it must not count as drift.
    if (!withhold) {
      this.trackDrift(residual);
      // Nor does any point outside the band of an open excursion say how wide the next steps' band
      // should be: after a half-hour surge the model did not follow, its errors held the outlook's
      // width at 30x normal for another half hour, and capacity was planned on it.
      if (anomaly === 0) {
        this.recentErrors.push(v - forecast);
        if (this.recentErrors.length > OUTLOOK_ERROR_POINTS) this.recentErrors.shift();
      }
    }
    this.advance(v, withhold);
    const score = scoreFromLog10Tail(this.pagedLog10p(log10p));
    return { t, value: v, forecast, lower, upper, residual, score, anomaly, kind };
  }

  /** Beyond the band the open excursion left, on its side, and further than `share` of the level it left. */
  private beyondOpening(value: number, direction: 1 | -1, share: number): boolean {
    const opened = this.opened!;
    const off = (value - opened.level) * direction;
    return off > opened.halfWidth && off > share * Math.abs(opened.level);
  }

  /**
   * Remembers where the open excursion began and the band it left. The level it left is the
   * forecast there, unless the series itself stood outside that band just before (the median of
   * its last OPENING_LEVEL_SECONDS of values the model was fed): then the forecast had already been
   * carried off, by a model's own error (a fit that overshot a spike's end, a state stepping over a
   * gap on its own trend) or by the first points of the rise it had learned before the excursion
   * opened, and the series' own level is the one it left. Judged from such a forecast, the series'
   * ordinary values were held from the model as if they were a flood, which kept it wrong and
   * flagged for the whole hold (docs/detection.md: live, forecasts of 786 and then -93 on a level
   * of 2,000); and a flood's points were judged against a level the ramp had already doubled.
   */
  private followOpening(forecast: number, halfWidth: number): void {
    const open = this.excursions.current();
    if (!open) this.opened = null;
    else if (this.opened?.excursion !== open) {
      const recent = this.recentLevel();
      const level = recent !== null && Math.abs(recent - forecast) > halfWidth ? recent : forecast;
      this.opened = { excursion: open, position: this.position, level, halfWidth };
    }
  }

  /** Median of the values fed to the model over the last OPENING_LEVEL_SECONDS (null: fewer than 3). */
  private recentLevel(): number | null {
    const span = Math.max(3, Math.round(OPENING_LEVEL_SECONDS / this.options.stepSeconds));
    const values: number[] = [];
    for (let back = 1; back <= Math.min(span, this.history.size); back += 1) {
      const value = this.history.fromEnd(back);
      if (value !== null) values.push(value);
    }
    if (values.length < 3) return null;
    values.sort((a, b) => a - b);
    const mid = values.length >> 1;
    return values.length % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  }

  /**
   * Whether the point just scored stays out of the model. Only points of an open excursion beyond
   * the band it left, on its side, and further than withholdMinShare from the level it left are: an
   * in-band point inside it is normal traffic the model should see. Judged against the band the
   * excursion left rather than the current forecast, which a model trained or stepping over gaps may
   * have moved.
   *
   * Which excursions: by default only an attack (see ForecastDetectorOptions.withhold). The classifier
   * names one only once its signals have risen far enough, tens of seconds into a flood read through a
   * rate window, and the points before that, learned, carried the forecast up with the flood until
   * the excursion closed, sometimes before it was ever named. So every excursion's points are held
   * for pendingWithheldSeconds while it may yet be named; named, they stay held (and its earlier
   * points are taken back, see rewind()); not named in that time, they are given back to the model.
   */
  private withholds(value: number): boolean {
    const open = this.excursions.current();
    const limit = this.points.maxWithheld;
    if (this.withheld && this.withheld.startedAt !== open?.startedAt) this.endWithholding();
    if (!open || limit <= 0) return false;
    // Any excursion but an attack is learned by default: on the NAB corpus, withholding every gross
    // excursion for 10 minutes costs 7 points of the standard score in-sample and 9 cross-validated
    // (docs/detection.md), since most excursions of real series are changes the model should follow.
    const named = this.options.withhold === 'excursions' || this.excursions.currentKind() === 'attack_suspected';
    // Only a rise may yet be named: an attack is traffic that rises (the watchers' classifier never
    // names a drop one), and holding a fall kept a model that had followed a spike from seeing its end.
    const pending = open.direction > 0 ? this.points.pendingWithheld : 0;
    if (!named && pending === 0 && !this.withheld) return false;
    this.withheld ??= {
      startedAt: open.startedAt,
      from: this.position,
      points: 0,
      named: false,
      released: false,
      returned: false,
    };
    const run = this.withheld;
    if (run.released) return false;
    if (named && !run.named) {
      run.named = true;
      this.rewind(run, open.direction);
    }
    if (!run.named && this.position - this.opened!.position >= pending) {
      // Not named while it could be: an organic excursion, learned after all.
      this.release(run);
      return false;
    }
    // A point back inside the band the excursion left, once some were held, ends what was held. The
    // excursion stays open on its hysteresis for a while (16 minutes in the autoscale bench's seed 6),
    // and its later points are the series' own traffic, not the attack's: judged as its tail, a day that
    // had risen since the band was drawn was stepped over and counted against the limit below.
    if (run.points > 0 && !this.beyondOpening(value, open.direction, 0)) run.returned = true;
    // Once named an attack, every point beyond the band it left is the attack's (as rewind() judges
    // the points before the naming), until one comes back inside it: the tail of its ramp down, fed to
    // a model that stepped over the flood, set it on a trend away from the level and the end read as a drop.
    const attackTail = run.named && !run.returned && this.options.withhold === 'attacks';
    const share = attackTail ? 0 : this.options.withholdMinShare;
    if (!this.beyondOpening(value, open.direction, share)) return false;
    if (run.points >= limit) {
      // The hold is spent. Only a point still withholdMinShare off the level it left says the excursion
      // has outlasted it; one just beyond the old band (the ramp down's last point, or the day's own
      // traffic, which has moved since the band was drawn) is fed, and the held points stay held. Taken
      // for the new normal on such a point, a flood of exactly the limit was given back to the model
      // after it had ended (the autoscale bench: the next forecast 3,269 on traffic of 940 in seed 4,
      // 2,412 on 950 in seed 6, and a refit 130 over the traffic for an hour; docs/detection.md).
      if (!this.beyondOpening(value, open.direction, this.options.withholdMinShare)) return false;
      // It has lasted too long to be an excursion from this model's normal: learn it, refit on it.
      this.release(run);
      this.forcedStale = true;
      return false;
    }
    run.points += 1;
    return true;
  }

  /**
   * Withholds the points of the open excursion scored before it was named that lie beyond the band
   * it left, on its side, however close to that band: the first points of a ramp are the ones that
   * set a model of a smooth series on its way up (it reads a step in a rate as the start of a
   * rate window's ramp), so the 20% rule that keeps a lagging trend in the model does not apply
   * to an excursion already known to be an attack. Then it re-runs the model's state from the end of its training window without them (a one-step state
   * cannot be undone point by point). A model whose training window held some of them learned them,
   * and a refit on the masked window is asked for.
   */
  private rewind(run: WithholdingRun, direction: 1 | -1): void {
    const opened = this.opened!;
    // The rise began before the excursion opened (its surprise builds over a few points): take back
    // the run of points just before the opening that lie beyond the band it left, up to a rate window.
    let start = opened.position;
    const reach = Math.max(1, Math.round(OPENING_LEVEL_SECONDS / this.options.stepSeconds));
    while (start > opened.position - reach && this.position - start + 1 <= this.history.size) {
      const value = this.history.fromEnd(this.position - start + 1);
      if (value === null || !this.beyondOpening(value, direction, 0)) break;
      start -= 1;
    }
    let first = -1;
    for (let position = start; position < this.position; position += 1) {
      const back = this.position - position;
      const value = this.history.fromEnd(back);
      if (value === null || !this.beyondOpening(value, direction, 0)) continue;
      this.history.mask(back);
      if (first < 0) first = position;
      run.points += 1;
    }
    if (first < 0) return;
    run.from = Math.min(run.from, first);
    this.maskedAt = this.position;
    if (this.modelEnd > first) this.forcedStale = true;
    this.replayModel();
  }

  /** Gives a run's points back to the model: unmasked in the history and replayed into its state. */
  private release(run: WithholdingRun): void {
    run.released = true;
    if (run.points === 0) return;
    this.history.unmaskFrom(run.from);
    this.replayModel();
  }

  /**
   * Rebuilds the model's one-step state from the end of its training window over the history as it
   * is masked now. Past what the history holds, a refit on it is asked for instead.
   */
  private replayModel(): void {
    if (!this.model) return;
    const back = this.position - this.modelEnd;
    if (back > this.history.size) {
      this.forcedStale = true;
      return;
    }
    const predictor = this.model.predictor(this.options.confidence);
    for (let k = back; k >= 1; k -= 1) predictor.observe(this.history.fromEnd(k));
    this.predictor = predictor;
  }

  /**
   * The excursion whose points were held closed or gave way to one on the other side. A long blind
   * stretch leaves the model's state on its own extrapolation; a refit on the masked window puts
   * it back on the data without having learned the excursion. Points held while it was not (yet)
   * named go back into the history (an organic excursion is learned), but the state, already past
   * it, is not re-run: stepped over, a short excursion is not carried into the next forecasts.
   */
  private endWithholding(): void {
    const run = this.withheld;
    this.withheld = null;
    if (!run || run.released) return;
    if (!run.named) {
      if (run.points > 0) this.history.unmaskFrom(run.from);
      return;
    }
    if (run.points > BLIND_STEPS_BEFORE_REFIT) {
      this.forcedStale = true;
      this.refitNotBefore = this.position + pointsIn(REFIT_AFTER_WITHHOLDING_SECONDS, this.options.stepSeconds);
    }
  }

  /**
   * The surprise reported as the score: a repeat of what was just paged, of a page a day ago at
   * this time, or anything within the quiet span after a loud page, is damped.
   */
  private pagedLog10p(log10p: number): number {
    const { paging } = this.options;
    const decades = -log10p;
    const recent = this.lastPageAt !== null && this.position - this.lastPageAt <= this.points.repeat;
    const pageWorthy = -paging.log10p;
    const bar = this.repeatBar(pageWorthy);
    const repeat = recent && decades <= bar;
    // Judged on the detector's clock, which only moves forward.
    const at = this.lastT!;
    const before = this.recurrence?.periodAgo(at, this.recurMemoryPeriods) ?? 0;
    const pattern =
      this.recurPatternPeriods > 0 &&
      this.recurrence?.periodsReaching(at, pageWorthy, this.recurPatternPeriods) === this.recurPatternPeriods;
    this.recurrence?.record(at, decades);
    const recurs = before >= pageWorthy && (decades <= before || pattern);
    const quiet = this.loudAt !== null && this.position - this.loudAt <= this.points.quiet;
    const reported = repeat || recurs || quiet ? decades * paging.repeatDamping : decades;
    if (this.points.quiet > 0 && reported >= -paging.quietLog10p) this.loudAt = this.position;
    if (log10p <= paging.log10p) {
      if (!recent || decades > bar) {
        this.pagedDecades = decades;
        this.pagedSetAt = this.position;
      }
      this.lastPageAt = this.position;
    }
    return -reported;
  }

  /** The repeat bar now, in decades: its height above the page level halves every repeatHalfLife. */
  private repeatBar(pageWorthy: number): number {
    const halfLife = this.points.repeatHalfLife;
    if (halfLife === 0 || this.pagedDecades <= pageWorthy) return this.pagedDecades;
    // Above the page level only once a page set the bar (pagedSetAt): never null here.
    const fade = Math.pow(0.5, (this.position - (this.pagedSetAt ?? Number.NEGATIVE_INFINITY)) / halfLife);
    return pageWorthy + (this.pagedDecades - pageWorthy) * fade;
  }

  /** Feeds a point to the model state and the training history; a withheld one goes in as a gap. */
  private advance(value: number | null, withheld = false): void {
    this.predictor?.observe(withheld ? null : value);
    this.history.push(value, withheld);
    if (value !== null) this.observedValues += 1;
    this.position += 1;
    this.modelAge += 1;
  }

  /** Missing steps between updates are carried as gaps, never as zeros; a long outage forces a refit. */
  private fillGap(t: number): void {
    if (this.lastT === null) return;
    const missing = Math.round((t - this.lastT) / this.options.stepSeconds) - 1;
    if (missing <= 0) return;
    for (let i = 0; i < Math.min(missing, this.points.maxGap); i += 1) this.advance(null);
    if (missing > this.points.maxGap) this.forcedStale = true;
  }

  private trackDrift(residual: number): void {
    const d = this.settings.driftDecay;
    this.driftMean = d * this.driftMean + (1 - d) * residual;
    this.driftSquare = d * this.driftSquare + (1 - d) * residual * residual;
  }
}

/**
 * The last `capacity` values, oldest first; null marks a missing point. A masked (withheld) value
 * reads as missing until it is unmasked, so fits and replays step over it.
 */
class HistoryRing {
  private readonly values: Float64Array;
  /** Allocated while a value is masked: most series never withhold a point, or only for a minute. */
  private masked: Uint8Array | null = null;
  private head = 0;
  /** Points ever pushed: the position of the next one. */
  private pushed = 0;
  size = 0;

  constructor(
    private readonly capacity: number,
    arena: Arena | null = null,
  ) {
    this.values = arena?.float64(capacity) ?? new Float64Array(capacity);
  }

  push(value: number | null, masked = false): void {
    this.values[this.head] = value === null ? Number.NaN : value;
    if (masked) this.masked ??= new Uint8Array(this.capacity);
    if (this.masked) this.masked[this.head] = masked ? 1 : 0;
    this.head = (this.head + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.pushed += 1;
  }

  /** Unmasks every value pushed at `position` (a count of earlier pushes) or later that is still held. */
  unmaskFrom(position: number): void {
    const masked = this.masked;
    if (!masked) return;
    const back = Math.min(this.size, this.pushed - position);
    for (let k = 1; k <= back; k += 1) masked[(this.head - k + this.capacity) % this.capacity] = 0;
    // Every excursion at a fine step is held for a minute and most are given back: a series keeps the
    // mask only while it holds a withheld point, not for good after its first excursion.
    if (masked.indexOf(1) < 0) this.masked = null;
  }

  /** Masks the value `back` points before the end (1 = the newest), as if it had been pushed masked. */
  mask(back: number): void {
    this.masked ??= new Uint8Array(this.capacity);
    this.masked[(this.head - back + this.capacity) % this.capacity] = 1;
  }

  /** The value `back` points before the end (1 = the newest). */
  fromEnd(back: number): number | null {
    const at = (this.head - back + this.capacity) % this.capacity;
    const v = this.values[at]!;
    return Number.isNaN(v) || this.masked?.[at] === 1 ? null : v;
  }

  toArray(): Array<number | null> {
    const out: Array<number | null> = [];
    for (let back = this.size; back >= 1; back -= 1) out.push(this.fromEnd(back));
    return out;
  }
}
