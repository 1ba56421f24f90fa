/*
 * From a panel's (or Explore's) query to the body of POST /api/v1/bands. Pure: the caller interpolates
 * variables and passes the range in unix milliseconds, so the mapping is tested without Grafana.
 */
import { type BandsQueryRequest, confidenceProblem, formatDuration, trainProblem } from '@ntma/contract';
import type { BandsQuery } from './types';

export interface RangeAndResolution {
  fromMs: number;
  toMs: number;
  /** Grafana's interval for the request (it already honours the panel's min interval and max data points). */
  intervalMs: number;
  maxDataPoints?: number;
}

/** What is wrong with the query's confidence or training window (the contract's limits); undefined when it can run. */
export function queryProblem(query: Pick<BandsQuery, 'confidence' | 'train'>): string | undefined {
  return confidenceProblem(query.confidence) ?? trainProblem(query.train ?? '');
}

/**
 * Whole seconds between points: Grafana's interval, raised so the range holds at most maxDataPoints, as
 * Grafana's Prometheus data source does it.
 */
export function stepSeconds(range: RangeAndResolution): number {
  const rangeSeconds = Math.max(0, (range.toMs - range.fromMs) / 1000);
  const byInterval = range.intervalMs / 1000;
  const byPoints = range.maxDataPoints && range.maxDataPoints > 0 ? rangeSeconds / range.maxDataPoints : 0;
  return Math.max(1, Math.ceil(Math.max(byInterval, byPoints)));
}

/** Grafana's Prometheus data source assumes this scrape interval when it computes $__rate_interval. */
const SCRAPE_SECONDS = 15;

/** $__rate_interval as Grafana's Prometheus data source computes it: the step plus a scrape, at least four scrapes. */
export function rateInterval(step: number): string {
  return formatDuration(Math.max(step + SCRAPE_SECONDS, 4 * SCRAPE_SECONDS));
}

/**
 * The request body. start and end are aligned to the step, so a refresh a few seconds later asks for the
 * same grid (and hits the sidecar's model cache) and the band's points line up with Prometheus' own.
 */
export function toBandsRequest(expr: string, query: BandsQuery, range: RangeAndResolution): BandsQueryRequest {
  const step = stepSeconds(range);
  const start = Math.floor(range.fromMs / 1000 / step) * step;
  const end = Math.max(start, Math.floor(range.toMs / 1000 / step) * step);
  const train = query.train?.trim();
  return {
    query: expr,
    start,
    end,
    step,
    ...(query.confidence !== undefined ? { confidence: query.confidence } : {}),
    ...(train ? { train } : {}),
  };
}
