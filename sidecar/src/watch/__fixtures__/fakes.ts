/**
 * Test doubles for the watch loop: a model that forecasts the training mean with the training
 * spread (enough to put a spike far outside its band), an in-memory Prometheus, and a recorder
 * for the watcher's events.
 */
import type { Excursion, ExcursionClassifier } from '../../detect/excursion.js';
import type { ExcursionKind, StreamingDetector, Verdict } from '../../detect/types.js';
import type { FitSpec, FittedModel } from '../../forecast/types.js';
import type { RangeAnswer, RangeRequest } from '../../prometheus/client.js';
import type { Labels } from '@ntma/contract';
import type { InstantSample } from '../../prometheus/parse.js';
import type { AsyncFit } from '../refit.js';
import type { WatcherEvents, WatchSource } from '../watcher.js';

export class MeanModel implements FittedModel {
  readonly name = 'fake-mean';
  destroyed = false;
  constructor(
    readonly mean: number,
    readonly sigma: number,
    readonly trainedOn: number,
  ) {}

  forecast(h: number): { mean: number[]; lower: number[]; upper: number[] } {
    return {
      mean: new Array<number>(h).fill(this.mean),
      lower: new Array<number>(h).fill(this.mean - 3 * this.sigma),
      upper: new Array<number>(h).fill(this.mean + 3 * this.sigma),
    };
  }

  predictor() {
    return { peek: () => ({ mean: this.mean, sigma: this.sigma }), observe: () => undefined };
  }

  destroy(): void {
    this.destroyed = true;
  }
}

export function fitMean(values: ReadonlyArray<number | null>): MeanModel {
  const present = values.filter((v): v is number => v !== null);
  if (present.length < 3) throw new Error('too few points');
  const mean = present.reduce((a, b) => a + b, 0) / present.length;
  const variance = present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length;
  return new MeanModel(mean, Math.max(Math.sqrt(variance), 1e-6 * Math.max(1, Math.abs(mean))), present.length);
}

/** An AsyncFit that resolves on the next microtask, recording every call. */
export function recordingFit(): AsyncFit & { calls: Array<{ values: ReadonlyArray<number | null>; spec: FitSpec }> } {
  const calls: Array<{ values: ReadonlyArray<number | null>; spec: FitSpec }> = [];
  const fit: AsyncFit = async (values, spec) => {
    calls.push({ values: [...values], spec });
    return fitMean(values);
  };
  return Object.assign(fit, { calls });
}

export type Script = (expr: string, t: number) => Array<{ labels: Labels; value: number | null }> | Error;

/** A Prometheus whose every answer comes from `script(expr, t)`; range queries call it per grid point. */
export class ScriptedPrometheus implements WatchSource {
  readonly instantCalls: Array<{ query: string; time: number | undefined }> = [];
  readonly rangeCalls: RangeRequest[] = [];
  constructor(public script: Script) {}

  async query(query: string, time?: number): Promise<InstantSample[]> {
    this.instantCalls.push({ query, time });
    // count(expr), as Prometheus answers it: one unlabelled sample, the number of series.
    const counted = /^count\((.*)\)$/.exec(query);
    if (counted) {
      const inner = this.script(counted[1]!, time ?? 0);
      if (inner instanceof Error) throw inner;
      return [{ labels: {}, t: time ?? 0, value: inner.length }];
    }
    const answer = this.script(query, time ?? 0);
    if (answer instanceof Error) throw answer;
    return answer.map((s) => ({ labels: s.labels, t: time ?? 0, value: s.value }));
  }

