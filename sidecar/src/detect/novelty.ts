/**
 * How far a value lies from the recent level of its own series, in robust spreads. A model that
 * follows a level shift stops producing residuals after a step or two; this channel keeps
 * seeing that the series now lives somewhere it has not lived recently.
 */
import { SortedWindow } from './sorted-window.js';
import type { Arena } from './arena.js';

/** Below this share of the value, an offset or spread is rounding, not signal. */
const NEGLIGIBLE_SHARE = 1e-9;

export class ValueNovelty {
  private readonly values: SortedWindow;

  /** `arena`: the detector's buffer for its full windows (arena.ts), if it has one. */
  constructor(historyPoints: number, arena: Arena | null = null) {
    this.values = new SortedWindow(historyPoints, 'double', arena);
  }

  /** The values seen so far (the last historyPoints): the reference a distribution shift is judged against. */
  reference(): SortedWindow {
    return this.values;
  }

  /**
   * (value - median) over a robust spread of the values before it, then remembers the value.
   * Quantised or mostly-constant series (CPU at 0%, a counter that rarely moves) have no
   * interquartile spread; there the wider of the 90% and the full range stands in (each scaled to
   * a normal sigma). The 90% range alone collapses whenever fewer than one value in twenty
   * differs from the usual one: a disk that writes in bursts went from a spread of 1.4e7 to 8e3 as
   * its bursts thinned out, and a burst it had made a dozen times in the last 3.5 days read as 14,500 spreads,
   * six decades of surprise (NAB: 72.3 -> 74.5 in-sample; docs/detection.md).
   */
  update(value: number): number {
    const values = this.values;
    let novelty = 0;
    if (values.size >= 2) {
      const spread =
        (values.quantile(0.75) - values.quantile(0.25)) / 1.349 ||
        Math.max((values.quantile(0.95) - values.quantile(0.05)) / 3.29, (values.quantile(1) - values.quantile(0)) / 6);
      const offset = value - values.quantile(0.5);
      const floor = NEGLIGIBLE_SHARE * Math.max(1, Math.abs(value));
      novelty = Math.abs(offset) <= floor ? 0 : offset / Math.max(spread, floor);
    }
    values.push(value);
    return novelty;
  }
}
