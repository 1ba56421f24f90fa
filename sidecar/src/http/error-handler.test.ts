import Fastify from 'fastify';
import { BadQuery } from '../errors.js';
import {
  ForecastError,
  ForecastPoolBusy,
  ForecastPoolClosed,
  ForecastTimeout,
  ForecastWorkerCrashed,
} from '../forecast/errors.js';
import { installErrorHandler } from './error-handler.js';

/** An app whose one route throws what it is given, answered through the real error handler. */
async function answerTo(error: Error) {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/boom', async () => {
    throw error;
  });
  try {
    const response = await app.inject('/boom');
    return { status: response.statusCode, retryAfter: response.headers['retry-after'], body: response.json() };
  } finally {
    await app.close();
  }
}

describe('error handler', () => {
  it.each([
    [new ForecastError('constant series'), 422, 'UNFORECASTABLE', undefined],
    [new ForecastPoolBusy(7, 2), 503, 'OVERLOADED', '2'],
    [new ForecastTimeout(20_000), 503, 'FORECAST_TIMEOUT', '1'],
    [new ForecastWorkerCrashed('memory access out of bounds'), 503, 'FORECAST_WORKER_CRASHED', '1'],
    [new ForecastPoolClosed(), 503, 'FORECAST_POOL_CLOSED', undefined],
  ])(
    'answers the forecasting failure %s with its HTTP status, code and Retry-After',
    async (error, status, code, retryAfter) => {
      const answer = await answerTo(error);
      expect(answer).toEqual({
        status,
        retryAfter,
        body: { statusCode: status, error: expect.any(String), code, message: error.message },
      });
    },
  );

  it('answers a domain error with the status it carries, and a bug with a generic 500', async () => {
    expect((await answerTo(new BadQuery('parse error'))).body).toMatchObject({ statusCode: 400, code: 'BAD_QUERY' });
    expect((await answerTo(new Error('internal detail'))).body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL',
      message: 'internal error; see the sidecar log',
    });
  });
});
