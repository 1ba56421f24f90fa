import type { FastifyError, FastifyInstance } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { isDomainError } from '../errors.js';
import { ForecastFailure } from '../forecast/errors.js';
import { answerOfForecastFailure } from './forecast-errors.js';

/** The body of every error answer. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

function body(statusCode: number, code: string, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

/**
 * The one place domain errors become HTTP answers. Anything unexpected is logged with its stack
 * and answered with a generic 500 so that internals never leak to clients.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (isDomainError(error)) {
      if (error.statusCode >= 500) request.log.warn({ err: error }, error.message);
      return reply
        .code(error.statusCode)
        .headers(error.headers)
        .send(body(error.statusCode, error.code, error.message));
    }
    if (error instanceof ForecastFailure) {
      const answer = answerOfForecastFailure(error);
      if (answer.statusCode >= 500) request.log.warn({ err: error }, error.message);
      return reply
        .code(answer.statusCode)
        .headers(answer.headers)
        .send(body(answer.statusCode, error.code, error.message));
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.validation) {
      return reply.code(400).send(body(400, 'VALIDATION', error.message));
    }
    const status = fastifyError.statusCode;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify's own message does not say how large a body may be; the route's limit does.
      const limit = request.routeOptions.bodyLimit;
      const message = `request body is larger than this route takes (${(limit / 1024 / 1024).toFixed(0)} MiB)`;
      return reply.code(413).send(body(413, fastifyError.code, message));
    }
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send(body(status, fastifyError.code ?? 'CLIENT_ERROR', error.message));
    }
    if (status === 503) {
      // @fastify/under-pressure and friends set their own Retry-After.
      return reply.code(503).send(body(503, fastifyError.code ?? 'UNAVAILABLE', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(body(500, 'INTERNAL', 'internal error; see the sidecar log'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(body(404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
