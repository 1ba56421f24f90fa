/**
 * The HTTP answer of each forecasting failure. forecast/ knows nothing of HTTP; this is where its
 * failures meet status codes: a series nothing can model is a fault of the data the client asked
 * about (422); a busy, timed-out, crashed or closed pool is the sidecar unable to serve right now
 * (503, with Retry-After when waiting helps).
 */
import { ForecastError, type ForecastFailure } from '../forecast/errors.js';

export interface ForecastAnswer {
  statusCode: number;
  headers: Record<string, string>;
}

export function answerOfForecastFailure(error: ForecastFailure): ForecastAnswer {
  const statusCode = error instanceof ForecastError ? 422 : 503;
  const headers: Record<string, string> =
    error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
  return { statusCode, headers };
}
