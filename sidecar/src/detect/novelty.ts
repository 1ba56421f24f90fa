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
   * interquartile spread, so wider quantile ranges stand in before the series counts as constant.
   */
  update(value: number): number {
    const values = this.values;
    let novelty = 0;
    if (values.size >= 2) {
      const spread =
        (values.quantile(0.75) - values.quantile(0.25)) / 1.349 ||
        (values.quantile(0.95) - values.quantile(0.05)) / 3.29 ||
        (values.quantile(1) - values.quantile(0)) / 6;
      const offset = value - values.quantile(0.5);
      const floor = NEGLIGIBLE_SHARE * Math.max(1, Math.abs(value));
      novelty = Math.abs(offset) <= floor ? 0 : offset / Math.max(spread, floor);
    }
    values.push(value);
    return novelty;
  }
}
