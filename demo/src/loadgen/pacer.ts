/**
 * Turns a rate into whole requests per tick, carrying the fraction over so that 2.5 rps at a
 * 100 ms tick sends exactly 25 requests in 10 s rather than rounding to 0 or 1 every tick.
 */
export class Pacer {
  private carry = 0;

  /** Requests due for a tick of `dtSeconds` at `rps`, never more than `cap` (the excess is dropped, not queued). */
  take(rps: number, dtSeconds: number, cap = Number.POSITIVE_INFINITY): number {
    if (!(rps > 0) || !(dtSeconds > 0)) return 0;
    this.carry += rps * dtSeconds;
    const due = Math.floor(this.carry);
    this.carry -= due;
    // An open-loop generator that fell behind must not burst to catch up: that would be a second attack.
    return Math.min(due, Math.max(0, Math.floor(cap)));
  }

  reset(): void {
    this.carry = 0;
  }
}
