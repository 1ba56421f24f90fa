import { Type, type Static } from 'typebox';
import { literalUnion } from './common.js';

export const ACTION_STATUSES = ['applied', 'failed', 'refused', 'held', 'in_progress', 'unfinished'] as const;
export const ActionStatusSchema = literalUnion(ACTION_STATUSES, {
  description:
    'applied, failed, refused (limits, opt-in), held (automatic policy), in_progress (running now), ' +
    'unfinished (accepted, then the sidecar stopped before recording an outcome)',
});
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const AuditSourceSchema = Type.Union(
  [Type.Literal('panel'), Type.Literal('api'), Type.Literal('alert'), Type.Literal('policy')],
  {
    description:
      "A Grafana panel (behind the plugin proxy), the bare API, an alert, or the predictive policy's evaluation",
  },
);
export type AuditSource = Static<typeof AuditSourceSchema>;

const Replicas = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);

const MaybeNumber = (description: string) => Type.Union([Type.Number(), Type.Null()], { description });

/** What the predictive policy decided from. */
export const DecisionInputsSchema = Type.Object({
  source: Type.Optional(Type.String({ description: 'The watched series read as demand' })),
  actual: MaybeNumber('Latest value of the demand series'),
  forecastPeak: MaybeNumber('Highest upper bound of the forecast over the lead time'),
  forecastPeakWindow: MaybeNumber('Highest upper bound over the stabilisation window'),
  forecastMean: Type.Optional(
    MaybeNumber(
      'Highest mean of the forecast over the lead time: the expected demand, planned at the target utilisation',
    ),
  ),
  recentPeak: MaybeNumber('Highest organic value over the last stabilisation window (null: not fully observed)'),
  forecastBias: Type.Optional(
    MaybeNumber(
      'Recent bias the forecast was moved by (median of value - one-step forecast; negative: it ran high); null: none that stands out',
    ),
  ),
  demand: MaybeNumber(
    'Expected demand planned at the target utilisation (the actual is left out while an attack is suspected)',
  ),
  capacity: Type.Union([
    Type.Object({
      perReplica: Type.Number(),
      utilisation: Type.Number(),
      leadSeconds: Type.Number(),
      stabilisationSeconds: Type.Number(),
      origin: Type.Optional(
        Type.String({
          description:
            'Where perReplica came from: the label ntma.scale.capacity, or the history window it was learned from (or why it was not)',
        }),
      ),
    }),
    Type.Null(),
  ]),
  desired: Type.Union([Type.Integer(), Type.Null()], {
    description:
      'max(ceil(demand / (perReplica x utilisation)), ceil(forecastPeak / perReplica)): the upper bound fits full capacity',
  }),
  bounds: Type.Object({
    min: Type.Integer(),
    max: Type.Integer(),
    step: Type.Integer(),
    cooldownSeconds: Type.Integer(),
    attackCap: Type.Integer(),
  }),
  anomaly: Type.Object({ kind: Type.Union([Type.String(), Type.Null()]), attack: Type.Boolean() }),
});
export type DecisionInputs = Static<typeof DecisionInputsSchema>;

/** One scale action folded from its accepted and outcome entries. */
export const AuditActionSchema = Type.Object({
  id: Type.String({ description: 'Action id (the auditId a scale request returns)' }),
  target: Type.String(),
  backend: Type.Optional(Type.String()),
  status: ActionStatusSchema,
  who: Type.String({
    description:
      'X-Grafana-User behind Grafana, "api" otherwise, grafana-alert:<receiver> or alertmanager-alert:<receiver>',
  }),
  source: AuditSourceSchema,
  reason: Type.String(),
  before: Replicas,
  after: Replicas,
  dryRun: Type.Boolean(),
  idempotencyKey: Type.Optional(Type.String()),
  acceptedAt: Type.Optional(Type.String({ description: 'When the accepted entry was written' })),
  finishedAt: Type.Optional(
    Type.String({ description: 'When the outcome entry was written; absent while unfinished' }),
  ),
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
export type AuditAction = Static<typeof AuditActionSchema>;

/** GET /api/v1/audit's query. */
export const AuditQuerySchema = Type.Object(
  {
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Only this target id' })),
    status: Type.Optional(ActionStatusSchema),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000_000, default: 0 }),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuerySchema>;

export const AuditPageSchema = Type.Object({
  items: Type.Array(AuditActionSchema, { description: 'Newest first' }),
  total: Type.Integer({ description: 'Actions matching the filter' }),
  offset: Type.Integer(),
  limit: Type.Integer(),
  skippedLines: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() }), {
    description: 'Lines of the log that could not be read, e.g. one torn by a crash mid-write',
  }),
});
export type AuditPage = Static<typeof AuditPageSchema>;
