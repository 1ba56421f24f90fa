/**
 * Change-point evidence: a two-sided CUSUM (Page's test) on the standardised forecast residuals.
 * A model follows a level shift within a few points, so the residual of any one point stays
 * modest; the CUSUM adds up every residual beyond a slack of half a sigma in one direction, so a
 * run of small same-signed misses (a shift the model is catching up with, a slow ramp) becomes one
 * large statistic where a run of independent noise does not.
 *
 * It leaks: each step keeps only a share of the sum, set by a half-life in time, so a model whose
 * band is a little too narrow (residuals a little biased for hours) cannot grow the sum without
 * bound and leave every later point looking like a change.
 */

/** Residuals beyond half a sigma count toward a change: the textbook slack for a one-sigma shift. */
export const CUSUM_SLACK = 0.5;

/**
 * One residual adds at most this many sigmas: a single spike is the residual channel's evidence,
 * and must not look like a change for the whole time the sum takes to leak away.
 */
export const CUSUM_INPUT_LIMIT = 10;

export class ResidualCusum {
  private up = 0;
  private down = 0;
  private readonly keep: number;

  /** `halfLifePoints`: steps after which half of the sum is forgotten. */
  constructor(halfLifePoints: number) {
    if (!(halfLifePoints > 0)) throw new RangeError('halfLifePoints must be positive');
    this.keep = Math.pow(0.5, 1 / halfLifePoints);
  }

  /** Takes one standardised residual; returns the larger of the upward and downward sums. */
  update(residual: number): number {
    const r = Number.isFinite(residual)
      ? Math.max(-CUSUM_INPUT_LIMIT, Math.min(CUSUM_INPUT_LIMIT, residual))
      : Number.isNaN(residual)
        ? 0
        : Math.sign(residual) * CUSUM_INPUT_LIMIT;
    this.up = Math.max(0, this.keep * this.up + r - CUSUM_SLACK);
    this.down = Math.max(0, this.keep * this.down - r - CUSUM_SLACK);
    return Math.max(this.up, this.down);
  }
}
