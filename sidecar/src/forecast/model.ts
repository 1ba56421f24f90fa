/**
 * A fitted model as plain data (a snapshot) plus the behaviour over it: the seasonal profile
 * carried forward from MSTL, a non-seasonal filter on what is left, and the calibrated band.
 * After the fit nothing lives in WASM, so a snapshot crosses threads (structured clone) and sits
 * in the model cache, and a band from a cached model costs O(N) on any thread.
 */
import { ArimaFilter, type ArimaFilterState } from './arima-filter.js';
import { breakHalfWidth } from './breaks.js';
import { bandScale, zFor, type Calibration } from './calibration.js';
import { breakChance, scheduleChance } from './break-schedule.js';
import {
  rateWidening,
  resetInterval,
  scheduleInterval,
  undoReset,
  type CounterSnapshot,
  type CounterState,
} from './counter.js';
import { NaiveFilter, type NaiveState } from './naive.js';
import type { TrustedCheck } from './seasonality.js';
import { SesFilter, type SesState } from './ses.js';
import { spreadScale, type Spread } from './spread.js';
import { bandEdges, countRootBand, forward, inverse, type TransformChoice, type TransformKind } from './transform.js';
import type { FittedModel, Interval, OneStepPredictor } from './types.js';

export type ModelFamily = 'arima' | 'ets' | 'naive';

export type RemainderState =
  | { kind: 'arima'; filter: ArimaFilterState }
  | { kind: 'ets'; filter: SesState }
  | { kind: 'naive'; filter: NaiveState };

export interface FitDiagnostics {
  /** Candidate seasonal periods and why any was dropped. */
  periods: TrustedCheck[];
  /** Why earlier links of the fallback chain did not serve, in chain order. */
  fallbacks: string[];
  /** ARIMA orders tried (stepwise, in order) with their AICc or error. */
  orders: Array<{ order: string; aicc?: number; error?: string }>;
  /** Isolated spikes in the fit window treated as gaps (see findSpikes). */
  spikes: number;
  /** Held-out one-step errors the band was calibrated on. */
  calibrationPoints: number;
  /** The variance-stabilising transform the model works in, and why. */
  transform?: TransformChoice;
  /** Level shifts found in the window where asked for (FitSpec.breaks; ModelSnapshot.breaks). */
  breaks?: number;
}

export interface ModelSnapshot {
  version: 1;
  name: string;
  family: ModelFamily;
  trainedOn: number;
  /** The confidence `sigma` was calibrated for. */
  confidence: number;
  center: number;
  scale: number;
  /**
   * What center/scale normalise and every model component works in: the values themselves, or
   * their square root or log (transform.ts). Absent in snapshots from before transforms: none.
   */
  transform?: TransformKind;
  /**
   * A root model's band over counts is drawn in the root of the value plus this (COUNT_ROOT_SHIFT, transform.ts),
   * its errors calibrated there too. Absent: in the model's own space.
   */
  rootShift?: number;
  /** Last cycle of each seasonal component (normalised units), and how many steps past its end the state is. */
  seasonal: { cycles: number[][]; position: number };
  remainder: RemainderState;
  calibration: Calibration;
  /**
   * The model's own h-step errors over the recent training window, relative to its one-step errors
   * there (spread.ts): the multi-step interval's width. Absent (naive fallbacks, short windows): the psi weights'.
   */
  spread?: Spread;
  diagnostics: FitDiagnostics;
  /**
   * A counter's running undo of its resets after the last training point (counter.ts): the model works on the
   * values with the resets undone, and its forecasts are shifted back by `offset`. Absent: the values themselves.
   */
  counter?: CounterSnapshot;
  /**
   * The level shifts found in the training window (breaks.ts; FitSpec.breaks): `at` the index of the first point
   * after each, `jumps` their sizes (normalised units), `length` the window's. The multi-step interval is then
   * the mixture of no break (the spread, measured without the breaks) and a break of one of these sizes, by the
   * chance of one by each step. Absent: none found, or not asked for.
   */
  breaks?: BreaksSnapshot;
}

export interface BreaksSnapshot {
  at: number[];
  jumps: number[];
  length: number;
}

/** Diagnostics of a snapshot that carries none: a lean batch fit's, a restored watcher model's, a provisional one's. */
export const NO_DIAGNOSTICS: FitDiagnostics = {
  periods: [],
  fallbacks: [],
  orders: [],
  spikes: 0,
  calibrationPoints: 0,
};

