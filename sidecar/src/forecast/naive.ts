/**
 * Seasonal naive: the value one period ago (the last value when there is no trusted period).
 * The last link of the fallback chain, so it must never fail on data that has two points.
 */

export interface NaiveState {
  lag: number;
  /** The last `lag` values, oldest first; gaps hold what was forecast for them (NaN before any value). */
  history: number[];
}

export class NaiveFilter {
  private constructor(private readonly s: NaiveState) {}

  static start(lag: number): NaiveFilter {
    return new NaiveFilter({ lag, history: [] });
  }

  static restore(state: NaiveState): NaiveFilter {
    return new NaiveFilter({ lag: state.lag, history: [...state.history] });
  }

  state(): NaiveState {
    return { lag: this.s.lag, history: [...this.s.history] };
  }

  clone(): NaiveFilter {
    return NaiveFilter.restore(this.s);
  }

  /** NaN until some value is known. */
  peek(): number {
    const { history, lag } = this.s;
    if (history.length === lag && Number.isFinite(history[0]!)) return history[0]!;
    // Nothing known one period back (a short or gap-ridden start): the last known value is the best guess.
    for (let i = history.length - 1; i >= 0; i--) if (Number.isFinite(history[i]!)) return history[i]!;
    return Number.NaN;
  }

  /** A gap stores its forecast, so one period later it is read back as a forecast, never as zero. */
  observe(value: number | null): number | null {
    const forecast = this.peek();
    const gap = value === null || !Number.isFinite(value);
    const x = gap ? forecast : value;
    this.s.history.push(x);
    if (this.s.history.length > this.s.lag) this.s.history.shift();
    return gap || Number.isNaN(forecast) ? null : x - forecast;
  }

  forecast(h: number): number[] {
    const f = this.clone();
    const out: number[] = [];
    for (let i = 0; i < h; i++) {
      out.push(f.peek());
      f.observe(null);
    }
    return out;
  }

  /** Error variance grows by one one-step variance per full period ahead. */
  varianceMultiplier(h: number): number {
    return Math.ceil(h / this.s.lag);
  }
}
