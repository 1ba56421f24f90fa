/**
 * One-step-ahead ARIMA recursion with the coefficients held fixed. The `arima` package exposes
 * no filter, so a band over N points would otherwise cost N fits; this costs O(p + q + d) per
 * point. The recursion is the conditional-sum-of-squares one (pre-sample innovations zero),
 * which converges to the package's exact Kalman forecast once the MA part has forgotten its
 * start, i.e. well within a training window for an invertible model.
 */

export interface ArimaParams {
  phi: number[];
  /** MA coefficients in R's sign convention (e_t + theta_1 e_{t-1} + ...). */
  theta: number[];
  d: number;
  /** Mean of the d-times differenced series (0 when d > 0: no drift). */
  mean: number;
}

export interface ArimaFilterState {
  params: ArimaParams;
  /** Last d levels, oldest first. */
  levels: number[];
  /** Last p centred differences, newest first. */
  diffs: number[];
  /** Last q innovations, newest first. */
  innovations: number[];
  seen: number;
  /**
   * Smallest and largest level observed (not forecast) so far: the envelope a sane forecast stays
   * near. Optional so that states saved before the guard existed still restore.
   */
  range?: [number, number];
  /** How many times the divergence guard has reset the state (diagnostics). */
  resets?: number;
}

/**
 * A one-step forecast further than this many spreads of the observed range outside it is a
 * diverging recursion, not a forecast (the same margin fit.ts's checkBounded applies at fit time).
 */
export const ENVELOPE_SPREADS = 10;

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Coefficients c_k of x_t = w_t + sum c_k x_{t-k}, where w is the d-times differenced series. */
function integrationWeights(d: number): number[] {
  return Array.from({ length: d }, (_, i) => (i % 2 === 0 ? 1 : -1) * binomial(d, i + 1));
}

/** Newest-first history of at most `size` values, updated in place (this runs once per point). */
function pushFront(history: number[], value: number, size: number): void {
  if (size === 0) return;
  if (history.length < size) history.push(0);
  for (let k = history.length - 1; k > 0; k--) history[k] = history[k - 1]!;
  history[0] = value;
}

export class ArimaFilter {
  private readonly c: number[];

  private constructor(private readonly s: ArimaFilterState) {
    this.c = integrationWeights(s.params.d);
  }

  static start(params: ArimaParams): ArimaFilter {
    return new ArimaFilter({ params, levels: [], diffs: [], innovations: [], seen: 0 });
  }

  static restore(state: ArimaFilterState): ArimaFilter {
    return new ArimaFilter(structuredClone(state));
  }

  state(): ArimaFilterState {
    return structuredClone(this.s);
  }

  clone(): ArimaFilter {
    return ArimaFilter.restore(this.s);
  }

  /** True once d levels and p differences are known, i.e. forecasts are real. */
  get warm(): boolean {
    const { d, phi } = this.s.params;
    return this.s.seen >= d + phi.length;
  }

  private nextDiff(): number {
    const { phi, theta, mean } = this.s.params;
    let w = mean;
    for (let i = 0; i < phi.length; i++) w += phi[i]! * (this.s.diffs[i] ?? 0);
    for (let j = 0; j < theta.length; j++) w += theta[j]! * (this.s.innovations[j] ?? 0);
    return w;
  }

  private rawPeek(): number {
    if (this.s.seen < this.s.params.d) return Number.NaN;
    let x = this.nextDiff();
    for (let k = 0; k < this.c.length; k++) x += this.c[k]! * this.s.levels[this.s.levels.length - 1 - k]!;
    return x;
  }

  /** Whether a forecast is finite and within the envelope of what has been observed (always true in warm-up). */
  private sane(x: number): boolean {
    if (!this.warm || !this.s.range) return true;
    if (!Number.isFinite(x)) return false;
    const [min, max] = this.s.range;
    const room = ENVELOPE_SPREADS * Math.max(max - min, 1);
    return x >= min - room && x <= max + room;
  }

  /**
   * Brings a diverging recursion back: first the innovations go to zero (a non-invertible MA part
   * compounds its own errors), then, if the AR part alone still leaves the envelope, the centred
   * differences too. The model then forecasts from its levels and mean, which are observed data.
   */
  private resetIfDiverged(): void {
    if (this.sane(this.rawPeek())) return;
    this.s.resets = (this.s.resets ?? 0) + 1;
    this.s.innovations.fill(0);
    if (!this.sane(this.rawPeek())) this.s.diffs.fill(0);
  }

  /** Forecast of the next level; NaN before d levels are known. Never a diverged value once warm. */
  peek(): number {
    const x = this.rawPeek();
    if (this.sane(x)) return x;
    const guarded = this.clone();
    guarded.resetIfDiverged();
    return guarded.rawPeek();
  }

  /** Times the divergence guard reset the state. */
  get resets(): number {
    return this.s.resets ?? 0;
  }

  /**
   * Feeds the next level. A gap (null or NaN) advances the state on the forecast with a zero
   * innovation, never as a zero level. Returns the innovation, or null on a gap or in warm-up.
   */
  observe(value: number | null): number | null {
    const { d, phi, theta, mean } = this.s.params;
    this.resetIfDiverged();
    const forecast = this.rawPeek();
    const gap = value === null || !Number.isFinite(value);
    if (gap && Number.isNaN(forecast)) throw new RangeError('a gap before the filter has any history');
    const x = gap ? forecast : value;
    if (!gap) this.s.range = this.s.range ? [Math.min(this.s.range[0], x), Math.max(this.s.range[1], x)] : [x, x];
    let innovation: number | null = null;
    if (this.s.seen >= d) {
      let w = x;
      for (let k = 0; k < this.c.length; k++) w -= this.c[k]! * this.s.levels[this.s.levels.length - 1 - k]!;
      if (!gap && this.warm) innovation = x - forecast;
      pushFront(this.s.diffs, w - mean, phi.length);
    }
    pushFront(this.s.innovations, innovation ?? 0, theta.length);
    if (d > 0) {
      // Newest last: shift left in place (d is 1 or 2).
      if (this.s.levels.length < d) this.s.levels.push(x);
      else {
        for (let k = 0; k < d - 1; k++) this.s.levels[k] = this.s.levels[k + 1]!;
        this.s.levels[d - 1] = x;
      }
    }
    this.s.seen++;
    return innovation;
  }

  /** Mean path of the next h levels (the state is not changed). */
  forecast(h: number): number[] {
    const f = this.clone();
    const out: number[] = [];
    for (let i = 0; i < h; i++) {
      const x = f.peek();
      out.push(x);
      f.observe(null);
    }
    return out;
  }

  /** psi weights of the full (integrated) model: var(h-step error) = sigma^2 * sum_{j<h} psi_j^2. */
  psi(h: number): number[] {
    const { phi, theta } = this.s.params;
    // AR polynomial of the levels: (1 - sum phi B^i)(1 - B)^d, written as x_t = sum a_k x_{t-k} + ...
    let poly = [1, ...phi.map((v) => -v)];
    for (let i = 0; i < this.s.params.d; i++) {
      const next = new Array<number>(poly.length + 1).fill(0);
      poly.forEach((v, k) => {
        next[k]! += v;
        next[k + 1]! -= v;
      });
      poly = next;
    }
    const a = poly.slice(1).map((v) => -v);
    const psi = [1];
    for (let j = 1; j < h; j++) {
      let v = j <= theta.length ? theta[j - 1]! : 0;
      for (let k = 1; k <= Math.min(j, a.length); k++) v += a[k - 1]! * psi[j - k]!;
      psi.push(v);
    }
    return psi;
  }
}