export type Filter = ArimaFilter | SesFilter | NaiveFilter;

export function restoreFilter(state: RemainderState): Filter {
  switch (state.kind) {
    case 'arima':
      return ArimaFilter.restore(state.filter);
    case 'ets':
      return SesFilter.restore(state.filter);
    case 'naive':
      return NaiveFilter.restore(state.filter);
  }
}

export function stateOf(filter: Filter): RemainderState {
  if (filter instanceof ArimaFilter) return { kind: 'arima', filter: filter.state() };
  if (filter instanceof SesFilter) return { kind: 'ets', filter: filter.state() };
  return { kind: 'naive', filter: filter.state() };
}

/** Seasonal contribution `position` steps past the end of the decomposed data. */
export function seasonalAt(cycles: ReadonlyArray<ReadonlyArray<number>>, position: number): number {
  let s = 0;
  for (const cycle of cycles) s += cycle[position % cycle.length]!;
  return s;
}

/** Variance of the 1..h-step forecast errors, in units of the one-step variance. */
export function varianceGrowth(filter: Filter, h: number): number[] {
  const growth: number[] = [];
  if (filter instanceof NaiveFilter) {
    for (let i = 1; i <= h; i++) growth.push(filter.varianceMultiplier(i));
  } else {
    let sum = 0;
    for (const psi of filter.psi(h)) growth.push((sum += psi * psi));
  }
  return growth;
}

/**
 * A symmetric band in data units from one in model units u +- z s: the exact back-transformed
 * interval's midpoint and half-width over z (the identity without a transform). With a `shift` (a
 * root model over counts, ModelSnapshot.rootShift), s is read in the root of the value plus the shift.
 */
export function toDataUnits(
  kind: TransformKind,
  u: number,
  s: number,
  z: number,
  shift = 0,
): { mean: number; sigma: number } {
  if (kind === 'none') return { mean: u, sigma: s };
  const { lower, upper } =
    shift > 0 ? countRootBand(u, z * s, shift) : { lower: inverse(kind, u - z * s), upper: inverse(kind, u + z * s) };
  return { mean: (lower + upper) / 2, sigma: (upper - lower) / (2 * z) };
}

class Predictor implements OneStepPredictor {
  /** Gaps fed since the last observed value: the next forecast is that many steps further out. */
  private blind = 0;
  private readonly kind: TransformKind;
  /** A counter's undo of the resets, this predictor's own (the snapshot's is where training ended). */
  private readonly counter: CounterState | undefined;

  constructor(
    private readonly snap: ModelSnapshot,
    private readonly filter: Filter,
    private position: number,
    private readonly band: { shift: number; sigma: number },
    private readonly z: number,
  ) {
    this.kind = snap.transform ?? 'none';
    this.counter = snap.counter ? { offset: snap.counter.offset, last: snap.counter.last } : undefined;
  }

  peek(): { mean: number; sigma: number; point?: number } {
    const { center, scale, seasonal } = this.snap;
    const x = this.filter.peek() + seasonalAt(seasonal.cycles, this.position) + this.band.shift;
    // Across gaps (missing data, or points a detector keeps from the model) the forecast is a
    // multi-step one and its band must widen as the model's own error variance says; a one-step
    // band there turns a slow trend into a false alarm that never ends.
    const growth = this.blind === 0 ? 1 : varianceGrowth(this.filter, this.blind + 1)[this.blind]!;
    const u = center + scale * x;
    const band = toDataUnits(this.kind, u, scale * this.band.sigma * Math.sqrt(growth), this.z, this.snap.rootShift);
    if (this.counter) return { mean: band.mean - this.counter.offset, sigma: band.sigma };
    return this.kind === 'none' ? band : { ...band, point: inverse(this.kind, u) };
  }

  observe(value: number | null): void {
    const { center, scale, seasonal } = this.snap;
    const gap = value === null || !Number.isFinite(value);
    const u = gap ? 0 : this.counter ? undoReset(this.counter, value) : forward(this.kind, value);
    this.filter.observe(gap ? null : (u - center) / scale - seasonalAt(seasonal.cycles, this.position));
    this.blind = gap ? this.blind + 1 : 0;
    this.position++;
  }
}

export class ComposedModel implements FittedModel {
  private destroyed = false;
  private readonly snap: ModelSnapshot;

  /** `shared`: read the snapshot in place rather than a copy; the caller promises it will not change. */
  constructor(snapshot: ModelSnapshot, { shared = false }: { shared?: boolean } = {}) {
    this.snap = shared ? snapshot : structuredClone(snapshot);
  }

