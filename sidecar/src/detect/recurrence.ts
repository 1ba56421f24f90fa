/**
 * Surprise that recurs at the same time of day. A daily job (a backup, a report, a cron'd batch)
 * makes a spike at about the same time on the days it runs; a model without a daily season (the
 * spike is one point a day, too little for a seasonal fit) is surprised by every one, and each one
 * is a false alarm. This keeps, per slice of the clock, the largest surprise seen in it over the last
 * few periods, so the detector can ask whether the same slice on one of the last `periods` periods
 * (or a slice either side of it, since jobs drift by minutes) was just as surprising. More than one
 * period back, since a job need not run every day: on NAB, AWS CPU spikes came back at the same time
 * one, two or three days apart.
 *
 * State is `periods + 1` periods of slices (192 numbers for three days in half-hour slices), whatever
 * the step.
 */
import type { Arena } from './arena.js';

const single = new Float32Array(1);
const singleBits = new Uint32Array(single.buffer);

/** The smallest single-precision number >= a non-negative one. */
function roundedUp(decades: number): number {
  single[0] = decades;
  if (single[0]! < decades) singleBits[0] = singleBits[0]! + 1;
  return single[0]!;
}

/**
 * Distinct lap tags (1..LAP_TAGS; 0 is a slot that holds no slice yet): a slot written LAP_TAGS laps
 * ago would pass for this lap.
 */
const LAP_TAGS = 0xffff;

export class Recurrence {
  private readonly slots: number;
  private readonly perPeriod: number;
  /**
   * Which lap of the slots (slice number / slots) each slot holds, as a 16-bit tag (lapOf), 0 while
   * it holds none: with the slot, that names the slice. Two bytes a slot where the lap itself
   * took four (384 bytes a series at three days of half-hour slices). A tag repeats after 65,535
   * laps (718 years of four-day laps), and only a slot left unwritten that long could pass for a
   * recent one.
   */
  private readonly laps: Uint16Array;
  /**
   * Single precision, rounded up: a surprise in decades needs no more, and a point exactly as
   * surprising as one a period ago must still read as no more surprising than it.
   */
  private readonly peaks: Float32Array;

  /** `periods`: how many periods back a slice is compared with (1: the same time yesterday only). */
  /** `arena`: the detector's buffer for arrays sized at construction, with room for parts() (arena.ts). */
  constructor(
    periodSeconds: number,
    private readonly sliceSeconds: number,
    private readonly periods = 1,
    arena: Arena | null = null,
  ) {
    if (!(sliceSeconds > 0 && periodSeconds >= 2 * sliceSeconds)) {
      throw new RangeError('a period must span at least two slices');
    }
    if (!(Number.isInteger(periods) && periods >= 1)) throw new RangeError('periods must be a whole number >= 1');
    this.perPeriod = Math.round(periodSeconds / sliceSeconds);
    this.slots = Recurrence.slots(periodSeconds, sliceSeconds, periods);
    // A zeroed buffer is every slot empty.
    const peaks = arena?.float32(this.slots);
    const laps = arena?.uint16(this.slots);
    if (peaks && laps) {
      this.peaks = peaks;
      this.laps = laps;
    } else {
      // One buffer for both: one allocation per series, not two.
      const buffer = new ArrayBuffer(6 * this.slots);
      this.peaks = new Float32Array(buffer, 0, this.slots);
      this.laps = new Uint16Array(buffer, 4 * this.slots, this.slots);
    }
  }

  /**
   * Slots kept: one period more than is looked back over, so today's slices never overwrite the
   * oldest ones they are compared with.
   */
  private static slots(periodSeconds: number, sliceSeconds: number, periods: number): number {
    return (periods + 1) * Math.round(periodSeconds / sliceSeconds);
  }

  /** Bytes of the arrays a recurrence of these settings keeps (an arena's parts). */
  static parts(periodSeconds: number, sliceSeconds: number, periods = 1): number[] {
    const slots = Recurrence.slots(periodSeconds, sliceSeconds, periods);
    return [4 * slots, 2 * slots];
  }

  /**
   * The largest surprise (in decades) recorded one to `periods` periods before `t` (at most the
   * constructor's), a slice either side included; 0 if none.
   */
  periodAgo(t: number, periods = this.periods): number {
    let peak = 0;
    for (let p = 1; p <= Math.min(periods, this.periods); p += 1) peak = Math.max(peak, this.peakOf(t, p));
    return peak;
  }

  /**
   * How many of the `periods` periods before `t` (at most the constructor's) reached at least
   * `decades` in the same slice or one either side: a daily job shows on every one of them.
   */
  periodsReaching(t: number, decades: number, periods = this.periods): number {
    let reached = 0;
    for (let p = 1; p <= Math.min(periods, this.periods); p += 1) if (this.peakOf(t, p) >= decades) reached += 1;
    return reached;
  }

  /** The largest surprise recorded `p` periods before `t`, a slice either side included; 0 if none. */
  private peakOf(t: number, p: number): number {
    const slice = Math.floor(t / this.sliceSeconds);
    let peak = 0;
    for (let d = -1; d <= 1; d += 1) {
      const then = slice - p * this.perPeriod + d;
      const slot = this.slotOf(then);
      if (this.laps[slot] === this.lapOf(then)) peak = Math.max(peak, this.peaks[slot]!);
    }
    return peak;
  }

  /** Remembers a point's surprise (in decades) in the slice of `t`. */
  record(t: number, decades: number): void {
    const slice = Math.floor(t / this.sliceSeconds);
    const slot = this.slotOf(slice);
    const lap = this.lapOf(slice);
    if (this.laps[slot] !== lap) {
      this.laps[slot] = lap;
      this.peaks[slot] = 0;
    }
    this.peaks[slot] = Math.max(this.peaks[slot]!, roundedUp(decades));
  }

  /** The lap's tag, 1..LAP_TAGS (never 0, an empty slot), for any lap, negative ones (times before 1970) included. */
  private lapOf(slice: number): number {
    const lap = Math.floor(slice / this.slots);
    return (((lap % LAP_TAGS) + LAP_TAGS) % LAP_TAGS) + 1;
  }

  private slotOf(slice: number): number {
    return ((slice % this.slots) + this.slots) % this.slots;
  }
}
