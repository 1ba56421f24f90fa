import Fastify, { type FastifyInstance } from 'fastify';
import { installJsonBodyParser, parseJsonText } from './json-body.js';

/** A route that echoes its body, behind Fastify's default JSON parser or behind ours. */
async function echo(ours: boolean): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 1024 });
  if (ours) installJsonBodyParser(app);
  app.post('/', async (request) => ({ body: request.body }));
  await app.ready();
  return app;
}

describe('parseJsonText', () => {
  it('reads plain JSON as JSON.parse does', () => {
    const text = '{"series":[{"id":"a","labels":{},"points":[[1,2.5],[61,null]]}],"step":60}';
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['a __proto__ key', '{"a":1,"__proto__":{"admin":true}}'],
    ['an escaped __proto__ key', '{"\\u005f_proto__":{"admin":true}}'],
    ['a nested __proto__ key', '{"series":[{"labels":{"__proto__":{"x":"y"}}}]}'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"admin":true}}}'],
  ])('refuses %s', (_name, text) => {
    expect(() => parseJsonText(text)).toThrow(SyntaxError);
  });

  it.each([
    ['a word in a value', '{"id":"__proto__ constructor"}'],
    ['an escape elsewhere', '{"id":"caf\\u00e9"}'],
    ['a constructor key without prototype', '{"constructor":{"name":"x"}}'],
    ['a byte order mark', '\ufeff{"a":1}'],
  ])('reads %s as secure-json-parse does', (_name, text) => {
    expect(parseJsonText(text)).toEqual(JSON.parse(text.replace(/^\ufeff/, '')));
  });

  it('throws on malformed JSON', () => {
    expect(() => parseJsonText('{"points":[[1,2],')).toThrow(SyntaxError);
    expect(() => parseJsonText('[1e400')).toThrow(SyntaxError);
  });
});

describe('installJsonBodyParser', () => {
  let defaults: FastifyInstance;
  let ours: FastifyInstance;
  beforeAll(async () => {
    [defaults, ours] = await Promise.all([echo(false), echo(true)]);
  });
  afterAll(() => Promise.all([defaults.close(), ours.close()]));

  it.each([
    ['a body', '{"points":[[1,2],[3,null]],"x":"y"}', 'application/json'],
    ['a body with a charset', '{"a":[1,2]}', 'application/json; charset=utf-8'],
    ['an empty body', '', 'application/json'],
    ['malformed JSON', '{"a":', 'application/json'],
    ['a __proto__ key', '{"__proto__":{"admin":true}}', 'application/json'],
    ['a constructor.prototype key', '{"constructor":{"prototype":{"x":1}}}', 'application/json'],
    ['a number past double range', '{"a":1e400}', 'application/json'],
    ['a body over the limit', `{"a":"${'x'.repeat(2000)}"}`, 'application/json'],
  ])('answers %s exactly as Fastify’s default parser', async (_name, payload, contentType) => {
    const send = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': contentType } });
    const [expected, actual] = await Promise.all([send(defaults), send(ours)]);
    expect(actual.statusCode).toBe(expected.statusCode);
    expect(actual.body).toBe(expected.body);
  });
});
