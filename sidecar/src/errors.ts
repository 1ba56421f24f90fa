/**
 * A failure with a stable machine-readable code, e.g. "UNFORECASTABLE". Modules that know nothing
 * of HTTP (forecast/) throw these; the error handler (http/error-handler.ts) decides their answer.
 */
export abstract class CodedError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Domain errors of the request-facing modules. Modules throw these; the one error handler
 * (http/error-handler.ts) turns them into HTTP answers, so no route builds error JSON by hand.
 */
export abstract class DomainError extends CodedError {
  abstract readonly statusCode: number;
  /** Extra headers for the answer, e.g. Retry-After. */
  readonly headers: Record<string, string> = {};
}

/** The client sent something we cannot use; `field` names it. */
export class BadRequest extends DomainError {
  readonly statusCode = 400;
  readonly code = 'BAD_REQUEST';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

export class PayloadTooLarge extends DomainError {
  readonly statusCode = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export class Unauthorized extends DomainError {
  readonly statusCode = 401;
  readonly code = 'UNAUTHORIZED';
  override readonly headers = { 'www-authenticate': 'Bearer realm="ntma"' };
}

export class Forbidden extends DomainError {
  readonly statusCode = 403;
  readonly code = 'FORBIDDEN';
}

export class NotFound extends DomainError {
  readonly statusCode = 404;
  readonly code = 'NOT_FOUND';
}

export class Conflict extends DomainError {
  readonly statusCode = 409;
  readonly code = 'CONFLICT';
}

/** Prometheus rejected the PromQL (its `bad_data`); the message is Prometheus' own. */
export class BadQuery extends DomainError {
  readonly statusCode = 400;
  readonly code = 'BAD_QUERY';
}

/**
 * Prometheus' answer would pass one of the sidecar's caps (bytes, series or points); the message
 * names the cap and its variable. 422: the request was well formed, but asks for more than the
 * sidecar will hold in memory; aggregating, narrowing the selector or a shorter range fixes it.
 */
export class AnswerTooLarge extends DomainError {
  readonly statusCode = 422;
  readonly code = 'ANSWER_TOO_LARGE';
}

/** Prometheus could not be reached at the configured URL. */
export class PrometheusUnavailable extends DomainError {
  readonly statusCode = 502;
  readonly code = 'PROMETHEUS_UNAVAILABLE';
}

export class PrometheusTimeout extends DomainError {
  readonly statusCode = 504;
  readonly code = 'PROMETHEUS_TIMEOUT';
}

/** Docker Engine could not be reached at the configured socket. */
export class DockerUnavailable extends DomainError {
  readonly statusCode = 503;
  readonly code = 'DOCKER_UNAVAILABLE';
}

/** Docker Engine answered but refused or failed the operation (its own message is kept). */
export class DockerFailed extends DomainError {
  readonly statusCode = 502;
  readonly code = 'DOCKER_FAILED';
}

/** A scale request would leave the target's min..max replicas; nothing was changed. */
export class LimitExceeded extends DomainError {
  readonly statusCode = 409;
  readonly code = 'LIMIT_EXCEEDED';
}

/** A refusal the client may retry after `retryAfterSeconds` (sent as Retry-After). */
abstract class RetryLater extends DomainError {
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.headers['retry-after'] = String(retryAfterSeconds);
  }
}

/** The service is saturated; the client should retry after `retryAfterSeconds`. */
export class Overloaded extends RetryLater {
  readonly statusCode = 503;
  readonly code = 'OVERLOADED';
}

/** The caller spent its request budget; it may retry after `retryAfterSeconds`. */
export class TooManyRequests extends RetryLater {
  readonly statusCode = 429;
  readonly code = 'RATE_LIMITED';
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

/** The machine code of an error: the coded error's own, INTERNAL for anything else (a bug). */
export function errorCodeOf(error: unknown): string {
  return error instanceof CodedError ? error.code : 'INTERNAL';
}
