import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AnomaliesAnswerSchema, AnomaliesQuerySchema } from '@ntma/contract/schemas';
import type { AnomalyLog } from '../watch/anomaly-log.js';

export interface AnomaliesRoutesOptions {
  anomalies: AnomalyLog;
}

export const anomaliesRoutes: FastifyPluginAsyncTypebox<AnomaliesRoutesOptions> = async (app, { anomalies }) => {
  app.get(
    '/api/v1/anomalies',
    {
      // The watch loop's own state: not shed when the loop is busy (http/overload.ts).
      config: { auth: 'token', shed: false },
      schema: {
        tags: ['watch'],
        summary: 'Recent anomalies found by the watchers, newest first (a bounded in-memory log)',
        querystring: AnomaliesQuerySchema,
        response: { 200: AnomaliesAnswerSchema },
      },
    },
    async (request) => ({ anomalies: anomalies.list(request.query), capacity: anomalies.capacity }),
  );
};
