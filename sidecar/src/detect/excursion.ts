/**
 * Follows one excursion at a time, from the point whose surprise opens it until the series has
 * been back inside its band for a while, and names its shape. The network-aware verdict
 * (attack_suspected) needs signals a single series does not have, so it is left to a classifier
 * hook the watchers install.
 */
import type { ExcursionKind } from './types.js';

export interface ExcursionOptions {
  /** Surprise (log10 p) at or below which an excursion opens. */
  openLog10p: number;
  /** Consecutive in-band points that close an open excursion. */
  closeAfterPoints: number;
  /** An excursion out of band for at most this many points is a spike (up) or a drop (down). */
  spikeMaxPoints: number;
  /**
   * A long excursion whose values vary by less than this share of its offset from the
   * pre-excursion forecast has settled on a new level: a level shift, not a sustained overload.
   */
  steadyShare: number;
}

export const DEFAULT_EXCURSION: ExcursionOptions = {
  openLog10p: -2.3,
  closeAfterPoints: 6,
  spikeMaxPoints: 3,
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
}

export class ExcursionTracker {
  private open: Excursion | null = null;
  private inBandStreak = 0;
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

  /** Feeds one scored point; returns the kind of the excursion open after it, or null. */
  update(point: ExcursionInput): ExcursionKind | null {
    if (this.open && this.reverses(this.open, point)) {
      // The series crossed to the other side of its band: a new excursion with its own direction,
      // start and pre-excursion baseline. Left in the old one, a flood that follows a noisy dip
      // would stay a "drop" for as long as it lasts and never reach the attack classifier.
      this.open = null;
    }
    if (!this.open) {
      if (point.log10p > this.options.openLog10p || point.residual === 0) return null;
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
      this.inBandStreak = 0;
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
    if (point.band !== 0 || point.log10p <= this.options.openLog10p) {
      open.outOfBandPoints += 1;
      this.inBandStreak = 0;
    } else {
      this.inBandStreak += 1;
    }
    if (this.inBandStreak >= this.options.closeAfterPoints) {
      this.open = null;
      return null;
    }
    open.shape = this.shape(open);
    return this.classify ? this.classify(open) : open.shape;
  }

  /** An out-of-band point opposite to the open excursion, surprising enough to open one itself. */
  private reverses(open: Excursion, point: ExcursionInput): boolean {
    return point.band === -open.direction && point.log10p <= this.options.openLog10p;
  }

  private shape(open: Excursion): Excursion['shape'] {
    if (open.outOfBandPoints <= this.options.spikeMaxPoints) return open.direction > 0 ? 'spike' : 'drop';
    const offset = Math.abs(open.meanValue - open.baseline);
    if (open.direction < 0 || open.spread <= this.options.steadyShare * offset) return 'level_shift';
    return 'sustained';
  }
}
