import { Type, type Static } from 'typebox';
import { EXCURSION_KINDS } from '../kinds.js';
import { MaybeNumberSchema, literalUnion } from './common.js';

export const ExcursionKindSchema = literalUnion(EXCURSION_KINDS);

/** One excursion a watcher saw. */
export const AnomalyRecordSchema = Type.Object({
  id: Type.Integer({ description: 'Increasing per process; stable while the record is in the log' }),
  watcher: Type.String(),
  labels: Type.Record(Type.String(), Type.String(), { description: "The series' own labels" }),
  target: Type.Union([Type.String(), Type.Null()], { description: 'The scale target the watcher links the series to' }),
  kind: ExcursionKindSchema,
  direction: Type.Union([Type.Literal(1), Type.Literal(-1)], { description: '1 above the band, -1 below' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Highest anomaly score during the excursion' }),
  start: Type.Number({ description: 'Unix seconds of the first point' }),
  end: Type.Union([Type.Number(), Type.Null()], { description: 'Unix seconds of the last point; null while open' }),
  peak: Type.Object(
    {
      t: Type.Number(),
      value: Type.Number(),
      forecast: MaybeNumberSchema,
      lower: MaybeNumberSchema,
      upper: MaybeNumberSchema,
    },
    { description: 'The point furthest outside the band, with the band at that point' },
  ),
  reasons: Type.Array(Type.String(), { description: 'Attack evidence behind attack_suspected' }),
});
export type AnomalyRecord = Static<typeof AnomalyRecordSchema>;

/** GET /api/v1/anomalies' query. */
export const AnomaliesQuerySchema = Type.Object(
  {
    watcher: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    open: Type.Optional(Type.Boolean({ description: 'true: only open excursions; false: only closed ones' })),
    since: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1e11, description: 'Only excursions active at or after this unix time' }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type AnomaliesQuery = Static<typeof AnomaliesQuerySchema>;

export const AnomaliesAnswerSchema = Type.Object({
  anomalies: Type.Array(AnomalyRecordSchema, { description: 'Newest first' }),
  capacity: Type.Integer({ description: 'How many records the bounded log keeps' }),
});
export type AnomaliesAnswer = Static<typeof AnomaliesAnswerSchema>;
