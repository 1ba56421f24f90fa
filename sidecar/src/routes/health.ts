import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema, ReadinessSchema } from '@ntma/contract/schemas';

/** A readiness dependency: resolves when usable, rejects with an error whose message says why not. */
export interface ReadinessCheck {
  name: string;
  /** What it checks, e.g. the configured URL, so a 503 names it. */
  target: string;
  check(): Promise<void>;
}

export interface HealthRoutesOptions {
  checks: ReadinessCheck[];
}

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, options) => {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { tags: ['health'], summary: 'The process is alive', response: { 200: HealthSchema } },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Every dependency answers (Prometheus at the configured URL)',
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_request, reply) => {
      const checks = await Promise.all(
        options.checks.map(async ({ name, target, check }) => {
          try {
            await check();
            return { name, target, ok: true };
          } catch (error) {
            return { name, target, ok: false, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const failed = checks.filter((c) => !c.ok);
      if (failed.length === 0) return { status: 'ready' as const, checks };
      const message = failed.map((c) => `${c.name} at ${c.target}: ${c.error}`).join('; ');
      return reply.code(503).send({ status: 'unready' as const, checks, message });
    },
  );
};
