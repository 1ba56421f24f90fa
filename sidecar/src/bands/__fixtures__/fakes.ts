/** Test doubles for the bands API's two collaborators. Not shipped (tsconfig.build excludes __fixtures__). */
import { gridOf, timeAt } from '../../series/grid.js';
import type { PrometheusApi, RangeAnswer, RangeRequest } from '../../prometheus/client.js';
import { zFor } from '../../forecast/calibration.js';
import { runJob, type FitResult, type Values } from '../../forecast/jobs.js';
import type { FitPool } from '../../forecast/pool.js';
import type { FitSpec } from '../../forecast/types.js';
import type { OneStepPredictor } from '../../forecast/types.js';
import { isGap, type BandJob, type BandModel, type BandsEngine } from '../engine.js';

/**
 * A predictor that forecasts the previous value it was given (the last training value at first),
 * with sigma chosen so that the band is ±`half` at the confidence asked for.
 */
export function lastValuePredictor(start: number, half: number, confidence: number): OneStepPredictor {
  let last = start;
  const sigma = half / zFor(confidence);
  return {
    peek: () => ({ mean: last, sigma }),
    observe: (value) => {
      if (!isGap(value)) last = value!;
    },
  };
}

/** Forecasts each point as the previous value seen, with a band of ±2: enough to check the plumbing. */
export class NaiveEngine implements BandsEngine {
  jobs: BandJob[] = [];
  fail: Error | undefined;
  /** Resolves jobs only when released, to hold requests in flight. */
  gate: Promise<void> | undefined;
  private readonly fitted = new Set<string>();

  async model(job: BandJob): Promise<BandModel> {
    this.jobs.push(job);
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    const cached = this.fitted.has(job.key);
    this.fitted.add(job.key);
    let last = 0;
    for (const value of job.train) if (!isGap(value)) last = value!;
    return {
      name: 'naive',
      trainedOn: job.train.length,
      fitMs: cached ? 0 : 5,
      cached,
      predictor: (confidence) => lastValuePredictor(last, 2, confidence),
    };
  }

  async close(): Promise<void> {}
}

/**
 * A model whose forecasts are given in advance, whatever it is shown, with a band of ±`half`:
 * for checking verdicts against a known band.
 */
export function scriptedModel(mean: ReadonlyArray<number | null>, half: number): BandModel {
  return {
    name: 'test',
    trainedOn: 10,
    fitMs: 12.345,
    cached: false,
    predictor: (confidence) => {
      let at = 0;
      const sigma = half / zFor(confidence);
      return {
        peek: () => ({ mean: mean[at] ?? Number.NaN, sigma }),
        observe: () => {
          at += 1;
        },
      };
    },
  };
}

/** Answers every range with one series per label set whose value at t is f(t). */
export class FakePrometheus implements PrometheusApi {
  readonly baseUrl = 'http://prometheus.test:9090';
  requests: RangeRequest[] = [];
  fail: Error | undefined;

  constructor(
    private readonly labels: Array<Record<string, string>>,
    private readonly f: (t: number) => number | null,
  ) {}

  async queryRange(request: RangeRequest): Promise<RangeAnswer> {
    this.requests.push(request);
    if (this.fail) throw this.fail;
    const grid = gridOf(request.start, request.end, request.step);
    return {
      grid,
      series: this.labels.map((labels) => ({
        labels,
        values: Array.from({ length: grid.count }, (_, k) => this.f(timeAt(grid, k))),
      })),
      warnings: [],
    };
  }

  async query(): Promise<never> {
    throw new Error('not used by the bands API');
  }

  async series(): Promise<never> {
    throw new Error('not used by the bands API');
  }

  close(): void {}
}

/** Runs the real fit inline instead of in a worker: the engine's logic and the real models, without threads. */
export class InlinePool {
  calls = 0;
  closed = false;

  async fit(train: Values, spec: FitSpec): Promise<FitResult> {
    this.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    return runJob({ kind: 'fit', train, spec });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  asPool(): FitPool {
    return this as unknown as FitPool;
  }
}
