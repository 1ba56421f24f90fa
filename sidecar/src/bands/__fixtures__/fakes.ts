/** Test doubles for the bands API's two collaborators. Not shipped (tsconfig.build excludes __fixtures__). */
import { gridOf, timeAt } from '../../series/grid.js';
import type { PrometheusApi, RangeAnswer, RangeRequest } from '../../prometheus/client.js';
import { isGap, type BandJob, type BandsEngine, type BandTrace } from '../engine.js';

/** Forecasts each point as the previous value seen, with a band of ±2: enough to check the plumbing. */
export class NaiveEngine implements BandsEngine {
  jobs: BandJob[] = [];
  fail: Error | undefined;
  /** Resolves jobs only when released, to hold requests in flight. */
  gate: Promise<void> | undefined;
  private readonly fitted = new Set<string>();

  async band(job: BandJob): Promise<BandTrace> {
    this.jobs.push(job);
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
    const cached = this.fitted.has(job.key);
    this.fitted.add(job.key);
    let last = 0;
    for (const value of job.train) if (!isGap(value)) last = value!;
    const mean: number[] = [];
    for (const value of job.follow) {
      mean.push(last);
      if (!isGap(value)) last = value!;
    }
    return {
      model: 'naive',
      trainedOn: job.train.length,
      mean,
      lower: mean.map((m) => m - 2),
      upper: mean.map((m) => m + 2),
      fitMs: cached ? 0 : 5,
      cached,
    };
  }

  async close(): Promise<void> {}
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
