/**
 * Distribution-shift evidence: how far the values of a recent window are distributed from the
 * series' longer history, as a relative entropy (Kullback–Leibler divergence), the idea of the
 * Relative Entropy detector on the NAB scoreboard. Novelty asks "is this value far from the usual
 * level"; this asks "has the recent mix of values changed": a series that starts to oscillate,
 * loses its variance, or sits in its usual range but in the wrong part of it.
 *
 * The bins are quantiles of the reference (the history before each point), so the reference's
 * share of each bin is known without keeping a second histogram, and each value is binned once,
 * when it arrives, against the history it arrived to. The recent histogram is a ring of bin
 * numbers with a count per bin: O(log n) per point, one byte per recent point of state.
 */
import type { SortedWindow } from './sorted-window.js';
import type { Arena } from './arena.js';

/**
 * Bin edges as quantiles of the reference: finer in the tails, where a shift shows first, and a
 * bin each beyond the 1st and 99th percentile, so values outside the usual range have their own.
 */
const EDGES = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] as const;
const BINS = EDGES.length + 1;
const REFERENCE_SHARE: ReadonlyArray<number> = EDGES.map((e, i) => e - (i === 0 ? 0 : EDGES[i - 1]!)).concat(
  1 - EDGES[EDGES.length - 1]!,
);

/**
 * Added to each bin's recent count (a Krichevsky–Trofimov half count), so an empty bin of a short
 * window is not read as an impossible one.
 */
const PSEUDO_COUNT = 0.5;

/** A reference shorter than this many values has no quantiles worth binning against. */
const MIN_REFERENCE = 20;

function binOf(rankShare: number): number {
  let bin = 0;
  while (bin < EDGES.length && rankShare > EDGES[bin]!) bin += 1;
  return bin;
}

export class DistributionShift {
  private readonly ring: Uint8Array;
  /** Recent values per bin, in the ring's buffer (one allocation per series, not two). */
  private readonly counts: Uint32Array;
  private head = 0;
  private filled = 0;

  /**
   * `windowPoints`: how many recent values are compared with the reference. `arena`: the detector's
   * buffer for arrays sized at construction, with room for parts(windowPoints) (arena.ts).
   */
  constructor(windowPoints: number, arena: Arena | null = null) {
    if (!(Number.isInteger(windowPoints) && windowPoints >= 1)) throw new RangeError('windowPoints must be >= 1');
    const ring = arena?.uint8(windowPoints);
    const counts = arena?.uint32(BINS);
    if (ring && counts) {
      this.ring = ring;
      this.counts = counts;
    } else {
      const countsAt = 4 * Math.ceil(windowPoints / 4);
      const buffer = new ArrayBuffer(countsAt + 4 * BINS);
      this.ring = new Uint8Array(buffer, 0, windowPoints);
      this.counts = new Uint32Array(buffer, countsAt, BINS);
    }
  }

  /** Bytes of the arrays a shift over `windowPoints` keeps (an arena's parts). */
  static parts(windowPoints: number): number[] {
    return [windowPoints, 4 * BINS];
  }

  /**
   * Bins `value` against `reference` (the values before it), adds it to the recent window and
   * returns √(2·n·KL(recent ‖ reference)): the square root of the G statistic, which for n
   * independent draws from the reference is of the order of a few units, like a z. Serial
   * correlation inflates it; the surprise tracker ranks it against its own history anyway.
   * While the window fills, n is what it holds, so the statistic grows with it; the window is at
   * most a tenth of the reference (forecast-detector.ts, SHIFT_WINDOW_SHARE), so it is full about
   * when the channel starts being ranked. Alternatives measured on NAB were worse: scaling by the
   * full length from the start, or skipping the channel until its window is full, each cost 1.6
   * points of the cross-validated score.
   */
  update(value: number, reference: SortedWindow): number {
    if (reference.size < MIN_REFERENCE) return 0;
    const bin = binOf(reference.rankShare(value));
    if (this.filled === this.ring.length) this.counts[this.ring[this.head]!]! -= 1;
    else this.filled += 1;
    this.ring[this.head] = bin;
    this.counts[bin]! += 1;
    this.head = (this.head + 1) % this.ring.length;

    const total = this.filled + BINS * PSEUDO_COUNT;
    let kl = 0;
    for (let b = 0; b < BINS; b += 1) {
      const p = (this.counts[b]! + PSEUDO_COUNT) / total;
      kl += p * Math.log(p / REFERENCE_SHARE[b]!);
    }
    return Math.sqrt(2 * this.filled * Math.max(0, kl));
  }
}
