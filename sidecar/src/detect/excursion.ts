/**
 * Follows one excursion at a time, from the point whose surprise opens it until the series has
 * been back inside its band for a while, and names its shape. Both ends have hysteresis: it
 * closes only after a span in band, and turns to the other side only after a span there. The network-aware verdict
 * (attack_suspected) needs signals a single series does not have, so it is left to a classifier
 * hook the watchers install.
 */
import type { ExcursionKind } from './types.js';

/**
 * Every duration is a span of time measured on the points' own stamps (a stamp at or before the
 * previous one adds nothing), so the same settings mean the same thing at a 1-second and at a
 * 5-minute step. Persistence also needs evidence: a run counts only once it has MIN_RUN_POINTS
 * points, so at a coarse step "10 seconds in band" is three points in band.
 */
export interface ExcursionOptions {
  /** Surprise (log10 p) at or below which an excursion opens. */
  openLog10p: number;
  /**
   * An open excursion closes once the series has been back inside its band for this long. Until
   * then it is recovering: it keeps its direction, and out-of-band points on its side extend it.
   */
  closeAfterSeconds: number;
  /**
   * An open excursion gives way to one on the other side only once the series has stayed beyond
   * the band on that side for this long, or at once if it goes further than the excursion's own
   * peak. A model settling after a flood overshoots both ways for a few steps; taken at its word,
   * every step would flip the direction (and open a new record).
   */
  reverseAfterSeconds: number;
  /** An excursion out of band for at most this long is a spike (up) or a drop (down). */
  spikeMaxSeconds: number;
  /**
   * A long excursion whose values vary by less than this share of its offset from the
   * pre-excursion forecast has settled on a new level: a level shift, not a sustained overload.
   */
  steadyShare: number;
}

export const DEFAULT_EXCURSION: ExcursionOptions = {
  openLog10p: -2.3,
  closeAfterSeconds: 10,
  reverseAfterSeconds: 10,
  spikeMaxSeconds: 120,
  steadyShare: 0.25,
};

/** What a classifier sees of the open excursion. */
export interface Excursion {
  /** Unix seconds of the point that opened it. */
  startedAt: number;
  /** +1 above the band, -1 below. */
  direction: 1 | -1;
  /** Points since it opened, the opening one included. */
  points: number;
  /** Points out of band since it opened. */
  outOfBandPoints: number;
  /** The forecast at the opening point: the level the series left. */
  baseline: number;
  meanValue: number;
  /** Standard deviation of the values since it opened. */
  spread: number;
  /** The largest |standardised residual| seen. */
  peakResidual: number;
  /** The kind the shape rules gave. */
  shape: Exclude<ExcursionKind, 'attack_suspected'>;
}

/** Overrides the shape-based kind, e.g. with 'attack_suspected' from packet and connection rates. */
export type ExcursionClassifier = (excursion: Readonly<Excursion>) => ExcursionKind;

export interface ExcursionInput {
  t: number;
  value: number;
  forecast: number;
  residual: number;
  /** -1 below the band, 0 inside, 1 above. */
  band: -1 | 0 | 1;
  log10p: number;
  /**
   * The surprise that keeps an open excursion open, or opens one, while the series is in its band
   * (default: log10p). The detector leaves out statistics over a window here: they keep a short
   * spike's evidence for the whole window, and would hold the excursion open that long.
   */
  holdLog10p?: number;
}

/**
 * Consecutive points a persistent state needs, whatever the span: one or two points either way
 * are what a model settling after a flood produces (it overshoots one way, then the other).
 * Kept short so a brief spike does not hold the series out of band long enough to page.
 */
const MIN_RUN_POINTS = 3;

/** A run of consecutive points with one property: how many, and the time they span. */
class Run {
  points = 0;
  seconds = 0;

  extend(gap: number): void {
    if (this.points > 0) this.seconds += gap;
    this.points += 1;
  }

  reset(): void {
    this.points = 0;
    this.seconds = 0;
  }

  /** The run has lasted `seconds` (from its first point to its last) and has enough points to count. */
  lasted(seconds: number): boolean {
    return this.points >= MIN_RUN_POINTS && this.seconds >= seconds;
  }
}

export class ExcursionTracker {
  private open: Excursion | null = null;
  private readonly inBand = new Run();
  /** Points beyond the band on the side opposite to the open excursion, in a row. */
  private readonly opposite = new Run();
  private outOfBandSeconds = 0;
  private lastT: number | null = null;
  /** The band side of the point fed before the last one, and of the last one. */
  private previousBand: -1 | 0 | 1 = 0;
  private lastBand: -1 | 0 | 1 = 0;
  private sum = 0;
  private sumSq = 0;

