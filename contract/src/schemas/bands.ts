import { Type, type Static } from 'typebox';
import { ARIMA_ORDER_MAX, CONFIDENCE } from '../limits.js';
import { SEVERITIES } from '../score.js';
import { EXCURSION_KINDS } from '../kinds.js';
import { DurationSchema, InstantSchema, LabelsSchema, MaybeNumberSchema, nullableLiteral } from './common.js';

export const ConfidenceSchema = Type.Number({
  minimum: CONFIDENCE.min,
  maximum: CONFIDENCE.max,
  default: CONFIDENCE.default,
  description: 'Nominal coverage of the band',
});

export const ArimaOrderSchema = Type.Object(
  {
    p: Type.Integer({ minimum: 0, maximum: ARIMA_ORDER_MAX.p }),
    d: Type.Integer({ minimum: 0, maximum: ARIMA_ORDER_MAX.d }),
    q: Type.Integer({ minimum: 0, maximum: ARIMA_ORDER_MAX.q }),
  },
  { additionalProperties: false },
);

export const ModelChoiceSchema = Type.Union([Type.Literal('auto'), ArimaOrderSchema], {
  description: '"auto" (seasonal decomposition + ARIMA with fallbacks) or an explicit ARIMA order {p, d, q}',
});
export type ModelChoice = Static<typeof ModelChoiceSchema>;

const Train = Type.Optional(
  Type.Unsafe<string | number>({
    ...DurationSchema,
    description:
      'Training window: before `start` for /bands (default a week, at most 20,160 points); ' +
      'the first part of the points for /bands/series (default half of them, at most a week)',
  }),
);

/** POST /api/v1/bands. */
export const BandsQueryRequestSchema = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 20000,
      description: 'PromQL, run against the configured Prometheus',
    }),
    start: InstantSchema,
    end: InstantSchema,
    step: DurationSchema,
    train: Train,
    confidence: Type.Optional(ConfidenceSchema),
    model: Type.Optional(ModelChoiceSchema),
  },
  { additionalProperties: false },
);
export type BandsQueryRequest = Static<typeof BandsQueryRequestSchema>;

export const PointSchema = Type.Tuple([Type.Number(), MaybeNumberSchema]);
export type Point = Static<typeof PointSchema>;

const SeriesId = Type.String({
  minLength: 1,
  maxLength: 200,
  description: "The client's name for this series; the answer's series carries it back",
});

/** A series as [unixSeconds, value] pairs: any spacing, any order (the sidecar puts them on a grid). */
export const PointsSeriesSchema = Type.Object(
  {
    id: SeriesId,
    labels: LabelsSchema,
    points: Type.Array(PointSchema, { description: '[unixSeconds, value] pairs; null values are gaps' }),
  },
  { additionalProperties: false },
);
export type PointsSeries = Static<typeof PointsSeriesSchema>;

/**
 * The compact form of a series already on an even grid (a Prometheus range answer, a Grafana frame):
 * one start time and the values, `step` apart (the request's `step`, which this form requires). It
 * carries no timestamps, so its body is about half the size and parses several times faster.
 */
export const ValuesSeriesSchema = Type.Object(
  {
    id: SeriesId,
    labels: LabelsSchema,
    start: Type.Number({ minimum: 0, description: 'Unix seconds of values[0]' }),
    values: Type.Array(MaybeNumberSchema, {
      description: 'Evenly spaced values, values[i] at start + i * step; null values are gaps',
    }),
  },
  { additionalProperties: false },
);
export type ValuesSeries = Static<typeof ValuesSeriesSchema>;

/** POST /api/v1/bands/series. */
export const BandsSeriesRequestSchema = Type.Object(
  {
    series: Type.Array(Type.Union([PointsSeriesSchema, ValuesSeriesSchema]), {
      description: 'Each series as `points`, or in the compact form `start` + `values` (needs `step`)',
    }),
    step: Type.Optional(
      Type.Unsafe<string | number>({
        ...DurationSchema,
        description:
          'The step the points were queried with; inferred (median spacing) only when omitted. ' +
          'Required when a series is sent as `start` + `values`',
      }),
    ),
    train: Train,
    confidence: Type.Optional(ConfidenceSchema),
    model: Type.Optional(ModelChoiceSchema),
  },
  { additionalProperties: false },
);
export type BandsSeriesRequest = Static<typeof BandsSeriesRequestSchema>;

/** One series of a bands answer; every array is aligned with `timestamps`. */
export const SeriesBandSchema = Type.Object({
  id: Type.String({
    description: "/bands/series: the request's id for this series; /bands: its label set, canonically ordered",
  }),
  labels: LabelsSchema,
  timestamps: Type.Array(Type.Number(), { description: 'Unix seconds; every array below is aligned with it' }),
  actual: Type.Array(MaybeNumberSchema, { description: 'null is a gap (no sample, NaN, ±Inf, stale), never a zero' }),
  forecast: Type.Array(MaybeNumberSchema, {
    description:
      'One-step-ahead forecast from data before each point: the median, so for a model fitted in sqrt or log ' +
      'space (its name starts "sqrt+" or "log+") it lies below the middle of [lower, upper]',
  }),
  lower: Type.Array(MaybeNumberSchema),
  upper: Type.Array(MaybeNumberSchema),
  score: Type.Array(Type.Number(), {
    description:
      'Anomaly score in [0, 1): e / (e + 4) where e = -log10 P(|Z| >= |r|) for the standardised residual r ' +
      '(0.5 at a one-in-10,000 residual); 0 on gaps',
  }),
  anomaly: Type.Array(Type.Boolean(), { description: 'The point lies outside [lower, upper]' }),
  severity: Type.Array(nullableLiteral(SEVERITIES), {
    description:
      'How strongly a point outside the band deviates (low, medium from a one-in-200 surprise, high from a ' +
      'one-in-10,000 one); null inside the band and on gaps',
  }),
  kind: Type.Array(nullableLiteral(EXCURSION_KINDS), {
    description:
      'For a point outside the band, the kind of the excursion it belongs to, named by the rules the watchers ' +
      'run (spike, drop, level_shift, sustained); null inside the band and on gaps',
  }),
  model: Type.String({ description: 'What served the band, e.g. "mstl[1440]+arima(2,1,1)"; "none" when unbanded' }),
  // A type array, not a union: fast-json-stringify serialises an anyOf by running ajv on each branch,
  // and compiles that validator (the whole answer schema) on the first answer, ~50 ms of a cold request.
  coverage: Type.Unsafe<number | null>({
    ...MaybeNumberSchema,
    description: 'Share of the points shown inside the band',
  }),
  trainedOn: Type.Integer({ description: 'Training points the model saw (after any downsampling)' }),
  fitMs: Type.Number({ description: 'Fit time in milliseconds; 0 when the model came from the cache' }),
  cached: Type.Boolean(),
  error: Type.Optional(Type.String({ description: 'Why this series has no band' })),
});
export type SeriesBand = Static<typeof SeriesBandSchema>;

export const BandsAnswerSchema = Type.Object({
  start: Type.Number({ description: 'Unix seconds of the banded range (of series[0] for /bands/series)' }),
  end: Type.Number(),
  step: Type.Number(),
  train: Type.Object({ start: Type.Number(), end: Type.Number() }, { description: 'Training window [start, end)' }),
  confidence: Type.Number(),
  series: Type.Array(SeriesBandSchema),
  warnings: Type.Array(Type.String(), { description: "Prometheus' warnings, if any" }),
});
export type BandsAnswer = Static<typeof BandsAnswerSchema>;
