import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  ScaleHeadersSchema,
  ScaleParamsSchema,
  ScaleRequestSchema,
  ScaleResultSchema,
  TargetsAnswerSchema,
} from '@ntma/contract/schemas';
import type { Requester, Scaler } from '../scale/scaler.js';

export interface TargetsRoutesOptions {
  scaler: Scaler;
}

/**
 * Behind Grafana's plugin proxy the request carries the signed-in user; the token (which only the
 * proxy holds) is what makes that header trustworthy.
 */
function requesterOf(request: FastifyRequest): Requester {
  const header = request.headers['x-grafana-user'];
  // Control characters would let a caller forge extra audit fields in log viewers.
  const user =
    typeof header === 'string'
      ? [...header]
          .filter((c) => c >= ' ' && c !== '\u007f')
          .join('')
          .trim()
      : '';
  return user === '' ? { who: 'api', source: 'api' } : { who: user, source: 'panel' };
}

export const targetsRoutes: FastifyPluginAsyncTypebox<TargetsRoutesOptions> = async (app, { scaler }) => {
  app.get(
    '/api/v1/targets',
    {
      config: { auth: 'token' },
      schema: {
        tags: ['scaling'],
        summary: 'Scalable targets: the Compose services and Swarm services labelled ntma.scale.enabled=true',
        response: { 200: TargetsAnswerSchema },
      },
    },
    async () => ({ targets: await scaler.listTargets() }),
  );

  app.post(
    '/api/v1/targets/:id/scale',
    {
      config: { auth: 'token' },
      schema: {
        tags: ['scaling'],
        summary: 'Scale a target to `replicas`, or by `delta`',
        description:
          'Exactly one of `replicas` or `delta`. A request that would leave the target outside its ' +
          'min..max (labels ntma.scale.min/max) is REFUSED with 409 LIMIT_EXCEEDED and changes nothing; it ' +
          'is never clamped. Requests for one target are serialised. The action is written to the audit ' +
          'log before the engine is touched and again with its outcome. 403: the target has not opted in; ' +
          '404: no such target (or it vanished); 503: Docker Engine unreachable (the message names the socket).',
        params: ScaleParamsSchema,
        headers: ScaleHeadersSchema,
        body: ScaleRequestSchema,
        response: { 200: ScaleResultSchema },
      },
    },
    async (request) => {
      const { replicas, delta, reason, dryRun } = request.body;
      const key = request.headers['idempotency-key'];
      return scaler.scale({
        target: request.params.id,
        reason,
        dryRun: dryRun ?? false,
        requester: requesterOf(request),
        ...(replicas !== undefined ? { replicas } : {}),
        ...(delta !== undefined ? { delta } : {}),
        ...(key !== undefined ? { idempotencyKey: key } : {}),
      });
    },
  );
};
