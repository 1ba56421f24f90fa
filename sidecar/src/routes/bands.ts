import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { ARIMA_ORDER_RANGE } from '@ntma/contract';
import {
  BandsAnswerSchema,
  BandsQueryRequestSchema,
  BandsSeriesRequestSchema,
  ErrorBodySchema,
} from '@ntma/contract/schemas';
import type { BandsService } from '../bands/service.js';
import { installJsonBodyParser } from '../http/json-body.js';
import { pointsFastPathCompiler } from './points-fast-path.js';

export interface BandsRoutesOptions {
  bands: BandsService;
}

/** Where a few fields accept several forms, say which, rather than ajv's "must match a schema in anyOf". */
const EXPECTED: Record<string, string> = {
  model: `expected "auto" or an ARIMA order {p, d, q} with ${ARIMA_ORDER_RANGE}`,
  series: 'expected {id, labels, points} or the compact {id, labels, start, values}',
};

/** The fields that tell a series' two forms apart. */
const FORM_FIELDS = new Set(['points', 'start', 'values']);

/**
 * A series is one of two forms, so ajv reports each form's complaint; "points is required" only
 * says the client sent the other form (or a mix of both), and is not the error to show.
 */
function onlyTheOtherForm(error: FastifySchemaValidationError): boolean {
  if (!/^\/series\/\d+$/.test(error.instancePath)) return false;
  const params = error.params as Record<string, unknown>;
  const field = error.keyword === 'required' ? params.missingProperty : params.additionalProperty;
  return (error.keyword === 'required' || error.keyword === 'additionalProperties') && FORM_FIELDS.has(String(field));
}

/** The error that says what is wrong: one inside a series' own form, else the union's "expected ...". */
function chooseError(errors: FastifySchemaValidationError[]): FastifySchemaValidationError | undefined {
  const inSeries = errors.find(
    (e) => e.keyword !== 'anyOf' && /^\/series\/\d+(\/|$)/.test(e.instancePath) && !onlyTheOtherForm(e),
  );
  return inSeries ?? errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
}

/** "/series/0/points/3" -> "series[0].points[3]": the field as the client wrote it. */
function fieldOf(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Validation messages that start with the field they are about. */
function describeInvalid(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const chosen = chooseError(errors);
  if (!chosen) return new Error(`${dataVar}: invalid`);
  const path = fieldOf(chosen.instancePath);
  const params = chosen.params as Record<string, unknown>;
  const join = (name: unknown): string => (path ? `${path}.${String(name)}` : String(name));
  if (chosen.keyword === 'required') return new Error(`${join(params.missingProperty)}: is required`);
  if (chosen.keyword === 'additionalProperties') return new Error(`${join(params.additionalProperty)}: unknown field`);
  const field = path || dataVar;
  return new Error(`${field}: ${EXPECTED[field.replace(/\[\d+\]/g, '')] ?? chosen.message ?? 'invalid'}`);
}

export const bandsRoutes: FastifyPluginAsyncTypebox<BandsRoutesOptions> = async (app, { bands }) => {
  const limits = bands.limits;
  // Bands bodies are the large ones (a week of points per series): both parsers are this plugin's own.
  installJsonBodyParser(app);
  const errors = {
    400: ErrorBodySchema,
    413: ErrorBodySchema,
    422: ErrorBodySchema,
    502: ErrorBodySchema,
    503: ErrorBodySchema,
    504: ErrorBodySchema,
  };

  app.post(
    '/api/v1/bands',
    {
      config: { auth: 'token' },
      schemaErrorFormatter: describeInvalid,
      schema: {
        tags: ['bands'],
        summary: 'Forecast band and anomaly scores over a PromQL range query',
        description:
          'Runs `query` against the configured Prometheus over the training window before `start` and over ' +
          '[start, end]; fits one model per series on the training window and bands [start, end] with one-step-ahead ' +
          `forecasts. At most ${limits.maxSeries} series and ${limits.maxPointsPerSeries} points per series.`,
        body: BandsQueryRequestSchema,
        response: { 200: BandsAnswerSchema, ...errors },
      },
    },
    async (request) => bands.forQuery(request.body),
  );

  app.post(
    '/api/v1/bands/series',
    {
      config: { auth: 'token' },
      schemaErrorFormatter: describeInvalid,
      validatorCompiler: pointsFastPathCompiler(),
      schema: {
        tags: ['bands'],
        summary: 'Forecast band and anomaly scores over points the client sends',
        description:
          'The same band as POST /api/v1/bands, from the points in the body (e.g. the panel, which already has them). ' +
          'The first `train` of each series trains its model; the points after it are banded. ' +
          'A series on an even grid can come in the compact form `{id, labels, start, values}` with the ' +
          "request's `step`: half the bytes of `points`, and several times faster to parse. " +
          `At most ${limits.maxSeries} series (413) and ${limits.maxPointsPerSeries} points per series (413).`,
        body: BandsSeriesRequestSchema,
        response: { 200: BandsAnswerSchema, ...errors },
      },
    },
    async (request) => bands.forSeries(request.body),
  );
};
