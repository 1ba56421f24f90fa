import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WatchersAnswerSchema } from '@ntma/contract/schemas';
import { formatDuration } from '../watch/duration.js';
import type { WatchService } from '../watch/service.js';

export interface WatchersRoutesOptions {
  watch: WatchService;
}

export const watchersRoutes: FastifyPluginAsyncTypebox<WatchersRoutesOptions> = async (app, { watch }) => {
  app.get(
    '/api/v1/watchers',
    {
      // The watch loop's own state: not shed when the loop is busy (http/overload.ts).
      config: { auth: 'token', shed: false },
      schema: {
        tags: ['watch'],
        summary: 'Configured watchers with their live state',
        response: { 200: WatchersAnswerSchema },
      },
    },
    async () => ({
      source: watch.source,
      watchers: watch.describe().map(({ watcher: { spec }, state }) => ({
        name: spec.name,
        expr: spec.expr,
        step: formatDuration(spec.stepSeconds * 1000),
        stepSeconds: spec.stepSeconds,
        train: formatDuration(spec.trainSeconds * 1000),
        trainSeconds: spec.trainSeconds,
        sensitivity: spec.sensitivity,
        confidence: spec.confidence,
        role: spec.role,
        maxSeries: spec.maxSeries,
        target: spec.target ?? null,
        signals: { ...spec.signals } as Record<string, string>,
        state,
      })),
    }),
  );
};
