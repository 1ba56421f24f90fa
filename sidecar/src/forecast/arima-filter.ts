/**
 * One-step-ahead ARIMA recursion with the coefficients held fixed. The `arima` package exposes
 * no filter, so a band over N points would otherwise cost N fits; this costs O(p + q + d) per
 * point. The recursion is the conditional-sum-of-squares one (pre-sample innovations zero),
 * which converges to the package's exact Kalman forecast once the MA part has forgotten its
 * start, i.e. well within a training window for an invertible model.
 *
 * With a `burst` setting the state is robust to a short burst of gross outliers (a spike): a point
 * whose innovation exceeds the burst limit is stepped over as a gap (the state advances on its own
 * forecast) while the point itself is reported as it is (its innovation is returned). Without it,
 * a six-second spike at a 1 s step carried into tens of forecasts through a near-unit MA or AR
 * root (the forecast swinging both ways around the series), and a watcher reported the spike for
 * up to 45 s after it had ended. A run of such points on one side that outlasts the burst is a
 * change of level, not a burst: the state is rewound to where the run began and the run replayed
 * in full, and points beyond the limit on that side are taken as they come until one is within
 * it again: the filter takes up the new level exactly as a plain one does.
 */

export interface ArimaParams {
  phi: number[];
  /** MA coefficients in R's sign convention (e_t + theta_1 e_{t-1} + ...). */
  theta: number[];
  d: number;
  /** Mean of the d-times differenced series (0 when d > 0: no drift). */
  mean: number;
  /** How the state treats a burst of gross outliers (see the file comment); absent: every point moves it. */
  burst?: BurstSetting;
}

export interface BurstSetting {
  /** Innovation (model units) beyond which a point is stepped over. */
  limit: number;
  /** Most points of one run stepped over; one more and the run is replayed as a new level. */
  points: number;
}

/** Where the recursion stands, without its parameters and the open outlier run. */
type Position = Pick<ArimaFilterState, 'levels' | 'diffs' | 'innovations' | 'seen' | 'range' | 'resets'>;

/** Consecutive stepped-over points on one side, and the position before the first, to rewind to. */
export interface OutlierRun {
  side: 1 | -1;
  /** Points stepped over so far (gaps inside the run do not count). */
  points: number;
  /** Every value fed since the run began, gaps as null, to replay in full. */
  values: Array<number | null>;
  before: Position;
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
  /** The open run of stepped-over points, if any. */
  outlier?: OutlierRun;
  /** The side of the last run taken for a new level, while the series is still beyond the limit there. */
  following?: 1 | -1;
}

/**
 * Burst limit in in-sample innovation sigmas. A 99.9% band is 3.3 sigmas wide; ordinary points
 * beyond 4 are rare (6e-5 of a normal), so on normal traffic the limit is almost never met and the
 * forecasts are those of the plain recursion.
 */
export const BURST_SIGMAS = 4;

/**
 * Longest burst stepped over: as long as an excursion takes to close (DEFAULT_EXCURSION). A run of
 * outliers longer than this is a new level the model should follow; held longer, a level shift of
 * a smooth series read as a false excursion until it was released (a minute was tried: the live
 * watch test then saw a "drop" before its spike). It also decides where the setting applies at
 * all: at a step over 10 s a burst is a single point, and on the NAB corpus (5-minute steps and
 * longer) stepping over even single points cost 1.2 points of the cross-validated score.
 */
export const BURST_SECONDS = 10;

/**
 * Nor is a point stepped over unless it is this share of the level or more off its forecast (the
 * detector's withholding rule): on a smooth series a step of a few percent is many sigmas, and
 * stepping over it left the forecast on the old level for the whole burst (the live watch test saw
 * its excursion held past its bound); spikes worth stepping over are multiples of the level.
 */
export const BURST_MIN_SHARE = 0.2;

/**
 * The burst setting of a model with this in-sample innovation sigma at this step; undefined where
 * none applies. `level` is the series' typical level in the model's units (0 where unknown).
 */
