import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { Type } from 'typebox';
import type { BandsService } from '../bands/service.js';

export interface BandsRoutesOptions {
  bands: BandsService;
}

// Type arrays rather than unions: with the app's coerceTypes, a union would let ajv coerce a null
// into 0 (a fake zero sample) or into the time 1970-01-01 before any branch rejected it.
const Instant = Type.Unsafe<string | number>({
  type: ['string', 'number'],
  minLength: 1,
  description: 'RFC3339 ("2024-05-01T12:00:00Z") or unix seconds',
});
const Duration = Type.Unsafe<string | number>({
  type: ['string', 'number'],
  minLength: 1,
  description: 'Prometheus duration ("30s", "5m", "1h30m", "7d") or seconds',
});
const Value = Type.Unsafe<number | null>({ type: ['number', 'null'] });
const Confidence = Type.Number({
  minimum: 0.8,
  maximum: 0.999,
  default: 0.95,
  description: 'Nominal coverage of the band',
});
const Order = Type.Object(
  {
    p: Type.Integer({ minimum: 0, maximum: 5 }),
    d: Type.Integer({ minimum: 0, maximum: 2 }),
    q: Type.Integer({ minimum: 0, maximum: 5 }),
  },
  { additionalProperties: false },
);
const Model = Type.Union([Type.Literal('auto'), Order], {
  description: '"auto" (seasonal decomposition + ARIMA with fallbacks) or an explicit ARIMA order {p, d, q}',
});
const Train = Type.Optional(
  Type.Unsafe<string | number>({
    ...Duration,
    description:
      'Training window: before `start` for /bands (default a week, at most 20,160 points); ' +
      'the first part of the points for /bands/series (default half of them, at most a week)',
  }),
);

const QueryBody = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 20000,
      description: 'PromQL, run against the configured Prometheus',
    }),
    start: Instant,
    end: Instant,
    step: Duration,
    train: Train,
    confidence: Type.Optional(Confidence),
    model: Type.Optional(Model),
  },
  { additionalProperties: false },
);

const SeriesBody = Type.Object(
  {
    series: Type.Array(
      Type.Object(
        {
          labels: Type.Record(Type.String(), Type.String()),
          points: Type.Array(Type.Tuple([Type.Number(), Value]), {
            description: '[unixSeconds, value] pairs; null values are gaps',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    step: Type.Optional(
      Type.Unsafe<string | number>({ ...Duration, description: 'Spacing of the points; inferred when omitted' }),
    ),
    train: Train,
    confidence: Type.Optional(Confidence),
    model: Type.Optional(Model),
  },
  { additionalProperties: false },
);

const SeriesBand = Type.Object({
  labels: Type.Record(Type.String(), Type.String()),
  timestamps: Type.Array(Type.Number(), { description: 'Unix seconds; every array below is aligned with it' }),
  actual: Type.Array(Value, { description: 'null is a gap (no sample, NaN, ±Inf, stale), never a zero' }),
  forecast: Type.Array(Value, { description: 'One-step-ahead forecast from data before each point' }),
  lower: Type.Array(Value),
  upper: Type.Array(Value),
  score: Type.Array(Type.Number(), {
    description:
      'Anomaly score in [0, 1): e / (e + 4) where e = -log10 P(|Z| >= |r|) for the standardised residual r ' +
      '(0.5 at a one-in-10,000 residual); 0 on gaps',
  }),
  anomaly: Type.Array(Type.Boolean(), { description: 'The point lies outside [lower, upper]' }),
  model: Type.String({ description: 'What served the band, e.g. "mstl[1440]+arima(2,1,1)"; "none" when unbanded' }),
  coverage: Type.Union([Type.Number(), Type.Null()], { description: 'Share of the points shown inside the band' }),
  trainedOn: Type.Integer({ description: 'Training points the model saw (after any downsampling)' }),
  fitMs: Type.Number({ description: 'Fit time in milliseconds; 0 when the model came from the cache' }),
  cached: Type.Boolean(),
  error: Type.Optional(Type.String({ description: 'Why this series has no band' })),
});

const Answer = Type.Object({
  start: Type.Number(),
  end: Type.Number(),
  step: Type.Number(),
  train: Type.Object({ start: Type.Number(), end: Type.Number() }, { description: 'Training window [start, end)' }),
  confidence: Type.Number(),
  series: Type.Array(SeriesBand),
  warnings: Type.Array(Type.String()),
});

const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  code: Type.String(),
  message: Type.String(),
});

/** Where a few fields accept several forms, say which, rather than ajv's "must match a schema in anyOf". */
const EXPECTED: Record<string, string> = {
  model: 'expected "auto" or an ARIMA order {p: 0..5, d: 0..2, q: 0..5}',
};

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
  const chosen = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
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
  const errors = { 400: ErrorBody, 413: ErrorBody, 422: ErrorBody, 502: ErrorBody, 503: ErrorBody, 504: ErrorBody };

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
        body: QueryBody,
        response: { 200: Answer, ...errors },
      },
    },
    async (request) => bands.forQuery(request.body),
  );

  app.post(
    '/api/v1/bands/series',
    {
      config: { auth: 'token' },
      schemaErrorFormatter: describeInvalid,
      schema: {
        tags: ['bands'],
        summary: 'Forecast band and anomaly scores over points the client sends',
        description:
          'The same band as POST /api/v1/bands, from the points in the body (e.g. the panel, which already has them). ' +
          'The first `train` of each series trains its model; the points after it are banded. ' +
          `At most ${limits.maxSeries} series (413) and ${limits.maxPointsPerSeries} points per series (413).`,
        body: SeriesBody,
        response: { 200: Answer, ...errors },
      },
    },
    async (request) => bands.forSeries(request.body),
  );
};
