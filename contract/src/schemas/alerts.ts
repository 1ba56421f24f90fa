import { Type, type Static } from 'typebox';
import { literalUnion } from './common.js';

const Strings = Type.Record(Type.String(), Type.String());

/**
 * One alert of Grafana's webhook contact point payload, which extends Alertmanager's webhook body;
 * fields the sidecar does not use are accepted and ignored.
 */
export const WebhookAlertSchema = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'firing or resolved' })),
    labels: Type.Optional(Strings),
    annotations: Type.Optional(Strings),
    startsAt: Type.Optional(Type.String()),
    endsAt: Type.Optional(Type.String()),
    fingerprint: Type.Optional(Type.String()),
    values: Type.Optional(
      Type.Unsafe<Record<string, unknown> | null>({
        type: ['object', 'null'],
        description: 'Evaluated expression values by refId (Grafana 9.5+)',
      }),
    ),
    valueString: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type WebhookAlert = Static<typeof WebhookAlertSchema>;

/** POST /api/v1/alerts/grafana and /api/v1/alerts/alertmanager. */
export const AlertWebhookSchema = Type.Object(
  {
    receiver: Type.Optional(Type.String({ maxLength: 500 })),
    status: Type.Optional(Type.String()),
    alerts: Type.Array(WebhookAlertSchema, { maxItems: 1000 }),
  },
  { additionalProperties: true },
);
export type AlertWebhook = Static<typeof AlertWebhookSchema>;

/** `duplicate`: the same observation of the same alert was already decided; nothing new is done. */
export const AUTO_OUTCOMES = ['scaled', 'dry_run', 'held', 'refused', 'ignored', 'failed', 'duplicate'] as const;
export type AutoOutcome = (typeof AUTO_OUTCOMES)[number];

/** What the automatic policy decided for one alert. */
export const AutoDecisionSchema = Type.Object({
  alertname: Type.String(),
  fingerprint: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  decision: literalUnion(AUTO_OUTCOMES),
  reason: Type.String(),
  before: Type.Optional(Type.Integer()),
  after: Type.Optional(Type.Integer()),
  notes: Type.Optional(Type.Array(Type.String())),
  auditId: Type.Optional(Type.String()),
});
export type AutoDecision = Static<typeof AutoDecisionSchema>;

export const AlertsAnswerSchema = Type.Object({ decisions: Type.Array(AutoDecisionSchema) });
export type AlertsAnswer = Static<typeof AlertsAnswerSchema>;