export function burstSetting(sigma: number, stepSeconds: number, level = 0): BurstSetting | undefined {
  const points = Math.floor(BURST_SECONDS / stepSeconds);
  const limit = Math.max(BURST_SIGMAS * sigma, BURST_MIN_SHARE * Math.abs(level));
  return points >= 1 && sigma > 0 && Number.isFinite(limit) ? { limit, points } : undefined;
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

/**
 * Numbers copied into an array of unboxed doubles: map() builds its result by element kind, where
 * a structured clone (a snapshot that crossed a thread, or structuredClone itself) holds each number
 * boxed, 20 bytes where a double takes 8, and every number the filter later writes into such an
 * array is a fresh allocation.
 */
function unboxedCopy(values: readonly number[]): number[] {
  return values.map((v) => v);
}

/**
 * The history of an order that keeps none (levels at d = 0, differences at p = 0, innovations at
 * q = 0): step() never writes to it, so every such filter shares this one (frozen, so a write would
 * fail loudly rather than reach another series).
 */
const NEVER_FILLED = Object.freeze([]) as unknown as number[];

/**
 * The state a restored filter moves, copied: the recursion's arrays unboxed, and the parameters,
 * which a filter never changes, shared with the state it came from rather than cloned. A watched
 * series keeps one model and one predictor restored from it, so a clone of the parameters was a
 * second copy per series.
 */
function movableCopy(state: ArimaFilterState): ArimaFilterState {
  const { d, phi, theta } = state.params;
  const copy: ArimaFilterState = {
    params: state.params,
    levels: d === 0 ? NEVER_FILLED : unboxedCopy(state.levels),
    diffs: phi.length === 0 ? NEVER_FILLED : unboxedCopy(state.diffs),
    innovations: theta.length === 0 ? NEVER_FILLED : unboxedCopy(state.innovations),
    seen: state.seen,
  };
  if (state.range) copy.range = [state.range[0], state.range[1]];
  if (state.resets !== undefined) copy.resets = state.resets;
  if (state.outlier) copy.outlier = structuredClone(state.outlier);
  if (state.following !== undefined) copy.following = state.following;
  return copy;
}

/** The weights for d = 0, 1, 2 (the orders fitted), built once: a filter only reads them. */
const WEIGHTS_BY_D: ReadonlyArray<readonly number[]> = [0, 1, 2].map(integrationWeights);

/** Newest-first history of at most `size` values, updated in place (this runs once per point). */
function pushFront(history: number[], value: number, size: number): void {
  if (size === 0) return;
  if (history.length < size) history.push(0);
  for (let k = history.length - 1; k > 0; k--) history[k] = history[k - 1]!;
  history[0] = value;
}

/** Sum of squared one-step innovations and how many there were (innovationSquares). */
export interface InnovationSquares {
  ss: number;
  count: number;
}

/**
 * What a plain filter (no burst setting) started on `params` and fed the finite values `x` returns
 * as its innovations, summed as squares, without the filter's per-point bookkeeping: the same
 * floating-point operations in the same order on typed arrays, so the sum is equal to the bit (the
 * order search's AICc compares candidates on it, and a tie broken differently would change a
 * choice). Undefined where the filter would not be plain: a gap, or a forecast its divergence guard
 * would reset; the caller then runs the filter itself. The order search scores up to ten candidates
 * per fit this way, over 1,500 points each: the filter's object state cost 17% of a fit there.
 */
export function innovationSquares(params: ArimaParams, x: ArrayLike<number>): InnovationSquares | undefined {
  const d = params.d;
  // Unboxed copies: read from the parameters' own arrays and fields, the loop boxed a number or
  // two per point (about 40 kB of garbage per call).
  const phi = Float64Array.from(params.phi);
  const theta = Float64Array.from(params.theta);
  const c = Float64Array.from(WEIGHTS_BY_D[d] ?? integrationWeights(d));
  const mean = +params.mean;
  const p = phi.length;
  const q = theta.length;
  // Newest first, as the filter keeps them; zeros where the filter's shorter arrays read `?? 0`.
  const diffs = new Float64Array(p);
  const innovations = new Float64Array(q);
  // Newest last; only the last min(seen, d) entries are read, and only once seen >= d.
  const levels = new Float64Array(d);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let ss = 0;
  let count = 0;
  for (let seen = 0; seen < x.length; seen++) {
    const v = x[seen]!;
    if (!Number.isFinite(v)) return undefined;
    const warm = seen >= d + p;
    let forecast = Number.NaN;
    if (seen >= d) {
      forecast = mean;
      for (let i = 0; i < p; i++) forecast += phi[i]! * diffs[i]!;
      for (let j = 0; j < q; j++) forecast += theta[j]! * innovations[j]!;
      for (let k = 0; k < d; k++) forecast += c[k]! * levels[d - 1 - k]!;
    }
    // The filter's sanity check (sane()): the range holds the values before this one.
    if (warm && seen > 0) {
      if (!Number.isFinite(forecast)) return undefined;
      const room = ENVELOPE_SPREADS * Math.max(max - min, 1);
      if (!(forecast >= min - room && forecast <= max + room)) return undefined;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    let state = 0;
    if (seen >= d) {
      if (warm) {
        state = v - forecast;
        ss += state * state;
        count++;
      }
      let w = v;
      for (let k = 0; k < d; k++) w -= c[k]! * levels[d - 1 - k]!;
      for (let i = p - 1; i > 0; i--) diffs[i] = diffs[i - 1]!;
      if (p > 0) diffs[0] = w - mean;
    }
    for (let j = q - 1; j > 0; j--) innovations[j] = innovations[j - 1]!;
    if (q > 0) innovations[0] = state;
    for (let k = 0; k < d - 1; k++) levels[k] = levels[k + 1]!;
    if (d > 0) levels[d - 1] = v;
  }
  return { ss, count };
}

export class ArimaFilter {
  private readonly c: readonly number[];
  /** Side of the last step's innovation beyond its limit (0: within), kept here so a step allocates nothing. */
  private side: -1 | 0 | 1 = 0;

  private constructor(private readonly s: ArimaFilterState) {
    // Shared with every filter of the same d (one array per watched series' predictor otherwise).
    this.c = WEIGHTS_BY_D[s.params.d] ?? integrationWeights(s.params.d);
  }

  static start(params: ArimaParams): ArimaFilter {
    return new ArimaFilter({ params, levels: [], diffs: [], innovations: [], seen: 0 });
  }

  static restore(state: ArimaFilterState): ArimaFilter {
    return new ArimaFilter(movableCopy(state));
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
   * Returns the forecast of the next level from the state as it now is.
   */
  private resetIfDiverged(): number {
    const forecast = this.rawPeek();
    if (this.sane(forecast)) return forecast;
    this.s.resets = (this.s.resets ?? 0) + 1;
    this.s.innovations.fill(0);
    if (!this.sane(this.rawPeek())) this.s.diffs.fill(0);
    return this.rawPeek();
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
   * innovation, never as a zero level. Returns the innovation (also of a point stepped over), or null on a gap or in
   * warm-up.
   */
  observe(value: number | null): number | null {
    const burst = this.s.params.burst;
    if (!burst) return this.step(value, Number.POSITIVE_INFINITY);
    const open = this.s.outlier;
    const innovation = this.step(value, burst.limit, true);
    const side = this.side;
    const gap = value === null || !Number.isFinite(value);
    // A level taken as new is followed until the series is back within the limit of its forecast.
    if (!gap && this.s.following !== undefined && side !== this.s.following) delete this.s.following;
    // A point that opened a run (step() saved where it began) is its first point.
    if (!open || this.s.outlier !== open) return innovation;
    if (!gap && side === 0) {
      delete this.s.outlier;
      return innovation;
    }
    open.values.push(gap ? null : value);
    if (side !== 0 && ++open.points > burst.points) this.release(open);
    return innovation;
  }

  /** Rewinds to before a run of stepped-over points and replays it in full: it was a new level. */
  private release(run: OutlierRun): void {
    delete this.s.outlier;
    Object.assign(this.s, structuredClone(run.before));
    for (const v of run.values) this.step(v, Number.POSITIVE_INFINITY);
    // A slowly adapting model is still beyond the limit for a while: that is the new level, not another burst.
    this.s.following = run.side;
  }

  private position(): Position {
    const { levels, diffs, innovations, seen, range, resets } = this.s;
    return structuredClone({ levels, diffs, innovations, seen, range, resets });
  }

  /**
   * One step of the recursion; a point whose innovation is beyond `limit` is stepped over as a gap.
   * With `track`, such a point that opens a run first saves the position to rewind to.
   */
  private step(value: number | null, limit: number, track = false): number | null {
    const { d, phi, theta, mean } = this.s.params;
    // The forecast the guard checked (and recomputed after a reset): computed once, not twice, per point.
    const forecast = this.resetIfDiverged();
    const gap = value === null || !Number.isFinite(value);
    if (gap && Number.isNaN(forecast)) throw new RangeError('a gap before the filter has any history');
    let x = gap ? forecast : value;
    if (!gap) {
      // Widened in place: a new pair every point was an allocation per series per step (no copy shares it).
      const range = this.s.range;
      if (range) {
        if (x < range[0]) range[0] = x;
        if (x > range[1]) range[1] = x;
      } else this.s.range = [x, x];
    }
    let innovation: number | null = null;
    let side: -1 | 0 | 1 = 0;
    let state = 0;
    this.side = 0;
    if (this.s.seen >= d) {
      if (!gap && this.warm) {
        innovation = x - forecast;
        state = innovation;
        if (Math.abs(innovation) > limit) {
          side = innovation > 0 ? 1 : -1;
          this.side = side;
          if (this.s.following !== side) {
            if (track && this.s.outlier?.side !== side) {
              // Saved before the state moves (the range already holds the raw value; a replay widens it the same way).
              this.s.outlier = { side, points: 1, values: [value], before: this.position() };
            }
            state = 0;
            x = forecast;
          }
        }
      }
      let w = x;
      for (let k = 0; k < this.c.length; k++) w -= this.c[k]! * this.s.levels[this.s.levels.length - 1 - k]!;
      pushFront(this.s.diffs, w - mean, phi.length);
    }
    pushFront(this.s.innovations, state, theta.length);
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

  /**
   * psi weights of the full (integrated) model: var(h-step error) = sigma^2 * sum_{j<h} psi_j^2.
   * Typed arrays throughout: a model without AR or MA terms gives whole numbers (a random walk's
   * are all 1), and plain arrays of them had another element kind than a fitted model's, so the
   * code V8 had compiled for one was thrown away at the other in a fit worker's first requests.
   */
  psi(h: number): Float64Array {
    const { phi, theta, d } = this.s.params;
    // AR polynomial of the levels: (1 - sum phi B^i)(1 - B)^d, written as x_t = sum a_k x_{t-k} + ...
    let poly = new Float64Array(phi.length + 1);
    poly[0] = 1;
    for (let i = 0; i < phi.length; i++) poly[i + 1] = -phi[i]!;
    for (let i = 0; i < d; i++) {
      const next = new Float64Array(poly.length + 1);
      for (let k = 0; k < poly.length; k++) {
        next[k]! += poly[k]!;
        next[k + 1]! -= poly[k]!;
      }
      poly = next;
    }
    const a = poly.subarray(1).map((v) => -v);
    const psi = new Float64Array(Math.max(1, h));
    psi[0] = 1;
    for (let j = 1; j < h; j++) {
      let v = j <= theta.length ? theta[j - 1]! : 0;
      for (let k = 1; k <= Math.min(j, a.length); k++) v += a[k - 1]! * psi[j - k]!;
      psi[j] = v;
    }
    return psi;
  }
}