  get name(): string {
    return this.snap.name;
  }

  get family(): ModelFamily {
    return this.snap.family;
  }

  get trainedOn(): number {
    return this.snap.trainedOn;
  }

  get sigma(): number {
    const { center, scale, calibration, confidence } = this.snap;
    return toDataUnits(
      this.snap.transform ?? 'none',
      center,
      scale * bandScale(calibration, confidence).sigma,
      zFor(confidence),
      this.snap.rootShift,
    ).sigma;
  }

  get diagnostics(): FitDiagnostics {
    return structuredClone(this.snap.diagnostics);
  }

  private alive(): void {
    if (this.destroyed) throw new Error(`model ${this.snap.name} was destroyed`);
  }

  forecast(h: number, confidence: number): Interval {
    this.alive();
    const { center, scale, seasonal, remainder } = this.snap;
    const filter = restoreFilter(remainder);
    const path = filter.forecast(h);
    const growth = varianceGrowth(filter, h);
    const band = bandScale(this.snap.calibration, confidence);
    const z = zFor(confidence);
    const mean: number[] = [];
    const lower: number[] = [];
    const upper: number[] = [];
    const kind = this.snap.transform ?? 'none';
    const rootShift = this.snap.rootShift ?? 0;
    const counter = this.snap.counter;
    const breaks = this.snap.breaks;
    const mixture = breaks ? { chance: breakChance(breaks.at, breaks.length, h), jumps: breaks.jumps } : undefined;
    // A counter's model works on its values with the resets undone: what they added comes off again.
    const offset = counter?.offset ?? 0;
    for (let i = 0; i < h; i++) {
      const x = path[i]! + seasonalAt(seasonal.cycles, seasonal.position + i) + band.shift;
      // As wide as the model's own h-step errors were (spread.ts), where they were measured; the psi
      // weights' growth elsewhere; never narrower than the one-step band.
      const measured = spreadScale(this.snap.spread, i + 1, band.sigma);
      // A counter's forecast is its rate times the step: the rate's own error widens it (counter.ts).
      const sigma =
        Math.max(band.sigma, measured ?? band.sigma * Math.sqrt(growth[i]!)) * rateWidening(i + 1, counter?.rateSteps);
      // With level shifts in the window, the measured width is the no-break part, mixed here with the breaks'.
      const half = mixture ? breakHalfWidth(sigma, mixture.chance[i]!, mixture.jumps, confidence) : z * sigma;
      // The back-transformed centre is the median forecast; the interval maps back exactly.
      mean.push(inverse(kind, center + scale * x) - offset);
      const edges = bandEdges(kind, { center, scale }, x, half, rootShift);
      lower.push(edges.lower - offset);
      upper.push(edges.upper - offset);
    }
    if (counter && (counter.schedule || counter.resetRate > 0)) {
      const half = mean.map((m, i) => (upper[i]! - lower[i]!) / 2);
      // Restarts on a schedule: their chance by the time since the last (break-schedule.ts); else at the window's rate.
      const edges = counter.schedule
        ? scheduleInterval(mean, half, counter.last, scheduleChance(counter.schedule, h), confidence)
        : resetInterval(mean, half, counter.last, counter.resetRate, confidence);
      return { mean, ...edges };
    }
    return { mean, lower, upper };
  }

  predictor(confidence = this.snap.confidence): OneStepPredictor {
    this.alive();
    const band = bandScale(this.snap.calibration, confidence);
    return new Predictor(
      this.snap,
      restoreFilter(this.snap.remainder),
      this.snap.seasonal.position,
      band,
      zFor(confidence),
    );
  }

  /** Plain data that restores this model (e.g. on another thread, or from the cache). */
  snapshot(): ModelSnapshot {
    this.alive();
    return structuredClone(this.snap);
  }

  /** Nothing is held in WASM after a fit (ctsa models are freed at once); this only retires the object. */
  destroy(): void {
    this.destroyed = true;
  }
}

/**
 * A model from its snapshot. The model never changes its snapshot; with `shared` it reads the
 * given one in place (a cache entry, read on every hit) instead of a copy.
 */
export function restoreModel(snapshot: ModelSnapshot, options: { shared?: boolean } = {}): ComposedModel {
  if (snapshot.version !== 1) throw new Error(`unsupported model snapshot version ${String(snapshot.version)}`);
  return new ComposedModel(snapshot, options);
}
