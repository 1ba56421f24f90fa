/**
 * Simple exponential smoothing, ETS(A,N,N): the second link of the fallback chain. Its
 * one-step recursion is trivial to run with fixed parameters, which augurs' AutoETS (no access
 * to its fitted parameters) would not allow.
 */

export interface SesState {
  alpha: number;
  level: number;
}

export class SesFilter {
  private constructor(private readonly s: SesState) {}

  /** A filter that takes its level from the first value it observes. */
  static start(alpha: number): SesFilter {
    return new SesFilter({ alpha, level: Number.NaN });
  }

  static restore(state: SesState): SesFilter {
    return new SesFilter({ ...state });
  }

  state(): SesState {
    return { ...this.s };
  }

  clone(): SesFilter {
    return SesFilter.restore(this.s);
  }

  peek(): number {
    return this.s.level;
  }

  /** A gap keeps the level (advancing on the forecast); returns the innovation or null on a gap. */
  observe(value: number | null): number | null {
    if (value === null || !Number.isFinite(value)) return null;
    if (Number.isNaN(this.s.level)) {
      this.s.level = value;
      return null;
    }
    const innovation = value - this.s.level;
    this.s.level += this.s.alpha * innovation;
    return innovation;
  }

  forecast(h: number): number[] {
    return new Array<number>(h).fill(this.s.level);
  }

  /** psi_0 = 1, psi_j = alpha: var(h-step) = sigma^2 (1 + (h - 1) alpha^2). */
  psi(h: number): Float64Array {
    const psi = new Float64Array(h).fill(this.s.alpha);
    if (h > 0) psi[0] = 1;
    return psi;
  }
}

function sse(values: ArrayLike<number>, alpha: number): number {
  let level = Number.NaN;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(level)) {
      level = v;
      continue;
    }
    const e = v - level;
    total += e * e;
    level += alpha * e;
  }
  return total;
}

/** Chooses alpha in [0.01, 0.99] by least squares (golden-section search; SSE is unimodal in practice). */
export function fitSes(values: ArrayLike<number>): SesFilter {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = 0.01;
  let b = 0.99;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = sse(values, c);
  let fd = sse(values, d);
  for (let i = 0; i < 40; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = sse(values, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = sse(values, d);
    }
  }
  const alpha = (a + b) / 2;
  let first = Number.NaN;
  for (let i = 0; i < values.length && Number.isNaN(first); i++) if (Number.isFinite(values[i]!)) first = values[i]!;
  return SesFilter.restore({ alpha, level: first });
}
