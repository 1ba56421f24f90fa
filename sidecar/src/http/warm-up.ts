/**
 * Requests through POST /api/v1/bands/series before the server listens. A fresh process compiles
 * a route's code on first use: Fastify's body validator and answer serialiser, the finite-number
 * walk, the grid, the model cache, the hand-off to a fit worker, the snapshot restore and the
 * one-step pass that scores each point; the first real request used to pay that (tens of
 * milliseconds on an idle core, hundreds on a loaded one). So the warm-up does what a request
 * does, fit included: a day of minute traffic trains a model (one fit in one worker, which the
 * fit workers' own warm-up has already made warm), and the day after it is banded, with a spike
 * and a gap in it so that the excursion branches run too. It goes once in each series form, then
 * once more, answered from the model cache, and a last time over a loopback socket (Node's HTTP
 * server code, which inject() skips, is the first real request's otherwise). Its series are as long as a week at one minute: V8
 * compiles a loop (the validator's, the finite-number walk's, the grid's) once it has run long
 * enough, and a short warm-up left a first week-long request running those loops uncompiled. The
 * week's first days are gaps (history that does not exist yet, which the model skips), so the fit
 * and the answer stay a day long and the warm-up costs a fraction of a second.
 *
 * The warm-up's one fit is a fit like any other: it counts in ntma_fit_duration_seconds and its
 * model takes one slot of the model cache (keyed on its own training values, which no real series
 * shares).
 */
import type { FastifyInstance } from 'fastify';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededNoise } from '../seeded-random.js';

const STEP_SECONDS = 60;
/** A week and an hour of minutes, as many values as the largest common request carries. */
const POINTS = 10_140;
/** The training window, in points: six days, of which only the last has values. */
const TRAIN_POINTS = 8640;
/** Values from here on (the training window's last day, the panel's usual request); gaps before. */
const FIRST_VALUE = TRAIN_POINTS - 1440;
/** A fixed, 10-minute aligned start (2023-11-14): nothing here depends on the clock. */
const START = 1_699_999_800;
/** A spike well past the band, a few hours into the banded range. */
const SPIKE = { from: TRAIN_POINTS + 300, points: 6 };
/** A short gap later on. */
const GAP = { from: TRAIN_POINTS + 900, points: 3 };
/**
 * How long the server waits for the warm-up at most before it listens anyway: a warm-up takes well
 * under a second on an idle machine; past this something is wrong, and serving beats waiting.
 */
export const WARM_REQUEST_WAIT_MS = 20_000;

/** Request-rate-like traffic at one minute: a daily cycle, noise, one spike and one gap. */
function values(): Array<number | null> {
  const next = seededNoise(18);
  return Array.from({ length: POINTS }, (_, i) => {
    if (i < FIRST_VALUE || (i >= GAP.from && i < GAP.from + GAP.points)) return null;
    const day = (2 * Math.PI * i) / 1440;
    const level = 1000 + 300 * Math.sin(day) + 40 * next();
    return i >= SPIKE.from && i < SPIKE.from + SPIKE.points ? level * 4 : level;
  });
}

/** The request, built once per call: both series forms, so both validator branches compile. */
function body(): object {
  const v = values();
  return {
    series: [
      { id: 'warm-up-points', labels: {}, points: v.map((x, i) => [START + i * STEP_SECONDS, x]) },
      { id: 'warm-up-values', labels: {}, start: START, values: v },
    ],
    step: STEP_SECONDS,
    train: TRAIN_POINTS * STEP_SECONDS,
  };
}

/** What one warm-up request answered: its status, and whether every series came back banded. */
export interface WarmAnswer {
  status: number;
  banded: boolean;
}

const URL_PATH = '/api/v1/bands/series';

function headersFor(apiToken: string | undefined): Record<string, string> {
  return apiToken === undefined ? {} : { authorization: `Bearer ${apiToken}` };
}

function warmAnswer(status: number, body: string): WarmAnswer {
  if (status !== 200) return { status, banded: false };
  const answer = JSON.parse(body) as { series: Array<{ model: string }> };
  return { status: 200, banded: answer.series.every((s) => s.model !== 'none') };
}

async function warmOnce(app: FastifyInstance, apiToken: string | undefined, payload: object): Promise<WarmAnswer> {
  const response = await app.inject({ method: 'POST', url: URL_PATH, headers: headersFor(apiToken), payload });
  return warmAnswer(response.statusCode, response.body);
}

/**
 * The same request over a loopback socket, through a throwaway server on a free port that hands
 * its requests to the app (app.routing, what the app's own server runs). inject() never touches
 * Node's HTTP server: the first real request used to compile its socket, parser and response
 * code, 10-15 ms of the first answer (about 6 between the answer's serialisation and its last byte).
 */
async function warmOverSocket(
  app: FastifyInstance,
  apiToken: string | undefined,
  payload: object,
): Promise<WarmAnswer> {
  const server = createServer((req, res) => app.routing(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const { port } = server.address() as AddressInfo;
    const body = JSON.stringify(payload);
    return await new Promise<WarmAnswer>((resolve, reject) => {
      const sent = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: URL_PATH,
          agent: false,
          headers: { ...headersFor(apiToken), 'content-type': 'application/json', connection: 'close' },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve(warmAnswer(response.statusCode ?? 0, text)));
          response.on('error', reject);
        },
      );
      sent.on('error', reject);
      sent.end(body);
    });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Sends the warm-up requests: in process, a fitted one, then the same one answered from the cache;
 * then that one once more over a loopback socket. Returns the first that went wrong, else the last;
 * anything but a banded 200 is the caller's to log, never a reason not to start.
 */
export async function warmRequestPath(app: FastifyInstance, apiToken: string | undefined): Promise<WarmAnswer> {
  const payload = body();
  for (const send of [warmOnce, warmOnce, warmOverSocket]) {
    const answer = await send(app, apiToken, payload);
    if (answer.status !== 200 || !answer.banded) return answer;
  }
  return { status: 200, banded: true };
}

/**
 * The warm-up as server.ts runs it before listening: bounded by `waitMs`, logged either way, and
 * never thrown. A warm-up that fails or hangs costs the first requests their speed, not the
 * server its start; the log says which happened.
 */
export async function warmBeforeListening(
  app: FastifyInstance,
  apiToken: string | undefined,
  waitMs = WARM_REQUEST_WAIT_MS,
): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  try {
    const outcome = await Promise.race([warmRequestPath(app, apiToken), timeout]);
    const ms = Math.round(performance.now() - started);
    if (outcome === 'timeout') {
      app.log.warn({ ms }, 'the warm-up request through POST /api/v1/bands/series did not finish; listening anyway');
    } else if (outcome.status !== 200 || !outcome.banded) {
      app.log.warn(
        { ...outcome, ms },
        'the warm-up request through POST /api/v1/bands/series failed; listening anyway',
      );
    } else {
      app.log.info({ ms }, 'warmed up the bands request path (one fit, two cached answers, one over a socket)');
    }
  } catch (error) {
    app.log.warn({ err: error }, 'the warm-up request through POST /api/v1/bands/series threw; listening anyway');
  } finally {
    clearTimeout(timer);
  }
}
