/**
 * What can go wrong talking to Prometheus, reduced to plain data, and the one mapping from that to
 * domain errors (and so HTTP codes). Pure, so each case is unit-tested without a network.
 */
import { BadQuery, PrometheusTimeout, PrometheusUnavailable, type DomainError } from '../errors.js';
import { NotPrometheusBody, parseEnvelope } from './parse.js';

export type Outcome =
  /** No HTTP answer: refused, reset, DNS, unreachable. `code` is Node's error code. */
  | { kind: 'network'; code: string }
  /** Our own request timeout fired. */
  | { kind: 'timeout'; timeoutMs: number }
  /** Prometheus answered with a non-2xx status. */
  | { kind: 'http'; status: number; body: string };

/**
 * Reads are idempotent, so a retry is safe; it only helps when the failure may be transient:
 * no connection, or a 5xx that is not Prometheus' own query timeout (the same query would time
 * out again and double the wait). 4xx means the request itself is wrong and never improves.
 */
export function isRetryable(outcome: Outcome): boolean {
  if (outcome.kind === 'network') return true;
  if (outcome.kind === 'timeout') return false;
  if (outcome.status < 500) return false;
  return errorTypeOf(outcome.body) !== 'timeout';
}

function errorTypeOf(body: string): string | undefined {
  try {
    const envelope = parseEnvelope(body);
    return envelope.ok ? undefined : envelope.failure.errorType;
  } catch {
    return undefined;
  }
}

/** Maps a failed read of `path` on the Prometheus at `baseUrl` to the error the API answers with. */
export function toDomainError(outcome: Outcome, baseUrl: string, path: string): DomainError {
  switch (outcome.kind) {
    case 'network':
      return new PrometheusUnavailable(`Prometheus at ${baseUrl} is unreachable (${outcome.code})`);
    case 'timeout':
      return new PrometheusTimeout(`Prometheus at ${baseUrl} did not answer ${path} within ${outcome.timeoutMs} ms`);
    case 'http': {
      let envelope;
      try {
        envelope = parseEnvelope(outcome.body);
      } catch (error) {
        if (!(error instanceof NotPrometheusBody)) throw error;
        return new PrometheusUnavailable(
          `Prometheus at ${baseUrl} answered HTTP ${outcome.status} for ${path} without an API body; is PROMETHEUS_URL right?`,
        );
      }
      if (envelope.ok) {
        return new PrometheusUnavailable(`Prometheus at ${baseUrl} answered HTTP ${outcome.status} for ${path}`);
      }
      const { errorType, error } = envelope.failure;
      // bad_data is a malformed expression or parameter; execution (422) is a query that cannot
      // be evaluated as written (e.g. many-to-many matching). Both are the caller's to fix.
      if (errorType === 'bad_data' || errorType === 'execution') return new BadQuery(error);
      if (errorType === 'timeout' || errorType === 'canceled') {
        return new PrometheusTimeout(`Prometheus at ${baseUrl} gave up on the query: ${error}`);
      }
      return new PrometheusUnavailable(`Prometheus at ${baseUrl} failed (${errorType}): ${error}`);
    }
  }
}

/** A 2xx answer whose body is not usable, e.g. another server on Prometheus' port. */
export function malformedAnswer(baseUrl: string, path: string, detail: string): DomainError {
  return new PrometheusUnavailable(`Prometheus at ${baseUrl} sent an unusable answer for ${path}: ${detail}`);
}
