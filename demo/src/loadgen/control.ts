import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Generator } from './generator.js';
import type { AttackProfile } from './profiles.js';

/** A bad control request; the message names the field. */
class BadRequest extends Error {}

const MAX_BODY_BYTES = 4096;

const OVERRIDES: ReadonlyArray<keyof AttackProfile> = [
  'floodSeconds',
  'floodRps',
  'floodSources',
  'smallPacketSeconds',
  'smallPacketRps',
  'smallPacketSources',
];

/**
 * Parses `POST /profile`'s body: `{"profile": "normal" | "attack", ...attack overrides}`.
 * Exported for tests; throws BadRequest naming the field.
 */
export function parseProfileRequest(body: unknown): {
  profile: 'normal' | 'attack';
  overrides: Partial<AttackProfile>;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('body: expected a JSON object like {"profile": "attack"}');
  }
  const record = body as Record<string, unknown>;
  const profile = record.profile;
  if (profile !== 'normal' && profile !== 'attack') {
    throw new BadRequest(`profile: expected "normal" or "attack", got ${JSON.stringify(profile)}`);
  }
  const overrides: Partial<AttackProfile> = {};
  for (const key of Object.keys(record)) {
    if (key === 'profile') continue;
    if (!OVERRIDES.includes(key as keyof AttackProfile)) {
      throw new BadRequest(`${key}: unknown field; allowed: profile, ${OVERRIDES.join(', ')}`);
    }
    const value = record[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new BadRequest(`${key}: expected a number ≥ 0, got ${JSON.stringify(value)}`);
    }
    if (profile !== 'attack') throw new BadRequest(`${key}: only allowed with profile "attack"`);
    overrides[key as keyof AttackProfile] = value;
  }
  return { profile, overrides };
}

/** What the control surface answers, listed at `GET /` and in every 404 (`npm start` prints this server's URL). */
const ROUTES = [
  'GET /status: the profile playing and its rates',
  'POST /profile {"profile": "normal" | "attack", ...overrides}: switch the profile',
  'GET /metrics: Prometheus exposition',
  'GET /healthz',
] as const;

/**
 * The generator's control surface, for `npm run demo:attack` and operators:
 * `GET /status`, `POST /profile`, `GET /metrics`, `GET /healthz`, and `GET /` listing them. It
 * listens on loopback by default and has no token: it can only make the demo's own traffic louder.
 */
export function createControlServer(generator: Generator): Server {
  return createServer((request, response) => {
    route(generator, request, response).catch((error: unknown) => {
      if (error instanceof BadRequest) return json(response, 400, { error: 'bad_request', message: error.message });
      json(response, 500, { error: 'internal', message: error instanceof Error ? error.message : String(error) });
    });
  });
}

async function route(generator: Generator, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && path === '/') return json(response, 200, { service: 'loadgen', routes: ROUTES });
  if (request.method === 'GET' && path === '/healthz') return json(response, 200, { status: 'ok' });
  if (request.method === 'GET' && path === '/status') return json(response, 200, generator.status());
  if (request.method === 'GET' && path === '/metrics') {
    const body = await generator.registry.metrics();
    response.writeHead(200, { 'content-type': generator.registry.contentType });
    response.end(body);
    return;
  }
  if (path === '/profile') {
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      return json(response, 405, { error: 'method_not_allowed', message: 'use POST /profile' });
    }
    const { profile, overrides } = parseProfileRequest(await readJson(request));
    let status;
    try {
      status = generator.setProfile(profile, overrides);
    } catch (error) {
      if (error instanceof RangeError) throw new BadRequest(error.message);
      throw error;
    }
    return json(response, 200, status);
  }
  json(response, 404, { error: 'not_found', message: `no route ${request.method} ${path}`, routes: ROUTES });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`body: larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') throw new BadRequest('body: expected a JSON object like {"profile": "attack"}');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('body: not valid JSON');
  }
}

function json(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
