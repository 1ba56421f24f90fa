import type { FastifyReply, FastifyRequest } from 'fastify';
import { Overloaded } from '../errors.js';
import { overload, STARTUP_GRACE_MS } from './overload.js';

const request = (url: string): FastifyRequest => ({ url }) as FastifyRequest;
const reply = {} as FastifyReply;

describe('overload', () => {
  it('sheds /api/ with Overloaded (503, Retry-After) once start-up is over', async () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    shedding.ready();
    now = STARTUP_GRACE_MS;
    const result = shedding.options.pressureHandler!(request('/api/v1/bands'), reply, 'eventLoopDelay', 1234.5);
    await expect(result).rejects.toBeInstanceOf(Overloaded);
    await expect(result).rejects.toThrow('overloaded (eventLoopDelay 1235)');
    await expect(result).rejects.toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
  });

  it('never sheds health, readiness or metrics', () => {
    const shedding = overload(1000, () => 1e9);
    shedding.ready();
    for (const url of ['/healthz', '/readyz', '/metrics', '/docs/json']) {
      expect(shedding.options.pressureHandler!(request(url), reply, 'eventLoopDelay', 5000)).toBeUndefined();
    }
  });

  it('ignores pressure before the app is ready and during the start-up grace', () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    expect(shedding.options.pressureHandler!(request('/api/v1/bands'), reply, 'eventLoopDelay', 5000)).toBeUndefined();
    shedding.ready();
    now = STARTUP_GRACE_MS - 1;
    expect(shedding.options.pressureHandler!(request('/api/v1/bands'), reply, 'eventLoopDelay', 5000)).toBeUndefined();
  });
});