  async queryRange(request: RangeRequest): Promise<RangeAnswer> {
    this.rangeCalls.push(request);
    const count = Math.round((request.end - request.start) / request.step) + 1;
    const series = new Map<string, { labels: Labels; values: Array<number | null> }>();
    for (let k = 0; k < count; k++) {
      const answer = this.script(request.query, request.start + k * request.step);
      if (answer instanceof Error) throw answer;
      for (const sample of answer) {
        const key = JSON.stringify(sample.labels);
        let dense = series.get(key);
        if (!dense) {
          dense = { labels: sample.labels, values: new Array<number | null>(count).fill(null) };
          series.set(key, dense);
        }
        dense.values[k] = sample.value;
      }
    }
    return {
      grid: { startMs: request.start * 1000, stepMs: request.step * 1000, count },
      series: [...series.values()],
      warnings: [],
    };
  }
}

export function recordingEvents(): WatcherEvents & {
  errors: string[];
  capHits: number[];
  signalCapHits: Array<[string, number]>;
  refitResults: string[];
} {
  const errors: string[] = [];
  const capHits: number[] = [];
  const signalCapHits: Array<[string, number]> = [];
  const refitResults: string[] = [];
  return {
    errors,
    capHits,
    signalCapHits,
    refitResults,
    queryError: (code) => errors.push(code),
    capHit: (dropped) => capHits.push(dropped),
    signalCapHit: (role, refused) => signalCapHits.push([role, refused]),
    refit: (result) => refitResults.push(result),
  };
}

/** Lets pending promise callbacks (fits, installs) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * A detector with the StreamingDetector contract and none of the statistics: band = mean ± 3σ
 * of its model, an excursion opens on the first point out of band and closes after two points
 * back inside, and its kind comes from the classifier hook (as ForecastDetector's does). It keeps
 * the watcher tests about the watcher, whatever the real detector's tuning does.
 */
export class BandDetector implements StreamingDetector {
  private model: FittedModel | null = null;
  private readonly history: Array<number | null> = [];
  private open: Excursion | null = null;
  private inBand = 0;
  fitFailures = 0;

  constructor(
    private readonly capacity: number,
    private readonly classify?: ExcursionClassifier,
  ) {}

  wantsModel(): boolean {
    return this.model === null && this.history.filter((v) => v !== null).length >= Math.min(10, this.capacity);
  }

  trainingWindow(): ReadonlyArray<number | null> {
    return this.history.slice(-this.capacity);
  }

  install(model: FittedModel): void {
    this.model = model;
  }

  fitFailed(): void {
    this.fitFailures++;
  }

  update(t: number, value: number | null): Verdict {
    this.history.push(value);
    if (this.history.length > this.capacity) this.history.shift();
    if (!this.model) {
      return { t, value, forecast: null, lower: null, upper: null, residual: null, score: 0, anomaly: 0, kind: null };
    }
    const { mean, sigma } = this.model.predictor().peek();
    const lower = mean - 3 * sigma;
    const upper = mean + 3 * sigma;
    if (value === null) {
      return {
        t,
        value,
        forecast: mean,
        lower,
        upper,
        residual: null,
        score: 0,
        anomaly: 0,
        kind: this.open?.shape ?? null,
      };
    }
    const residual = (value - mean) / sigma;
    const anomaly: Verdict['anomaly'] = value > upper ? 1 : value < lower ? -1 : 0;
    let kind: ExcursionKind | null = null;
    if (anomaly !== 0 && !this.open) {
      this.open = {
        startedAt: t,
        direction: anomaly,
        points: 0,
        outOfBandPoints: 0,
        baseline: mean,
        meanValue: value,
        spread: 0,
        peakResidual: 0,
        shape: anomaly > 0 ? 'spike' : 'drop',
      };
      this.inBand = 0;
    }
    if (this.open) {
      this.open.points++;
      if (anomaly !== 0) {
        this.open.outOfBandPoints++;
        this.inBand = 0;
      } else this.inBand++;
      if (this.inBand >= 2) this.open = null;
      else {
        if (this.open.outOfBandPoints > 3) this.open.shape = 'sustained';
        kind = this.classify ? this.classify(this.open) : this.open.shape;
      }
    }
    const score = Math.min(1, Math.abs(residual) / 10);
    return { t, value, forecast: mean, lower, upper, residual, score, anomaly, kind };
  }
}
