import { Type, type Static } from 'typebox';
import { AuditActionSchema, DecisionInputsSchema } from './audit.js';

export const BackendKindSchema = Type.Union([Type.Literal('compose'), Type.Literal('swarm')]);
export type BackendKind = Static<typeof BackendKindSchema>;

export const AutoModeSchema = Type.Union([Type.Literal('off'), Type.Literal('dry-run'), Type.Literal('on')]);
export type AutoMode = Static<typeof AutoModeSchema>;

export const ScaleLimitsSchema = Type.Object({
  min: Type.Integer(),
  max: Type.Integer(),
  step: Type.Integer({ description: 'Most replicas one automatic action changes' }),
  cooldownSeconds: Type.Integer({ description: 'Quiet time after a change before an automatic action' }),
});
export type ScaleLimits = Static<typeof ScaleLimitsSchema>;

/** What the predictive policy would do now, and why. */
export const PolicyViewSchema = Type.Object(
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
);
export type PolicyView = Static<typeof PolicyViewSchema>;

/** One scalable target in GET /api/v1/targets. */
export const TargetViewSchema = Type.Object({
  id: Type.String({ description: 'compose:<project>:<service> or swarm:<service>' }),
  backend: BackendKindSchema,
  service: Type.String(),
  group: Type.Optional(Type.String({ description: 'Compose project or Swarm stack' })),
  desired: Type.Integer({ description: 'Replicas the orchestrator is asked to run' }),
  running: Type.Integer({ description: 'Replicas running now' }),
  limits: ScaleLimitsSchema,
  auto: Type.Object({
    mode: AutoModeSchema,
    dryRun: Type.Boolean({ description: 'Automatic actions are recorded only (label or NTMA_SCALE_AUTO_DRY_RUN)' }),
    attackMax: Type.Integer({ description: 'Automatic scale-out never passes this during an attack-like anomaly' }),
  }),
  labelError: Type.Optional(
    Type.String({
      description: 'Why scaling is refused: a malformed ntma.scale.* label, or replicas that disagree on one',
    }),
  ),
  lastAction: Type.Union([AuditActionSchema, Type.Null()]),
  policy: PolicyViewSchema,
});
export type TargetView = Static<typeof TargetViewSchema>;

export const TargetsAnswerSchema = Type.Object({ targets: Type.Array(TargetViewSchema) });
export type TargetsAnswer = Static<typeof TargetsAnswerSchema>;

export const ScaleParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 300 }) });

export const ScaleHeadersSchema = Type.Object({
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

/** POST /api/v1/targets/:id/scale: exactly one of `replicas` (absolute) or `delta` (relative). */
export const ScaleRequestSchema = Type.Object(
  {
    replicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Absolute replica count' })),
    delta: Type.Optional(Type.Integer({ minimum: -1000, maximum: 1000, description: 'Relative change, e.g. 1 or -1' })),
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; written to the audit log' }),
    dryRun: Type.Optional(Type.Boolean({ default: false, description: 'Record what would happen; change nothing' })),
  },
  { additionalProperties: false },
);
export type ScaleRequest = Static<typeof ScaleRequestSchema>;

export const ScaleResultSchema = Type.Object({
  target: Type.String(),
  backend: BackendKindSchema,
  before: Type.Integer(),
  after: Type.Integer(),
  running: Type.Integer({ description: 'Running when answered; Swarm converges to `after` shortly after' }),
  dryRun: Type.Boolean(),
  changed: Type.Boolean(),
  auditId: Type.String({ description: 'Action id in the audit log' }),
  replayed: Type.Boolean({ description: 'The stored answer to an earlier request with the same Idempotency-Key' }),
});
export type ScaleResult = Static<typeof ScaleResultSchema>;
