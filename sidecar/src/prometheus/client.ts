/**
 * The typed Prometheus HTTP API client. It only ever talks to the URL it was built with (the
 * configured PROMETHEUS_URL): paths are fixed here and redirects are refused, so nothing in a
 * request can point it elsewhere.
 */
import type { Labels } from '@ntma/contract';
import axios, { type AxiosInstance } from 'axios';
import http from 'node:http';
import https from 'node:https';
import { AnswerTooLarge, BadRequest } from '../errors.js';
import { DEFAULT_ANSWER_CAPS, type AnswerCaps } from './caps.js';
import { gridOf, type Grid } from '../series/grid.js';
import { formatSeconds, splitGrid, PROMETHEUS_MAX_POINTS } from './grid.js';
import { isRetryable, malformedAnswer, toDomainError, type Outcome } from './failure.js';
import {
  accumulateMatrix,
  labelKey,
  NotPrometheusBody,
  parseEnvelope,
  parseInstant,
  parseSeriesList,
  type DenseSeries,
  type InstantSample,
} from './parse.js';

export interface RangeRequest {
  query: string;
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds. */
  step: number;
}

export interface RangeAnswer {
  grid: Grid;
  /** Sorted by label set; each has exactly grid.count values. */
  series: DenseSeries[];
  warnings: string[];
}

export interface RangeOptions {
  /** Refuse (400 naming `query`) as soon as more series than this come back. */
  maxSeries?: number;
}

/** What the bands service needs from Prometheus; tests substitute their own. */
export interface PrometheusReader {
  readonly baseUrl: string;
  queryRange(request: RangeRequest, options?: RangeOptions): Promise<RangeAnswer>;
}

/** The whole client as the app shares it (Services.prometheus). */
export interface PrometheusApi extends PrometheusReader {
  query(query: string, time?: number): Promise<InstantSample[]>;
  series(match: string[], start?: number, end?: number): Promise<Labels[]>;
  close(): void;
}

export interface PrometheusClientOptions extends Partial<AnswerCaps> {
  baseUrl: string;
  /** Per HTTP request; also sent to Prometheus as its own evaluation timeout. */
  timeoutMs: number;
  /** Extra attempts after a retryable failure. */
  retries?: number;
  /** First back-off; doubled on each further retry. */
  retryDelayMs?: number;
  /** Points per sub-request of a split range (Prometheus' limit is 11,000). */
  maxPointsPerRequest?: number;
  /** Sub-requests of one split range in flight at once. */
  chunkConcurrency?: number;
}

class Failure extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.kind);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class PrometheusClient implements PrometheusApi {
  readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly maxPoints: number;
  private readonly chunkConcurrency: number;
  private readonly caps: AnswerCaps;

  constructor(options: PrometheusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 100;
    this.maxPoints = options.maxPointsPerRequest ?? PROMETHEUS_MAX_POINTS;
    this.chunkConcurrency = options.chunkConcurrency ?? 2;
    this.caps = {
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_ANSWER_CAPS.maxResponseBytes,
      maxSeries: options.maxSeries ?? DEFAULT_ANSWER_CAPS.maxSeries,
      maxPoints: options.maxPoints ?? DEFAULT_ANSWER_CAPS.maxPoints,
    };
    this.agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
    this.http = axios.create({
      baseURL: this.baseUrl,
      timeout: this.timeoutMs,
      maxRedirects: 0,
      responseType: 'text',
      // Counted as the body streams in (decompressed), so an oversized answer is dropped, not buffered.
      maxContentLength: this.caps.maxResponseBytes,
      // Parsing is ours (parse.ts): Prometheus' error bodies matter as much as its data.
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      httpAgent: this.agents.http,
      httpsAgent: this.agents.https,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    });
  }

  /** Instant query at `time` (unix seconds; Prometheus' now when omitted). */
  async query(query: string, time?: number): Promise<InstantSample[]> {
    const form: Record<string, string> = { query, timeout: this.evaluationTimeout() };
    if (time !== undefined) form.time = formatSeconds(Math.round(time * 1000));
    const data = await this.read('/api/v1/query', form);
    const samples = this.parsed('/api/v1/query', () => parseInstant(data));
    this.admitSeries(samples.length);
    return samples;
  }

