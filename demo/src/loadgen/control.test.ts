import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadLoadgenConfig } from './config.js';
import { createControlServer, parseProfileRequest } from './control.js';
import { Generator, type RequestSender } from './generator.js';

const idle: RequestSender = { send: () => new Promise(() => undefined), close: () => undefined };

describe('parseProfileRequest', () => {
  it('accepts a profile with attack overrides', () => {
    expect(parseProfileRequest({ profile: 'attack', floodSeconds: 5 })).toEqual({
      profile: 'attack',
      overrides: { floodSeconds: 5 },
    });
  });

  it.each([
    [null, /^body: expected a JSON object/],
    [[1], /^body: expected a JSON object/],
    [{}, /^profile: expected "normal" or "attack", got undefined/],
    [{ profile: 'ddos' }, /^profile: expected "normal" or "attack", got "ddos"/],
    [{ profile: 'attack', floodRps: 'lots' }, /^floodRps: expected a number ≥ 0/],
    [{ profile: 'attack', rate: 5 }, /^rate: unknown field/],
    [{ profile: 'normal', floodSeconds: 5 }, /^floodSeconds: only allowed with profile "attack"/],
  ])('rejects %j naming the field', (body, message) => {
    expect(() => parseProfileRequest(body)).toThrow(message);
  });
});

describe('the control server', () => {
  let server: Server;
  let base: string;
  let generator: Generator;

  beforeAll(async () => {
    generator = new Generator(loadLoadgenConfig({}), idle);
    server = createControlServer(generator);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string) =>
    fetch(`${base}/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('switches to the attack profile and reports it in /status', async () => {
    const response = await post('{"profile":"attack"}');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ profile: 'attack', stage: 'flood' });
    const status = (await (await fetch(`${base}/status`)).json()) as { stage: string; attackStartedAt: string };
    expect(status.stage).toBe('flood');
    expect(Date.parse(status.attackStartedAt)).toBeGreaterThan(Date.now() - 60000);
    await post('{"profile":"normal"}');
    expect(generator.status().stage).toBe('normal');
  });

  it('answers 400 naming the field for bad input, never 500', async () => {
    for (const [body, field] of [
      ['{"profile":"loud"}', 'profile'],
      ['not json', 'body'],
      ['', 'body'],
      ['{"profile":"attack","floodSources":0}', 'floodSources'],
      [`{"profile":"attack","pad":"${'x'.repeat(5000)}"}`, 'body'],
    ]) {
      const response = await post(body!);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { message: string };
      expect(answer.message.startsWith(field!)).toBe(true);
    }
  });

  it('serves health and metrics, 405 for GET /profile and 404 elsewhere', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    const listed = ((await index.json()) as { routes: string[] }).routes;
    expect(listed.map((r) => /^\w+ \/\w*/.exec(r)?.[0])).toEqual([
      'GET /status',
      'POST /profile',
      'GET /metrics',
      'GET /healthz',
    ]);
    const missing = await fetch(`${base}/nope`);
    expect(((await missing.json()) as { routes: string[] }).routes).toEqual(listed);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('loadgen_target_rps');
    expect((await fetch(`${base}/profile`)).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
