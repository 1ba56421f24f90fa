/**
 * Remembers what the same time of day showed on recent days. Many series have a daily job (a
 * backup, a cron spike) that a smooth seasonal model cannot pin to the minute, so its residual
 * recurs every day at roughly the same phase. The echo of a value is the largest same-signed
 * value seen within ±halfWidth points of its phase on the last `days` days; the detector judges
 * only the excess over it.
 */
export class SeasonalEcho {
  private readonly ring: Float64Array;
  private position = 0;

  constructor(
    readonly period: number,
    readonly days: number,
    readonly halfWidth: number,
  ) {
    if (!(Number.isInteger(period) && period >= 2)) throw new RangeError('period must be an integer >= 2');
    this.ring = new Float64Array(period * days + halfWidth + 1).fill(Number.NaN);
  }

  /** Returns the echo of `value` (>= 0), then remembers `value` (NaN = missing). */
  echo(value: number): number {
    let echo = 0;
    if (!Number.isNaN(value) && value !== 0) {
      const sign = Math.sign(value);
      for (let day = 1; day <= this.days; day += 1) {
        for (let offset = -this.halfWidth; offset <= this.halfWidth; offset += 1) {
          const back = day * this.period + offset;
          if (back > this.position || back > this.ring.length) continue;
          const past = this.ring[(this.position - back) % this.ring.length]! * sign;
          if (past > echo) echo = past;
        }
      }
    }
    this.ring[this.position % this.ring.length] = value;
    this.position += 1;
    return echo;
  }
}

/** The daily period in points for a step, or null when a day is not a sensible whole number of steps. */
export function dailyPeriod(stepSeconds: number, maxPoints: number): number | null {
  const period = Math.round(86400 / stepSeconds);
  return period >= 4 && period <= maxPoints ? period : null;
}
