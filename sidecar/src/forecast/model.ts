/**
 * A fitted model as plain data (a snapshot) plus the behaviour over it: the seasonal profile
 * carried forward from MSTL, a non-seasonal filter on what is left, and the calibrated band.
 * After the fit nothing lives in WASM, so a snapshot crosses threads (structured clone) and sits
 * in the model cache, and a band from a cached model costs O(N) on any thread.
 */
import { ArimaFilter, type ArimaFilterState } from './arima-filter.js';
import { bandScale, zFor, type Calibration } from './calibration.js';
import { NaiveFilter, type NaiveState } from './naive.js';
import type { TrustedCheck } from './seasonality.js';
import { SesFilter, type SesState } from './ses.js';
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
  /** ARIMA orders tried with their AIC or error. */
  orders: Array<{ order: string; aic?: number; error?: string }>;
  /** Isolated spikes in the fit window treated as gaps (see findSpikes). */
  spikes: number;
  /** Held-out one-step errors the band was calibrated on. */
  calibrationPoints: number;
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
  /** Last cycle of each seasonal component (normalised units), and how many steps past its end the state is. */
  seasonal: { cycles: number[][]; position: number };
  remainder: RemainderState;
  calibration: Calibration;
  diagnostics: FitDiagnostics;
}

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

class Predictor implements OneStepPredictor {
  /** Gaps fed since the last observed value: the next forecast is that many steps further out. */
  private blind = 0;

  constructor(
    private readonly snap: ModelSnapshot,
    private readonly filter: Filter,
    private position: number,
    private readonly band: { shift: number; sigma: number },
  ) {}

  peek(): { mean: number; sigma: number } {
    const { center, scale, seasonal } = this.snap;
    const x = this.filter.peek() + seasonalAt(seasonal.cycles, this.position) + this.band.shift;
    // Across gaps (missing data, or points a detector keeps from the model) the forecast is a
    // multi-step one and its band must widen as the model's own error variance says; a one-step
    // band there turns a slow trend into a false alarm that never ends.
    const growth = this.blind === 0 ? 1 : varianceGrowth(this.filter, this.blind + 1)[this.blind]!;
    return { mean: center + scale * x, sigma: scale * this.band.sigma * Math.sqrt(growth) };
  }

  observe(value: number | null): void {
    const { center, scale, seasonal } = this.snap;
    const gap = value === null || !Number.isFinite(value);
    this.filter.observe(gap ? null : (value - center) / scale - seasonalAt(seasonal.cycles, this.position));
    this.blind = gap ? this.blind + 1 : 0;
    this.position++;
  }
}

export class ComposedModel implements FittedModel {
  private destroyed = false;
  private readonly snap: ModelSnapshot;

  constructor(snapshot: ModelSnapshot) {
    this.snap = structuredClone(snapshot);
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
    return this.snap.scale * bandScale(this.snap.calibration, this.snap.confidence).sigma;
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
    for (let i = 0; i < h; i++) {
      const x = path[i]! + seasonalAt(seasonal.cycles, seasonal.position + i) + band.shift;
      const half = z * band.sigma * Math.sqrt(growth[i]!);
      mean.push(center + scale * x);
      lower.push(center + scale * (x - half));
      upper.push(center + scale * (x + half));
    }
    return { mean, lower, upper };
  }

  predictor(confidence = this.snap.confidence): OneStepPredictor {
    this.alive();
    const band = bandScale(this.snap.calibration, confidence);
    return new Predictor(this.snap, restoreFilter(this.snap.remainder), this.snap.seasonal.position, band);
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

export function restoreModel(snapshot: ModelSnapshot): ComposedModel {
  if (snapshot.version !== 1) throw new Error(`unsupported model snapshot version ${String(snapshot.version)}`);
  return new ComposedModel(snapshot);
}
