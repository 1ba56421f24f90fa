import type { FastifyReply, FastifyRequest } from 'fastify';
import { Overloaded } from '../errors.js';
import type { AuthMode } from './auth.js';
import { overload, STARTUP_GRACE_MS } from './overload.js';

/** A request as the router leaves it: the matched route's declared mode, and a URL nobody should read. */
const request = (auth: AuthMode | undefined, url = '/%61pi/v1/bands', shed?: boolean): FastifyRequest =>
  ({
    url,
    routeOptions: { config: { ...(auth === undefined ? {} : { auth }), ...(shed === undefined ? {} : { shed }) } },
  }) as unknown as FastifyRequest;
const reply = {} as FastifyReply;

describe('overload', () => {
  it('sheds token and alert routes with Overloaded (503, Retry-After) once start-up is over', async () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    shedding.ready();
    now = STARTUP_GRACE_MS;
    const result = shedding.options.pressureHandler!(request('token'), reply, 'eventLoopDelay', 1234.5);
    await expect(result).rejects.toBeInstanceOf(Overloaded);
    await expect(result).rejects.toThrow('overloaded (eventLoopDelay 1235)');
    await expect(result).rejects.toMatchObject({ statusCode: 503, headers: { 'retry-after': '5' } });
  });

  it('decides by the route, however the path was spelled', async () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    shedding.ready();
    now = STARTUP_GRACE_MS;
    for (const auth of ['token', 'alert', undefined] as const) {
      await expect(
        shedding.options.pressureHandler!(request(auth, '/%61pi/v1/x'), reply, 'eventLoopDelay', 5000),
      ).rejects.toBeInstanceOf(Overloaded);
    }
  });

  it("never sheds a route that declares shed: false (the watch loop's own state)", async () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    shedding.ready();
    now = STARTUP_GRACE_MS;
    expect(
      shedding.options.pressureHandler!(request('token', '/api/v1/watchers', false), reply, 'eventLoopDelay', 5000),
    ).toBeUndefined();
    await expect(
      shedding.options.pressureHandler!(request('token', '/api/v1/watchers', true), reply, 'eventLoopDelay', 5000),
    ).rejects.toBeInstanceOf(Overloaded);
  });

  it('never sheds public routes (health, readiness, metrics), even at an /api-looking URL', () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    shedding.ready();
    now = STARTUP_GRACE_MS;
    expect(
      shedding.options.pressureHandler!(request('public', '/api/v1/x'), reply, 'eventLoopDelay', 5000),
    ).toBeUndefined();
  });

  it('ignores pressure before the app is ready and during the start-up grace', () => {
    let now = 0;
    const shedding = overload(1000, () => now);
    expect(shedding.options.pressureHandler!(request('token'), reply, 'eventLoopDelay', 5000)).toBeUndefined();
    shedding.ready();
    now = STARTUP_GRACE_MS - 1;
    expect(shedding.options.pressureHandler!(request('token'), reply, 'eventLoopDelay', 5000)).toBeUndefined();
  });
});
