import { Observable } from 'rxjs';
import {
  type CoreApp,
  type DataFrame,
  type DataQueryError,
  type DataQueryRequest,
  type DataQueryResponse,
  DataSourceApi,
  type DataSourceInstanceSettings,
  LoadingState,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv, type TemplateSrv } from '@grafana/runtime';
import { formatDuration } from '@ntma/contract';
import { getReadiness } from '../../api/client';
import { toSidecarError } from '../../api/http';
import { anomalyAnnotations } from './annotations';
import { bandFrames } from './frames';
import { queryProblem, rateInterval, stepSeconds, toBandsRequest } from './request';
import { proxyTransport, type BandsTransport } from './transport';
import { type BandsQuery, DEFAULT_QUERY } from './types';

/** A bands request fits a model per series; past this the query says it timed out rather than spin forever. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface BandsDataSourceDeps {
  transport?: BandsTransport;
  templateSrv?: Pick<TemplateSrv, 'replace'>;
  timeoutMs?: number;
}

/** Multi-value variables become a regex alternation, as PromQL's =~ wants them. */
function promqlValue(value: unknown): string {
  if (Array.isArray(value)) {
    return value.length === 1 ? String(value[0]) : `(${value.map(String).join('|')})`;
  }
  return String(value);
}

/**
 * The NTMA bands data source: each query is a PromQL expression the sidecar runs on its own Prometheus,
 * training on the window before the range, and answers with a band for every point of the range.
 */
export class BandsDataSource extends DataSourceApi<BandsQuery> {
  /** Lets a dashboard annotation query use this data source with the same query editor. */
  override annotations = {};
  private readonly transport: BandsTransport;
  private readonly templateSrv?: Pick<TemplateSrv, 'replace'>;
  private readonly timeoutMs: number;

  constructor(instanceSettings: DataSourceInstanceSettings, deps: BandsDataSourceDeps = {}) {
    super(instanceSettings);
    this.transport = deps.transport ?? proxyTransport;
    this.templateSrv = deps.templateSrv;
    this.timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  override getDefaultQuery(_app: CoreApp): Partial<BandsQuery> {
    return DEFAULT_QUERY;
  }

  override filterQuery(query: BandsQuery): boolean {
    return !query.hide && (query.expr ?? '').trim() !== '';
  }

  private interpolate(expr: string, scopedVars: ScopedVars): string {
    return (this.templateSrv ?? getTemplateSrv()).replace(expr, scopedVars, promqlValue);
  }

  override interpolateVariablesInQueries(queries: BandsQuery[], scopedVars: ScopedVars): BandsQuery[] {
    return queries.map((q) => ({ ...q, expr: this.interpolate(q.expr, scopedVars) }));
  }

  query(request: DataQueryRequest<BandsQuery>): Observable<DataQueryResponse> {
    return new Observable<DataQueryResponse>((subscriber) => {
      const controller = new AbortController();
      const targets = request.targets.filter((t) => this.filterQuery(t));
      Promise.all(targets.map((target) => this.runOne(target, request, controller.signal)))
        .then((results) => {
          const data = results.flatMap((r) => r.data);
          const errors = results.flatMap((r) => (r.error ? [r.error] : []));
          subscriber.next({
            key: request.requestId,
            data,
            state: errors.length ? LoadingState.Error : LoadingState.Done,
            ...(errors.length ? { errors } : {}),
          });
          subscriber.complete();
        })
        .catch((error: unknown) => subscriber.error(error));
      // Grafana unsubscribes when a newer query replaces this one: the sidecar's work is dropped too.
      return () => controller.abort();
    });
  }

  private async runOne(
    target: BandsQuery,
    request: DataQueryRequest<BandsQuery>,
    cancel: AbortSignal,
  ): Promise<{ data: DataFrame[]; error?: DataQueryError }> {
    const problem = queryProblem(target);
    if (problem) {
      return { data: [], error: { refId: target.refId, message: problem } };
    }
    const range = {
      fromMs: request.range.from.valueOf(),
      toMs: request.range.to.valueOf(),
      intervalMs: request.intervalMs,
      maxDataPoints: request.maxDataPoints,
    };
    const step = stepSeconds(range);
    const rate = rateInterval(step);
    const scopedVars: ScopedVars = { ...request.scopedVars, __rate_interval: { text: rate, value: rate } };
    const expr = this.interpolate(target.expr, scopedVars);
    const body = toBandsRequest(expr, target, range);

    const controller = new AbortController();
    const abort = () => controller.abort();
    cancel.addEventListener('abort', abort);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const answer = await this.transport(body, controller.signal);
      const options = { refId: target.refId, expr, legendFormat: target.legendFormat };
      return { data: [...bandFrames(answer, options), anomalyAnnotations(answer, options)] };
    } catch (error) {
      const message = timedOut
        ? `the sidecar did not answer within ${formatDuration(this.timeoutMs / 1000)}`
        : toSidecarError(error).message;
      const status = timedOut ? undefined : toSidecarError(error).status || undefined;
      return { data: [], error: { refId: target.refId, message: `Bands: ${message}`, ...(status ? { status } : {}) } };
    } finally {
      clearTimeout(timer);
      cancel.removeEventListener('abort', abort);
    }
  }

  /** "Save & test": the sidecar answers through the app's proxy route and its Prometheus is up. */
  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const readiness = await getReadiness();
      if (readiness.status === 'ready') {
        return { status: 'success', message: 'The NTMA sidecar answers through the app and its Prometheus is up' };
      }
      const failing = readiness.checks.filter((c) => !c.ok).map((c) => `${c.name} (${c.target}): ${c.error ?? 'down'}`);
      return { status: 'error', message: `The NTMA sidecar answers but is not ready: ${failing.join('; ')}` };
    } catch (error) {
      return { status: 'error', message: `The NTMA sidecar is not reachable: ${toSidecarError(error).message}` };
    }
  }
}
