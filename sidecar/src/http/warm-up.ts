/**
 * One request through POST /api/v1/bands/series before the server listens. A fresh process
 * compiles a route's code on first use: Fastify's body validator and answer serialiser, the
 * bands service; the first real request used to pay that (tens of milliseconds on an idle core,
 * hundreds on a loaded one). The warm-up series have too few training values to fit, so it
 * takes no fit worker, touches no model cache and records no fit; it validates, lays out, and
 * serialises an answer like any request, once for each series form. Its series are as long as a
 * week at one minute, and numbers where a request has numbers: V8 compiles a loop (the body
 * validator's, the finite-number walk's, the grid's, the serialiser's) once it has run long
 * enough, so a short warm-up left a first week-long request running those loops uncompiled.
 */
import type { FastifyInstance } from 'fastify';

const STEP_SECONDS = 60;
/** A week and an hour of minutes, as many values as the largest common request carries. */
const POINTS = 10_140;
/** The training window, in points: a short one, so that nearly all values fall in the banded range. */
const TRAIN_POINTS = 100;
/** Training values only from here: 39, fewer than the 40 a fit needs, so the answer is unbanded. */
const FIRST_VALUE = TRAIN_POINTS - 39;
/** A fixed, 10-minute aligned start (2023-11-14): nothing here depends on the clock. */
const START = 1_699_999_800;

function value(i: number): number | null {
  return i < FIRST_VALUE ? null : 100.25 + (i % 7);
}

/** The request, built once per call: both series forms, so both validator branches compile. */
function body(): object {
  const values = Array.from({ length: POINTS }, (_, i) => value(i));
  return {
    series: [
      { id: 'warm-up-points', labels: {}, points: values.map((v, i) => [START + i * STEP_SECONDS, v]) },
      { id: 'warm-up-values', labels: {}, start: START, values },
    ],
    step: STEP_SECONDS,
    train: TRAIN_POINTS * STEP_SECONDS,
  };
}

/**
 * Sends the warm-up request in process (no socket). Returns its status; anything but 200 is the
 * caller's to log, never a reason not to start.
 */
export async function warmRequestPath(app: FastifyInstance, apiToken: string | undefined): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/bands/series',
    headers: apiToken === undefined ? {} : { authorization: `Bearer ${apiToken}` },
    payload: body(),
  });
  return response.statusCode;
}
