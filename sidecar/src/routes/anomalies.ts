import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AnomalyLog } from '../watch/anomaly-log.js';

export interface AnomaliesRoutesOptions {
  anomalies: AnomalyLog;
}

const Kind = Type.Union([
  Type.Literal('spike'),
  Type.Literal('drop'),
  Type.Literal('level_shift'),
  Type.Literal('sustained'),
  Type.Literal('attack_suspected'),
]);
const MaybeNumber = Type.Union([Type.Number(), Type.Null()]);

const Anomaly = Type.Object({
  id: Type.Integer(),
  watcher: Type.String(),
  labels: Type.Record(Type.String(), Type.String(), { description: "The series' own labels" }),
  target: Type.Union([Type.String(), Type.Null()], { description: 'The scale target the watcher links the series to' }),
  kind: Kind,
  direction: Type.Union([Type.Literal(1), Type.Literal(-1)], { description: '1 above the band, -1 below' }),
  score: Type.Number({ minimum: 0, maximum: 1, description: 'Highest anomaly score during the excursion' }),
  start: Type.Number({ description: 'Unix seconds of the first point' }),
  end: Type.Union([Type.Number(), Type.Null()], { description: 'Unix seconds of the last point; null while open' }),
  peak: Type.Object({
    t: Type.Number(),
    value: Type.Number(),
    forecast: MaybeNumber,
    lower: MaybeNumber,
    upper: MaybeNumber,
  }),
  reasons: Type.Array(Type.String(), { description: 'Attack evidence behind attack_suspected' }),
});

const Query = Type.Object(
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

export const anomaliesRoutes: FastifyPluginAsyncTypebox<AnomaliesRoutesOptions> = async (app, { anomalies }) => {
  app.get(
    '/api/v1/anomalies',
    {
      config: { auth: 'token' },
      schema: {
        tags: ['watch'],
        summary: 'Recent anomalies found by the watchers, newest first (a bounded in-memory log)',
        querystring: Query,
        response: { 200: Type.Object({ anomalies: Type.Array(Anomaly), capacity: Type.Integer() }) },
      },
    },
    async (request) => ({ anomalies: anomalies.list(request.query), capacity: anomalies.capacity }),
  );
};
