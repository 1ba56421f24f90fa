/** Forecasting failures as domain errors, so the one error handler maps them to HTTP answers. */
import { DomainError, Overloaded } from '../errors.js';

/** Nothing in the fallback chain could model the series (e.g. fewer than two values). */
export class ForecastError extends DomainError {
  readonly statusCode = 422;
  readonly code = 'UNFORECASTABLE';
}

/** Every fit worker is busy and the queue is full. */
export class ForecastPoolBusy extends Overloaded {
  constructor(queueDepth: number, retryAfterSeconds = 1) {
    super(`forecast queue is full (${queueDepth} jobs waiting); retry later`, retryAfterSeconds);
  }
}

/** A fit ran past its time budget; its worker was terminated and replaced. */
export class ForecastTimeout extends DomainError {
  readonly statusCode = 503;
  readonly code = 'FORECAST_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`model fit took longer than ${timeoutMs} ms and was abandoned`);
    this.headers['retry-after'] = '1';
  }
}

/** The worker running a fit died (a WASM trap, out of memory, process.exit); it was replaced. */
export class ForecastWorkerCrashed extends DomainError {
  readonly statusCode = 503;
  readonly code = 'FORECAST_WORKER_CRASHED';
  constructor(detail: string) {
    super(`forecast worker crashed: ${detail}`);
    this.headers['retry-after'] = '1';
  }
}

/** The pool was closed (shutdown) before or while the job ran. */
export class ForecastPoolClosed extends DomainError {
  readonly statusCode = 503;
  readonly code = 'FORECAST_POOL_CLOSED';
  constructor() {
    super('forecast pool is shut down');
  }
}
