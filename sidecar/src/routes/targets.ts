import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Requester, Scaler } from '../scale/scaler.js';
import { AuditActionSchema, DecisionInputsSchema } from './audit.js';

export interface TargetsRoutesOptions {
  scaler: Scaler;
}

const Backend = Type.Union([Type.Literal('compose'), Type.Literal('swarm')]);

const TargetSchema = Type.Object({
  id: Type.String({ description: 'compose:<project>:<service> or swarm:<service>' }),
  backend: Backend,
  service: Type.String(),
  group: Type.Optional(Type.String({ description: 'Compose project or Swarm stack' })),
  desired: Type.Integer({ description: 'Replicas the orchestrator is asked to run' }),
  running: Type.Integer({ description: 'Replicas running now' }),
  limits: Type.Object({
    min: Type.Integer(),
    max: Type.Integer(),
    step: Type.Integer({ description: 'Most replicas one automatic action changes' }),
    cooldownSeconds: Type.Integer({ description: 'Quiet time after a change before an automatic action' }),
  }),
  auto: Type.Object({
    mode: Type.Union([Type.Literal('off'), Type.Literal('dry-run'), Type.Literal('on')]),
    dryRun: Type.Boolean({ description: 'Automatic actions are recorded only (label or NTMA_SCALE_AUTO_DRY_RUN)' }),
    attackMax: Type.Integer({ description: 'Automatic scale-out never passes this during an attack-like anomaly' }),
  }),
  labelError: Type.Optional(
    Type.String({
      description: 'Why scaling is refused: a malformed ntma.scale.* label, or replicas that disagree on one',
    }),
  ),
  lastAction: Type.Union([AuditActionSchema, Type.Null()]),
  policy: Type.Object(
    {
      action: Type.Union([Type.Literal('scale'), Type.Literal('hold')]),
      from: Type.Optional(Type.Integer()),
      to: Type.Optional(Type.Integer()),
      code: Type.String({
        description: 'Stable name of the reason: out, in, steady, cooldown, stale, no_capacity, ...',
      }),
      reason: Type.String(),
      dryRun: Type.Boolean(),
      notes: Type.Array(Type.String()),
      inputs: DecisionInputsSchema,
    },
    {
      description:
        'What the predictive policy would do now and why, on the watchers’ live state (for auto=off: what it would do if it were on)',
    },
  ),
});

const ScaleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });

const ScaleHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Repeats of a request with this key act once (remembered NTMA_IDEMPOTENCY_TTL_SECONDS)',
    }),
  ),
  'x-grafana-user': Type.Optional(Type.String({ maxLength: 256 })),
});

const ScaleBody = Type.Object(
  {
    replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Absolute replica count' })),
    delta: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Relative change, e.g. 1 or -1' })),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; written to the audit log' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Record what would happen; change nothing' })),
  },
  { additionalProperties: false },
);

const ScaleAnswer = Type.Object({
  target: Type.String(),
  backend: Backend,
  before: Type.Integer(),
  after: Type.Integer(),
  running: Type.Integer({ description: 'Running when answered; Swarm converges to `after` shortly after' }),
  dryRun: Type.Boolean(),
  changed: Type.Boolean(),
  auditId: Type.String(),
  replayed: Type.Boolean({ description: 'The stored answer to an earlier request with the same Idempotency-Key' }),
});

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
        response: { 200: Type.Object({ targets: Type.Array(TargetSchema) }) },
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
        params: ScaleParams,
        headers: ScaleHeaders,
        body: ScaleBody,
        response: { 200: ScaleAnswer },
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
