/**
 * Forecasting failures. They carry a code and, when trying again may help, how long to wait; which
 * HTTP answer each gets is decided in the HTTP layer (http/forecast-errors.ts), not here.
 */
import { CodedError } from '../errors.js';

/** A forecasting failure; `retryAfterSeconds` is set when the same job may succeed later. */
export abstract class ForecastFailure extends CodedError {
  readonly retryAfterSeconds: number | undefined = undefined;
}

/** Nothing in the fallback chain could model the series (e.g. fewer than two values). */
export class ForecastError extends ForecastFailure {
  readonly code = 'UNFORECASTABLE';
}

/** Every fit worker is busy and the queue is full. */
export class ForecastPoolBusy extends ForecastFailure {
  readonly code = 'OVERLOADED';
  override readonly retryAfterSeconds: number;
  constructor(queueDepth: number, retryAfterSeconds = 1) {
    super(`forecast queue is full (${queueDepth} jobs waiting); retry later`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A fit ran past its time budget; its worker was terminated and replaced. */
export class ForecastTimeout extends ForecastFailure {
  readonly code = 'FORECAST_TIMEOUT';
  override readonly retryAfterSeconds = 1;
  constructor(timeoutMs: number) {
    super(`model fit took longer than ${timeoutMs} ms and was abandoned`);
  }
}

/** The worker running a fit died (a WASM trap, out of memory, process.exit); it was replaced. */
export class ForecastWorkerCrashed extends ForecastFailure {
  readonly code = 'FORECAST_WORKER_CRASHED';
  override readonly retryAfterSeconds = 1;
  constructor(detail: string) {
    super(`forecast worker crashed: ${detail}`);
  }
}

/** The pool was closed (shutdown) before or while the job ran. */
export class ForecastPoolClosed extends ForecastFailure {
  readonly code = 'FORECAST_POOL_CLOSED';
  constructor() {
    super('forecast pool is shut down');
  }
}