  /**
   * Range query on the grid start + k·step, k = 0..n-1, dense: every series has n values with null
   * for gaps. Ranges over Prometheus' per-request point limit are split and joined.
   */
  async queryRange(request: RangeRequest, options: RangeOptions = {}): Promise<RangeAnswer> {
    const grid = gridOf(request.start, request.end, request.step);
    const admit = (count: number): void => {
      if (options.maxSeries !== undefined && count > options.maxSeries) {
        throw new BadRequest(
          `matched more than ${options.maxSeries} series; aggregate (e.g. sum by (...)) or narrow the selector`,
          'query',
        );
      }
      this.admitSeries(count);
      if (count * grid.count > this.caps.maxPoints) {
        throw new AnswerTooLarge(
          `the answer would hold more than ${this.caps.maxPoints} points (NTMA_PROMETHEUS_MAX_POINTS): ` +
            `${count} series × ${grid.count} steps; aggregate, narrow the selector, shorten the range or widen the step`,
        );
      }
    };
    admit(1);
    const chunks = splitGrid(grid, this.maxPoints);
    const joined = new Map<string, DenseSeries>();
    const warnings = new Set<string>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++]!;
        const chunkEnd = chunk.grid.startMs + (chunk.grid.count - 1) * chunk.grid.stepMs;
        const envelopeData = await this.read(
          '/api/v1/query_range',
          {
            query: request.query,
            start: formatSeconds(chunk.grid.startMs),
            end: formatSeconds(chunkEnd),
            step: formatSeconds(chunk.grid.stepMs),
            timeout: this.evaluationTimeout(),
          },
          warnings,
        );
        // Every chunk writes into the full grid, so seams need no stitching.
        this.parsed('/api/v1/query_range', () => accumulateMatrix(joined, envelopeData, grid, grid.count, admit));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.chunkConcurrency, chunks.length) }, worker));
    const series = [...joined.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
    return { grid, series, warnings: [...warnings] };
  }

  /** Label sets of the series matching any of `match` (selectors) within [start, end]. */
  async series(match: string[], start?: number, end?: number): Promise<Labels[]> {
    const form = new URLSearchParams();
    for (const selector of match) form.append('match[]', selector);
    if (start !== undefined) form.set('start', formatSeconds(Math.round(start * 1000)));
    if (end !== undefined) form.set('end', formatSeconds(Math.round(end * 1000)));
    const data = await this.read('/api/v1/series', form);
    const list = this.parsed('/api/v1/series', () => parseSeriesList(data));
    // Prometheus may list a series once per block it lives in.
    const unique = [...new Map(list.map((labels) => [labelKey(labels), labels])).values()];
    this.admitSeries(unique.length);
    return unique;
  }

  private admitSeries(count: number): void {
    if (count > this.caps.maxSeries) {
      throw new AnswerTooLarge(
        `the answer holds more than ${this.caps.maxSeries} series (NTMA_PROMETHEUS_MAX_SERIES); ` +
          'aggregate (e.g. sum by (...)) or narrow the selector',
      );
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Prometheus stops evaluating a little before our own timeout so its message reaches us. */
  private evaluationTimeout(): string {
    return `${Math.max(100, Math.floor(this.timeoutMs * 0.9))}ms`;
  }

  private parsed<T>(path: string, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof NotPrometheusBody) throw malformedAnswer(this.baseUrl, path, error.message);
      throw error;
    }
  }

  /** POSTs a form (reads are idempotent; POST keeps long PromQL out of the URL) with bounded retry. */
  private async read(
    path: string,
    form: Record<string, string> | URLSearchParams,
    warnings?: Set<string>,
  ): Promise<unknown> {
    const body = (form instanceof URLSearchParams ? form : new URLSearchParams(form)).toString();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(path, body, warnings);
      } catch (error) {
        if (!(error instanceof Failure)) throw error;
        if (attempt >= this.retries || !isRetryable(error.outcome)) {
          throw toDomainError(error.outcome, this.baseUrl, path);
        }
        await sleep(this.retryDelayMs * 2 ** attempt);
      }
    }
  }

  private async once(path: string, body: string, warnings?: Set<string>): Promise<unknown> {
    let status: number;
    let text: string;
    try {
      const response = await this.http.post<string>(path, body);
      status = response.status;
      text = typeof response.data === 'string' ? response.data : String(response.data);
    } catch (error) {
      if (!axios.isAxiosError(error)) throw error;
      if (error.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message)) {
        // Not a Failure: retrying would read the same oversized answer again.
        throw new AnswerTooLarge(
          `Prometheus' answer to ${path} passed ${this.caps.maxResponseBytes} bytes (NTMA_PROMETHEUS_MAX_BYTES); ` +
            'aggregate, narrow the selector, shorten the range or widen the step',
        );
      }
      if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
        throw new Failure({ kind: 'timeout', timeoutMs: this.timeoutMs });
      }
      throw new Failure({ kind: 'network', code: error.code ?? error.message });
    }
    if (status < 200 || status >= 300) throw new Failure({ kind: 'http', status, body: text });
    const envelope = this.parsed(path, () => parseEnvelope(text));
    if (!envelope.ok) throw new Failure({ kind: 'http', status, body: text });
    for (const warning of envelope.warnings) warnings?.add(warning);
    return envelope.data;
  }
}
