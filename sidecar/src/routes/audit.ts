import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditLog } from '../audit/log.js';

export interface AuditRoutesOptions {
  audit: AuditLog;
}

const Replicas = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);

const MaybeNumber = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

/** What the predictive policy decided from (scale/predictive.ts DecisionInputs). */
export const DecisionInputsSchema = Type.Object({
  source: Type.Optional(Type.String({ description: 'The watched series read as demand' })),
  actual: MaybeNumber('Latest value of the demand series'),
  forecastPeak: MaybeNumber('Highest upper bound of the forecast over the lead time'),
  forecastPeakWindow: MaybeNumber('Highest upper bound over the stabilisation window'),
  recentPeak: MaybeNumber('Highest organic value over the last stabilisation window (null: not fully observed)'),
  demand: MaybeNumber('Demand planned for (the actual is left out while an attack is suspected)'),
  capacity: Type.Union([
    Type.Object({
      perReplica: Type.Number(),
      utilisation: Type.Number(),
      leadSeconds: Type.Number(),
      stabilisationSeconds: Type.Number(),
    }),
    Type.Null(),
  ]),
  desired: Type.Union([Type.Integer(), Type.Null()], { description: 'ceil(demand / (perReplica x utilisation))' }),
  bounds: Type.Object({
    min: Type.Integer(),
    max: Type.Integer(),
    step: Type.Integer(),
    cooldownSeconds: Type.Integer(),
    attackCap: Type.Integer(),
  }),
  anomaly: Type.Object({ kind: Type.Union([Type.String(), Type.Null()]), attack: Type.Boolean() }),
});

const status = (options: { description?: string } = {}) =>
  Type.Union(
    [
      Type.Literal('applied'),
      Type.Literal('failed'),
      Type.Literal('refused'),
      Type.Literal('held'),
      Type.Literal('in_progress'),
      Type.Literal('unfinished'),
    ],
    options,
  );

/** One scale action folded from its accepted and outcome entries. */
export const AuditActionSchema = Type.Object({
  id: Type.String({ description: 'Action id (the auditId a scale request returns)' }),
  target: Type.String(),
  backend: Type.Optional(Type.String()),
  status: status({
    description:
      'applied, failed, refused (limits, opt-in), held (automatic policy), in_progress (running now), ' +
      'unfinished (accepted, then the sidecar stopped before recording an outcome)',
  }),
  who: Type.String({
    description:
      'X-Grafana-User behind Grafana, "api" otherwise, grafana-alert:<receiver> or alertmanager-alert:<receiver>',
  }),
  source: Type.Union([Type.Literal('panel'), Type.Literal('api'), Type.Literal('alert'), Type.Literal('policy')]),
  reason: Type.String(),
  before: Replicas,
  after: Replicas,
  dryRun: Type.Boolean(),
  idempotencyKey: Type.Optional(Type.String()),
  acceptedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String({ description: 'Why it failed, was refused or held' })),
  errorCode: Type.Optional(Type.String()),
  notes: Type.Optional(Type.Array(Type.String())),
  alert: Type.Optional(
    Type.Object({
      alertname: Type.Optional(Type.String()),
      fingerprint: Type.Optional(Type.String()),
      kind: Type.Optional(Type.String()),
      attack: Type.Optional(Type.Boolean()),
    }),
  ),
  policy: Type.Optional(DecisionInputsSchema),
});

const AuditQuery = Type.Object(
  {
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Only this target id' })),
    status: Type.Optional(status()),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

const AuditPageSchema = Type.Object({
  items: Type.Array(AuditActionSchema, { description: 'Newest first' }),
  total: Type.Integer({ description: 'Actions matching the filter' }),
  offset: Type.Integer(),
  limit: Type.Integer(),
  skippedLines: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
    description: 'Lines of the log that could not be read, e.g. one torn by a crash mid-write',
  }),
});

export const auditRoutes: FastifyPluginAsyncTypebox<AuditRoutesOptions> = async (app, { audit }) => {
  app.get(
    '/api/v1/audit',
    {
      config: { auth: 'token' },
      schema: {
        tags: ['scaling'],
        summary: 'The scaling audit log, newest first, paged and filterable by target',
        querystring: AuditQuery,
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
