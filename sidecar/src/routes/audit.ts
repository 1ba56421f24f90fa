import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditPageSchema, AuditQuerySchema } from '@ntma/contract/schemas';
import type { AuditLog } from '../audit/log.js';

export interface AuditRoutesOptions {
  audit: AuditLog;
}

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { audit }) => {
  app.get(
    '/api/v1/audit',
    {
      config: { auth: 'token' },
      schema: {
        tags: ['scaling'],
        summary: 'The scaling audit log, newest first, paged and filterable by target',
        querystring: AuditQuerySchema,
        response: { 200: AuditPageSchema },
      },
    },
    async (request) => {
      const { target, status, limit, offset } = request.query;
      const page = await audit.page({
        offset,
        limit,
        ...(target !== undefined ? { target } : {}),
        ...(status !== undefined ? { status } : {}),
      });
      return { items: page.items, total: page.total, offset, limit, skippedLines: page.skipped };
    },
  );
};