  constructor(
    private readonly options: ExcursionOptions = DEFAULT_EXCURSION,
    private readonly classify?: ExcursionClassifier,
  ) {}

  /** The open excursion, if any. */
  current(): Readonly<Excursion> | null {
    return this.open;
  }

  /** The kind of the open excursion (the classifier's, if one is installed), or null. */
  currentKind(): ExcursionKind | null {
    if (!this.open) return null;
    return this.classify ? this.classify(this.open) : this.open.shape;
  }

  /**
   * The side of the band to report for the point just fed: the open excursion's direction while
   * one is open (through its recovery and through brief crossings), else the point's own side,
   * except that a point straight across the band from the one before it reports 0. Those points
   * were not surprising enough to open an excursion, and a model still settling after a flood
   * swings above and below its band on alternate steps: reported as they come, `ntma_anomaly`
   * turned +1/-1 every step for a minute (a live idle run, seed 4 of bench/withhold-live.mjs).
   * One side held for two points in a row is reported from the second.
   */
  direction(band: -1 | 0 | 1): -1 | 0 | 1 {
    if (this.open) return this.open.direction;
    return band !== 0 && this.previousBand === -band ? 0 : band;
  }

  /** Feeds one scored point; returns the kind of the excursion open after it, or null. */
  update(point: ExcursionInput): ExcursionKind | null {
    const gap = this.lastT === null ? 0 : Math.max(0, point.t - this.lastT);
    this.lastT = point.t;
    this.previousBand = this.lastBand;
    this.lastBand = point.band;
    if (this.open) {
      const crossed = this.crossed(this.open, point);
      if (crossed) this.opposite.extend(gap);
      else this.opposite.reset();
      // A swing past the excursion's own peak is a new event (a flood right after a dip), not a
      // model settling: that one turns at once.
      const beyondPeak = crossed && Math.abs(point.residual) > this.open.peakResidual;
      if (beyondPeak || this.opposite.lasted(this.options.reverseAfterSeconds)) {
        // The series has stayed on the other side of its band: a new excursion with its own
        // direction, start and pre-excursion baseline. Left in the old one, a flood that follows
        // a noisy dip would stay a "drop" for as long as it lasts and never reach the attack classifier.
        this.open = null;
      }
    }
    if (!this.open) {
      // In its band, a point opens one only on the evidence that could hold it open: a window's
      // statistic still carrying a spike that has ended would reopen what just closed.
      const evidence = point.band !== 0 ? point.log10p : (point.holdLog10p ?? point.log10p);
      if (evidence > this.options.openLog10p || point.residual === 0) return null;
      this.open = {
        startedAt: point.t,
        direction: point.residual > 0 ? 1 : -1,
        points: 0,
        outOfBandPoints: 0,
        baseline: point.forecast,
        meanValue: point.value,
        spread: 0,
        peakResidual: 0,
        shape: 'spike',
      };
      this.inBand.reset();
      this.opposite.reset();
      this.outOfBandSeconds = 0;
      this.sum = 0;
      this.sumSq = 0;
    }
    const open = this.open;
    open.points += 1;
    this.sum += point.value;
    this.sumSq += point.value * point.value;
    open.meanValue = this.sum / open.points;
    open.spread = Math.sqrt(Math.max(0, this.sumSq / open.points - open.meanValue * open.meanValue));
    open.peakResidual = Math.max(open.peakResidual, Math.abs(point.residual));
    if (point.band !== 0 || (point.holdLog10p ?? point.log10p) <= this.options.openLog10p) {
      if (open.outOfBandPoints > 0) this.outOfBandSeconds += gap;
      open.outOfBandPoints += 1;
      this.inBand.reset();
    } else {
      this.inBand.extend(gap);
    }
    if (this.inBand.lasted(this.options.closeAfterSeconds)) {
      this.open = null;
      return null;
    }
    open.shape = this.shape(open);
    return this.classify ? this.classify(open) : open.shape;
  }

  /** An out-of-band point opposite to the open excursion, surprising enough to open one itself. */
  private crossed(open: Excursion, point: ExcursionInput): boolean {
    return point.band === -open.direction && point.log10p <= this.options.openLog10p;
  }

  private shape(open: Excursion): Excursion['shape'] {
    if (this.outOfBandSeconds <= this.options.spikeMaxSeconds) return open.direction > 0 ? 'spike' : 'drop';
    const offset = Math.abs(open.meanValue - open.baseline);
    if (open.direction < 0 || open.spread <= this.options.steadyShare * offset) return 'level_shift';
    return 'sustained';
  }
}
