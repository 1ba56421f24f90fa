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
export class Recurrence {
  private readonly slots: number;
  private readonly perPeriod: number;
  /** The slice number (time / sliceSeconds) each slot holds, or -1 while empty. */
  private readonly slices: Float64Array;
  private readonly peaks: Float64Array;

  /** `periods`: how many periods back a slice is compared with (1: the same time yesterday only). */
  constructor(
    periodSeconds: number,
    private readonly sliceSeconds: number,
    private readonly periods = 1,
  ) {
    if (!(sliceSeconds > 0 && periodSeconds >= 2 * sliceSeconds)) {
      throw new RangeError('a period must span at least two slices');
    }
    if (!(Number.isInteger(periods) && periods >= 1)) throw new RangeError('periods must be a whole number >= 1');
    this.perPeriod = Math.round(periodSeconds / sliceSeconds);
    // One period more than is looked back over, so today's slices never overwrite the oldest ones
    // they are compared with.
    this.slots = (periods + 1) * this.perPeriod;
    this.slices = new Float64Array(this.slots).fill(-1);
    this.peaks = new Float64Array(this.slots);
  }

  /**
   * The largest surprise (in decades) recorded one to `periods` periods before `t`, a slice either
   * side included; 0 if none.
   */
  periodAgo(t: number): number {
    const slice = Math.floor(t / this.sliceSeconds);
    let peak = 0;
    for (let p = 1; p <= this.periods; p += 1) {
      for (let d = -1; d <= 1; d += 1) {
        const then = slice - p * this.perPeriod + d;
        const slot = this.slotOf(then);
        if (this.slices[slot] === then) peak = Math.max(peak, this.peaks[slot]!);
      }
    }
    return peak;
  }

  /** Remembers a point's surprise (in decades) in the slice of `t`. */
  record(t: number, decades: number): void {
    const slice = Math.floor(t / this.sliceSeconds);
    const slot = this.slotOf(slice);
    if (this.slices[slot] !== slice) {
      this.slices[slot] = slice;
      this.peaks[slot] = 0;
    }
    this.peaks[slot] = Math.max(this.peaks[slot]!, decades);
  }

  private slotOf(slice: number): number {
    return ((slice % this.slots) + this.slots) % this.slots;
  }
}
