import { BadQuery, PrometheusTimeout, PrometheusUnavailable } from '../errors.js';
import { isRetryable, toDomainError, type Outcome } from './failure.js';

const url = 'http://prometheus.example:9090';
const error = (errorType: string, message: string): string =>
  JSON.stringify({ status: 'error', errorType, error: message });

describe('toDomainError', () => {
  it("answers bad_data with a 400 carrying Prometheus' own message", () => {
    const mapped = toDomainError(
      { kind: 'http', status: 400, body: error('bad_data', '1:5: parse error: unexpected <EOF>') },
      url,
      '/api/v1/query_range',
    );
    expect(mapped).toBeInstanceOf(BadQuery);
    expect(mapped.statusCode).toBe(400);
    expect(mapped.message).toBe('1:5: parse error: unexpected <EOF>');
  });

  it('answers a query Prometheus cannot execute with a 400 too', () => {
    const mapped = toDomainError(
      { kind: 'http', status: 422, body: error('execution', 'many-to-many matching') },
      url,
      '/q',
    );
    expect(mapped).toBeInstanceOf(BadQuery);
  });

  it('answers our own timeout and a Prometheus-side timeout with 504', () => {
    const ours = toDomainError({ kind: 'timeout', timeoutMs: 1500 }, url, '/api/v1/query');
    expect(ours).toBeInstanceOf(PrometheusTimeout);
    expect(ours.statusCode).toBe(504);
    expect(ours.message).toContain('1500 ms');
    const theirs = toDomainError(
      { kind: 'http', status: 503, body: error('timeout', 'query timed out in expression evaluation') },
      url,
      '/q',
    );
    expect(theirs).toBeInstanceOf(PrometheusTimeout);
    expect(theirs.message).toContain('query timed out');
  });

  it('answers refused connections and DNS failures with 502 naming the configured URL', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']) {
      const mapped = toDomainError({ kind: 'network', code }, url, '/q');
      expect(mapped).toBeInstanceOf(PrometheusUnavailable);
      expect(mapped.statusCode).toBe(502);
      expect(mapped.message).toContain(url);
      expect(mapped.message).toContain(code);
    }
  });

  it('answers a non-Prometheus server at the URL with 502 hinting at PROMETHEUS_URL', () => {
    const mapped = toDomainError({ kind: 'http', status: 404, body: '<html>Not Found</html>' }, url, '/api/v1/query');
    expect(mapped).toBeInstanceOf(PrometheusUnavailable);
    expect(mapped.message).toMatch(/HTTP 404.*PROMETHEUS_URL/);
  });

  it('answers internal Prometheus errors with 502 and the error type', () => {
    const mapped = toDomainError({ kind: 'http', status: 500, body: error('internal', 'disk on fire') }, url, '/q');
    expect(mapped).toBeInstanceOf(PrometheusUnavailable);
    expect(mapped.message).toContain('(internal): disk on fire');
  });
});

describe('isRetryable', () => {
  const cases: Array<[string, Outcome, boolean]> = [
    ['a refused connection', { kind: 'network', code: 'ECONNREFUSED' }, true],
    ['a 503 while Prometheus starts', { kind: 'http', status: 503, body: error('unavailable', 'starting') }, true],
    ['a 502 from a proxy', { kind: 'http', status: 502, body: 'Bad Gateway' }, true],
    ['a bad expression', { kind: 'http', status: 400, body: error('bad_data', 'parse error') }, false],
    ['a 422', { kind: 'http', status: 422, body: error('execution', 'x') }, false],
    ['our own timeout', { kind: 'timeout', timeoutMs: 10 }, false],
    ["Prometheus' query timeout", { kind: 'http', status: 503, body: error('timeout', 'timed out') }, false],
  ];
  it.each(cases.map(([name, outcome, retry]) => ({ name, outcome, retry })))(
    'retries $name: $retry',
    ({ outcome, retry }) => {
      expect(isRetryable(outcome)).toBe(retry);
    },
  );
});
